// Blame and compare on a large draft: FRAGMENTS fragments x VERSIONS versions each, written by
// three authors in rounds (every round edits every fragment: a few words replaced, inserted or
// removed; one edit in 20 reverts to an earlier text). The versions are written through the
// draft service's own write path (diff against the previous version, attribution stored), one
// transaction per round; then blame and compare are timed through DraftService (median of 15).
//   usage: bench_drafts DATA_DIR [FRAGMENTS] [VERSIONS] [ROUNDS_DIR]
// ROUNDS_DIR receives the draft after each round, one word per line, for the git comparison.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/support/timing.h"
#include "storage/store.h"
#include "workflows/case_store.h"
#include "workflows/detail/draft_ops.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_store.h"
#include "workflows/draft_text.h"

using namespace redbox;
using namespace redbox::workflows;
using Clock_ = bench::BenchClock;
using bench::median_ms;
using bench::ms_since;

namespace {

std::vector<std::string> vocabulary() {
  std::vector<std::string> v;
  const char* base[] = {"the", "department", "minister", "policy", "review", "figures", "region", "trust", "hospital", "waiting",
                        "times", "letter", "constituent", "funding", "year", "service", "patients", "local", "national", "plan",
                        "data", "report", "decision", "summer", "autumn", "guidance", "support", "staff", "capacity", "target"};
  for (const char* w : base) v.push_back(w);
  for (int i = 0; i < 400; ++i) v.push_back("w" + std::to_string(i));
  return v;
}

std::string render(const std::vector<std::string>& words) {
  std::string s;
  for (std::size_t i = 0; i < words.size(); ++i) {
    s += words[i];
    s += (i + 1 == words.size()) ? "." : (i % 60 == 59 ? ".\n\n" : " ");
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_drafts DATA_DIR [FRAGMENTS] [VERSIONS] [ROUNDS_DIR]\n");
    return 2;
  }
  const int fragments = argc > 2 ? std::stoi(argv[2]) : 50;
  const int versions = argc > 3 ? std::stoi(argv[3]) : 200;
  const std::string rounds_dir = argc > 4 ? argv[4] : "";
  try {
    auto store = storage::init_store(argv[1]).value();
    auto types = CaseTypeRegistry::built_in().value();
    const auto& calendar = HolidayCalendar::built_in();
    CaseService cases(*store.catalog, types, calendar);
    Actor op = Actor::cli_operator("bench");
    const std::vector<std::string> authors = {"ana", "ben", "cat"};
    for (const auto& a : authors) store.catalog->create_user(a, storage::Role::caseworker, "bench").value();
    NewCase n;
    n.type = "mp-official";
    n.owner = "ana";
    n.mp = "Jane Smith MP";
    Case c = cases.create(op, n).value();
    DraftService drafts(store, calendar);
    drafts.create(op, c.reference, "").value();

    std::mt19937 rng(20261123);
    auto vocab = vocabulary();
    std::vector<std::vector<std::string>> text(static_cast<std::size_t>(fragments));
    std::vector<std::vector<std::string>> history_of(static_cast<std::size_t>(fragments));
    std::vector<std::string> ids;
    auto t_write = Clock_::now();
    for (int r = 0; r < versions; ++r) {
      store.catalog->write([&](storage::CatalogWriter& w) {
        auto scope = detail::open_scope(w.db(), op, c.reference, detail::DraftAccess::owner);
        for (int f = 0; f < fragments; ++f) {
          Actor who = op;
          who.name = authors[static_cast<std::size_t>((r + f) % 3)];
          auto& words = text[static_cast<std::size_t>(f)];
          auto& hist = history_of[static_cast<std::size_t>(f)];
          if (r == 0) {
            words.clear();
            for (int i = 0; i < 120; ++i) words.push_back(vocab[rng() % vocab.size()]);
            NewFragment nf;
            nf.title = "Section " + std::to_string(f + 1);
            nf.text = render(words);
            ids.push_back(detail::add_fragment_in(w, scope, who, nf).id);
            hist.push_back(nf.text);
            continue;
          }
          std::string next;
          if (rng() % 20 == 0 && hist.size() > 2) {
            next = hist[rng() % (hist.size() - 1)];  // a revert to an earlier text
          } else {
            for (int e = 0, edits = 1 + static_cast<int>(rng() % 3); e < edits; ++e) {
              std::size_t at = rng() % words.size();
              switch (rng() % 3) {
                case 0: words[at] = vocab[rng() % vocab.size()]; break;
                case 1: words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), vocab[rng() % vocab.size()]); break;
                default:
                  if (words.size() > 60) words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
              }
            }
            next = render(words);
          }
          if (next == hist.back()) next = render(words) + " Indeed.";
          detail::edit_fragment_in(w, scope, who, ids[static_cast<std::size_t>(f)], next, Provenance::written, nlohmann::json::object(),
                                   std::nullopt, "fragment.edit");
          hist.push_back(next);
          // Keep the working words in step with a revert.
          words.clear();
          for (const auto& dw : draft_text::words(next)) {
            std::string t = dw.text;
            while (!t.empty() && t.back() == '.') t.pop_back();
            if (!t.empty()) words.push_back(t);
          }
        }
      }).throw_if_error();
      if (!rounds_dir.empty()) {
        std::filesystem::create_directories(rounds_dir);
        char name[32];
        std::snprintf(name, sizeof name, "/%04d.txt", r);
        std::ofstream out(rounds_dir + name);
        for (int f = 0; f < fragments; ++f) {
          for (const auto& dw : draft_text::words(history_of[static_cast<std::size_t>(f)].back())) out << dw.text << "\n";
          out << "\n";
        }
      }
    }
    double write_ms = ms_since(t_write);
    Draft d = drafts.get(op, c.reference).value();
    const int latest = d.latest_revision;
    const int first_full = fragments;  // every fragment added, none edited yet
    std::size_t words_now = 0;
    Blame b = drafts.blame(op, c.reference).value();
    for (const auto& f : b.fragments) words_now += f.words.size();
    std::size_t edited = drafts.compare(op, c.reference, first_full, latest).value().changes.size();

    double blame_ms = median_ms(15, [&] { (void)drafts.blame(op, c.reference).value(); });
    double blame_old_ms = median_ms(15, [&] { (void)drafts.blame(op, c.reference, latest / 2).value(); });
    double cmp_all_ms = median_ms(15, [&] { (void)drafts.compare(op, c.reference, first_full, latest).value(); });
    double cmp_last_ms = median_ms(15, [&] { (void)drafts.compare(op, c.reference, latest - fragments, latest).value(); });
    // One edit through the public path (its own durable transaction), as a user makes it.
    double edit_ms = median_ms(9, [&] {
      static int k = 0;
      drafts.edit_fragment(op, c.reference, ids[0], render(text[0]) + " Edit " + std::to_string(++k) + ".").value();
    });

    std::printf("draft: %d fragments x %d versions (%d revisions), %zu words now, 3 authors\n", fragments, versions, latest, words_now);
    std::printf("writing all versions (diff + stored attribution), %d transactions: %.0f ms (%.3f ms per version)\n", versions, write_ms,
                write_ms / (fragments * versions));
    std::printf("one edit through DraftService (durable commit):   %8.2f ms (median of 9)\n", edit_ms);
    std::printf("blame, latest revision:                           %8.2f ms (median of 15; goal < 50 ms)\n", blame_ms);
    std::printf("blame, revision %d:                             %8.2f ms\n", latest / 2, blame_old_ms);
    std::printf("compare revision %d -> %d (%zu fragments changed):%8.2f ms (goal < 50 ms)\n", first_full, latest, edited, cmp_all_ms);
    std::printf("compare the last round (%d -> %d):               %8.2f ms\n", latest - fragments, latest, cmp_last_ms);
    std::printf("RESULT blame_ms=%.2f compare_ms=%.2f\n", blame_ms, cmp_all_ms);
  } catch (const Failure& f) {
    std::fprintf(stderr, "bench_drafts: %s\n", f.error().describe().c_str());
    return 1;
  }
  return 0;
}
