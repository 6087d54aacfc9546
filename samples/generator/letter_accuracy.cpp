#include "samples/generator/letter_accuracy.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "common/files.h"
#include "redaction/detect.h"
#include "redaction/detect_source.h"
#include "redaction/redact_job.h"
#include "samples/generator/letter_pdf.h"
#include "samples/generator/letter_text.h"

extern char** environ;

namespace redbox::letters {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kExamples = 12;

// Runs program with args (no shell), stdout to `out_file`, stderr discarded. Returns the exit
// status, or fails if the program cannot be started.
int run_to_file(const std::string& program, const std::vector<std::string>& args, const fs::path& out_file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> store{program};
  store.insert(store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : store) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) fail(Error::not_found("cannot start " + program + ": " + std::strerror(rc) + " (install poppler-utils and qpdf)"));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Lower case without white space: how identifiers are compared across line breaks and the
// spacing differences of text extraction.
std::string squeeze(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// The forms of an identifier a reader could recover: as written (white space ignored) and, when
// a name was hyphenated at a line end, joined again.
std::vector<std::string> leak_forms(const std::string& text) {
  std::vector<std::string> forms{squeeze(text)};
  const auto hyphen = text.find("-\n");
  if (hyphen != std::string::npos) forms.push_back(squeeze(text.substr(0, hyphen) + text.substr(hyphen + 2)));
  return forms;
}

// Words (lower-cased, surrounding punctuation stripped) with their byte ranges.
struct Word {
  std::string text;
  std::size_t begin = 0, end = 0;
};
std::vector<Word> words_of(const std::string& text) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t b = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t e = i;
    while (b < e && std::ispunct(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::ispunct(static_cast<unsigned char>(text[e - 1]))) --e;
    if (e > b) words.push_back({lower(text.substr(b, e - b)), b, e});
  }
  return words;
}

void evaluate_one(const AccuracyOptions& o, std::size_t index, AccuracyReport& r) {
  const Letter letter = make_letter(o.seed, index);
  const fs::path in = o.work_dir / (letter.id + ".pdf");
  const fs::path out = o.work_dir / (letter.id + "-redacted.pdf");
  write_file_atomic(in, letter_pdf(letter).value()).throw_if_error();
  r.letters = 1;
  r.pages = static_cast<int>(letter.pages.size());

  redaction::DetectorOptions detect;
  for (const auto& p : letter.people)
    detect.terms.push_back({p.name, p.data_subject ? redaction::TermRole::data_subject : redaction::TermRole::third_party, ""});
  redaction::RedactOptions job;
  job.input = in;
  job.output = out;
  job.document_threads = o.threads > 1 ? 1 : 2;  // letters already run in parallel
  job.finders.push_back(std::make_shared<redaction::DetectorHitSource>(redaction::DetectorSet::compile(detect).value()));
  auto result = redaction::run_redact_job(job);
  if (!result.ok()) {
    ++r.verification_failures;
    r.failures.push_back(letter.id + ": " + result.error().describe());
    return;
  }

  // Recall and precision: ground truth and marks keyed by (page, detector, squeezed text).
  std::multiset<std::tuple<int, std::string, std::string>> truth, marks;
  for (const auto& id : letter.identifiers) truth.insert({id.page, id.detector, squeeze(id.text)});
  for (const auto& m : result->log.marks) marks.insert({m.page + 1, m.source, squeeze(m.text)});
  r.marks = static_cast<int>(marks.size());
  auto unmatched_marks = marks;
  for (const auto& id : letter.identifiers) {
    const std::tuple<int, std::string, std::string> key{id.page, id.detector, squeeze(id.text)};
    auto it = unmatched_marks.find(key);
    const bool found = it != unmatched_marks.end();
    if (found) unmatched_marks.erase(it);
    ++r.identifiers;
    r.identifiers_found += found;
    auto& tally = r.per_detector[id.detector];
    ++tally.expected;
    tally.found += found;
    if (is_checksum_detector(id.detector)) {
      ++r.checksum_identifiers;
      r.checksum_found += found;
    }
    if (!found) r.misses.push_back(letter.id + " p" + std::to_string(id.page) + " " + id.detector + " '" + id.text + "'");
  }
  r.marks_true = r.marks - static_cast<int>(unmatched_marks.size());
  for (const auto& [page, detector, text] : unmatched_marks)
    r.extras.push_back(letter.id + " p" + std::to_string(page) + " " + detector + " '" + text + "'");

  // Leaks: pdftotext, then the decompressed bytes.
  const fs::path text_file = o.work_dir / (letter.id + "-redacted.txt");
  if (run_to_file("pdftotext", {"-q", out.string(), "-"}, text_file) != 0)
    fail(Error::corrupt(letter.id + ": pdftotext could not read the redacted PDF"));
  const std::string extracted = read_file(text_file).value();
  const std::string extracted_squeezed = squeeze(extracted);
  std::string streams;
  if (o.stream_scan) {
    const fs::path qdf = o.work_dir / (letter.id + "-redacted.qdf");
    const int rc = run_to_file("qpdf", {"--qdf", "--object-streams=disable", out.string(), "-"}, qdf);
    if (rc != 0 && rc != 3) fail(Error::corrupt(letter.id + ": qpdf could not read the redacted PDF"));
    streams = lower(read_file(qdf).value());
    fs::remove(qdf);
  }
  std::set<std::string> leaked;
  for (const auto& id : letter.identifiers) {
    for (const std::string& form : leak_forms(id.text)) {
      if (form.size() < 3 || leaked.count(form)) continue;
      if (extracted_squeezed.find(form) != std::string::npos) {
        ++r.leaks_pdftotext;
        leaked.insert(form);
        r.leaks.push_back(letter.id + " pdftotext " + id.detector + " '" + id.text + "'");
      }
      // The stream scan looks for the value as written on one line (what a content stream holds).
      const std::string literal = lower(id.text);
      if (!streams.empty() && literal.find('\n') == std::string::npos && streams.find(literal) != std::string::npos) {
        ++r.leaks_streams;
        r.leaks.push_back(letter.id + " streams " + id.detector + " '" + id.text + "'");
      }
    }
  }

  // Words outside the identifiers that must survive.
  std::map<std::string, int> kept;
  for (const Word& w : words_of(extracted)) ++kept[w.text];
  for (std::size_t p = 0; p < letter.pages.size(); ++p) {
    for (const Word& w : words_of(letter.pages[p])) {
      const bool inside = std::any_of(letter.identifiers.begin(), letter.identifiers.end(), [&](const Identifier& id) {
        return id.page == static_cast<int>(p + 1) && w.begin < id.end && id.begin < w.end;
      });
      if (inside) continue;
      ++r.words_outside;
      auto it = kept.find(w.text);
      if (it != kept.end() && it->second > 0) {
        --it->second;
        ++r.words_kept;
      }
    }
  }
  fs::remove(text_file);
}

void merge(AccuracyReport& into, const AccuracyReport& part) {
  into.letters += part.letters;
  into.pages += part.pages;
  into.identifiers += part.identifiers;
  into.identifiers_found += part.identifiers_found;
  into.checksum_identifiers += part.checksum_identifiers;
  into.checksum_found += part.checksum_found;
  into.marks += part.marks;
  into.marks_true += part.marks_true;
  into.leaks_pdftotext += part.leaks_pdftotext;
  into.leaks_streams += part.leaks_streams;
  into.words_outside += part.words_outside;
  into.words_kept += part.words_kept;
  into.verification_failures += part.verification_failures;
  for (const auto& [name, t] : part.per_detector) {
    into.per_detector[name].expected += t.expected;
    into.per_detector[name].found += t.found;
  }
  auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& s : from)
      if (to.size() < kExamples) to.push_back(s);
  };
  append(into.misses, part.misses);
  append(into.extras, part.extras);
  append(into.leaks, part.leaks);
  append(into.failures, part.failures);
}

}  // namespace

bool is_checksum_detector(const std::string& detector) {
  static const std::set<std::string> kChecksummed{"uk_nino", "nhs_number", "payment_card", "iban", "uk_driving_licence"};
  return kChecksummed.count(detector) > 0;
}

bool AccuracyReport::meets_goals() const {
  return letters > 0 && verification_failures == 0 && checksum_found == checksum_identifiers && recall() >= 99.0 &&
         precision() >= 95.0 && leaks_pdftotext == 0 && leaks_streams == 0 && kept_words() >= 99.0;
}

std::string AccuracyReport::summary() const {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(2);
  s << letters << " letters, " << pages << " pages, " << identifiers << " identifiers, " << seconds << " s\n";
  s << "  recall            " << recall() << "% (" << identifiers_found << "/" << identifiers << ")\n";
  s << "  checksum recall   " << checksum_recall() << "% (" << checksum_found << "/" << checksum_identifiers << ")\n";
  s << "  precision         " << precision() << "% (" << marks_true << "/" << marks << " marks)\n";
  s << "  leaks             pdftotext " << leaks_pdftotext << ", stream scan " << leaks_streams << "\n";
  s << "  words kept        " << kept_words() << "% (" << words_kept << "/" << words_outside << " outside marks)\n";
  s << "  verification      " << verification_failures << " failure(s)\n";
  for (const auto& [name, t] : per_detector) s << "    " << name << ": " << t.found << "/" << t.expected << "\n";
  for (const auto& m : misses) s << "  missed: " << m << "\n";
  for (const auto& m : extras) s << "  extra: " << m << "\n";
  for (const auto& m : leaks) s << "  LEAK: " << m << "\n";
  for (const auto& m : failures) s << "  FAILED: " << m << "\n";
  s << (meets_goals() ? "goals met" : "GOALS NOT MET") << "\n";
  return s.str();
}

Result<AccuracyReport> evaluate_letters(const AccuracyOptions& o) {
  return guard([&]() -> AccuracyReport {
    if (o.count == 0) fail(Error::invalid_input("no letters to evaluate"));
    if (o.threads < 1 || o.threads > 64) fail(Error::invalid_input("threads must be 1-64"));
    ensure_directory(o.work_dir).throw_if_error();
    const auto start = std::chrono::steady_clock::now();
    AccuracyReport total;
    std::mutex lock;
    std::atomic<std::size_t> next{0};
    std::optional<Error> error;
    auto worker = [&] {
      for (std::size_t i = next++; i < o.count; i = next++) {
        AccuracyReport part;
        Status status = guard([&] { evaluate_one(o, o.first + i, part); });
        std::lock_guard<std::mutex> guard_lock(lock);
        if (!status.ok()) {
          if (!error) error = status.error();
          continue;
        }
        merge(total, part);
      }
    };
    std::vector<std::thread> threads;
    for (int t = 1; t < o.threads; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    if (error) fail(*error);
    total.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return total;
  });
}

}  // namespace redbox::letters
