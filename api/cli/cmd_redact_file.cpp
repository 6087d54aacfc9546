// redbox redact-file: true redaction of PDFs, verified before anything is written.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "common/error.h"
#include "common/files.h"
#include "api/cli/detector_args.h"
#include "redaction/detect_source.h"
#include "redaction/redact_job.h"

namespace redbox::cli {
namespace {

namespace fs = std::filesystem;
using redaction::AreaMark;
using redaction::RedactOptions;
using redaction::RedactResult;

const std::string kUsage = std::string(
    "usage: redbox redact-file IN.pdf... -o OUT.pdf|OUTDIR [options]\n"
    "\n"
    "Finds what to redact (UK personal data detectors, per-case names, regexes, phrases, areas,\n"
    "whole pages), removes text, image pixels, vector content, annotations and form values under\n"
    "each mark, strips metadata, scripts, attachments, comments, signatures and earlier\n"
    "revisions, then re-opens the output and verifies nothing redacted remains. If verification\n"
    "fails, the command exits non-zero and writes nothing for that document.\n"
    "\n"
    "  -o, --output PATH        output PDF (one input) or folder (several inputs)\n") +
    kDetectorOptionsUsage +
    "                           (default without --reason: detector suggestions; \"redacted\"\n"
    "                           for --find, --area and --withhold-page)\n"
    "  --find TEXT              redact every occurrence of a phrase (case-insensitive); repeatable\n"
    "  --area PAGE:x0,y0,x1,y1  redact a rectangle (1-based page, PDF points from the top-left)\n"
    "  --withhold-page N        withhold a whole page (1-based); repeatable\n"
    "  --label                  print the reason code inside boxes large enough for it\n"
    "  --log FILE.json          write the redaction log (one input) or use a folder (several)\n"
    "  --schedule FILE.csv      write the requester schedule (page, reason, count)\n"
    "  --password-file FILE     password of encrypted inputs (first line of FILE)\n"
    "  --no-rasterise           refuse instead of rasterising pages whose content cannot be removed\n"
    "  --jobs N                 documents processed in parallel (default 2)\n";

AreaMark parse_area(const std::string& spec) {
  int page = 0;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  char tail = 0;
  if (std::sscanf(spec.c_str(), "%d:%f,%f,%f,%f%c", &page, &x0, &y0, &x1, &y1, &tail) != 5 || page < 1) {
    fail(Error::invalid_input("--area must be PAGE:x0,y0,x1,y1 with a 1-based page, got '" + spec + "'"));
  }
  if (!(x1 > x0 && y1 > y0)) fail(Error::invalid_input("--area " + spec + " has no area (need x1 > x0 and y1 > y0)"));
  return {page - 1, {x0, y0, x1, y1}};
}

// Where a per-document record goes when several inputs share one option value.
fs::path per_document(const fs::path& base, const fs::path& input, const char* suffix, bool many) {
  if (!many) return base;
  return base / (input.stem().string() + suffix);
}

nlohmann::json result_json(const fs::path& in, const fs::path& out, const RedactResult& r) {
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : r.log.page_notes) notes.push_back({{"page", n.page + 1}, {"note", n.note}});
  return {{"input", in.string()},
          {"output", out.string()},
          {"pages", r.pages},
          {"marks", r.log.marks.size()},
          {"pages_with_marks", r.pages_with_marks},
          {"rasterised_pages", r.rasterised_pages.size()},
          {"document_actions", r.log.document_actions},
          {"page_notes", notes},
          {"verification",
           {{"passed", r.verification.passed()},
            {"pages_checked", r.verification.pages_checked},
            {"marks_checked", r.verification.marks_checked},
            {"streams_scanned", r.verification.streams_scanned},
            {"strings_scanned", r.verification.strings_scanned}}}};
}

int run_redact_file(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.option("output", "o").option("find").option("area").option("withhold-page");
  declare_detector_options(parser);
  parser.flag("label").option("log").option("schedule").option("password-file").option("jobs").flag("no-rasterise");
  ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  const auto& inputs = args.positionals();
  if (inputs.empty()) fail(Error::invalid_input("give at least one input PDF\n" + std::string(kUsage)));
  auto output = args.get("output");
  if (!output) fail(Error::invalid_input("-o OUT.pdf (or OUTDIR with several inputs) is required"));
  bool many = inputs.size() > 1;

  RedactOptions base;
  const DetectorChoice detectors = detector_choice(args, /*builtin_by_default=*/false);
  base.reason = detectors.reason.value_or("redacted");
  base.label = args.has("label");
  base.allow_rasterise = !args.has("no-rasterise");
  base.author = "redbox-cli";
  std::vector<std::string> phrases = args.all("find");
  if (!phrases.empty()) {
    // The one seam for text sources: the detectors plug in here as further TextHitSources.
    base.finders.push_back(std::make_shared<redaction::LiteralPhraseSource>(phrases, base.reason));
  }
  if (detectors.any) {
    base.finders.push_back(
        std::make_shared<redaction::DetectorHitSource>(redaction::DetectorSet::compile(detectors.options).value()));
  }
  for (const std::string& a : args.all("area")) base.areas.push_back(parse_area(a));
  for (const std::string& p : args.all("withhold-page")) {
    int n = 0;
    char tail = 0;
    if (std::sscanf(p.c_str(), "%d%c", &n, &tail) != 1 || n < 1) {
      fail(Error::invalid_input("--withhold-page needs a 1-based page number, got '" + p + "'"));
    }
    base.withheld_pages.push_back(n - 1);
  }
  if (base.finders.empty() && base.areas.empty() && base.withheld_pages.empty()) {
    fail(Error::invalid_input("nothing to redact: give --detect uk-pii, --terms, --regex, --find, --area or --withhold-page"));
  }
  if (auto pw = args.get("password-file")) base.password = read_password_file(*pw);
  int jobs = static_cast<int>(args.get_int("jobs").value_or(2));
  if (jobs < 1 || jobs > 64) fail(Error::invalid_input("--jobs must be between 1 and 64"));
  if (many) ensure_directory(*output).throw_if_error();
  auto log_base = args.get("log");
  auto schedule_base = args.get("schedule");
  if (many && log_base) ensure_directory(*log_base).throw_if_error();
  if (many && schedule_base) ensure_directory(*schedule_base).throw_if_error();

  // Documents in parallel use the cores, and every document uses two threads itself (text search
  // and verification): in a batch one large document is usually the last still running, and it
  // then has the other core to itself (bench/redact: 117 of 220 pages, 90% of the work).
  const int n_threads = std::min<int>(jobs, static_cast<int>(inputs.size()));
  base.document_threads = 2;
  std::vector<std::optional<Result<RedactResult>>> results(inputs.size());
  std::vector<fs::path> outputs(inputs.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < inputs.size(); i = next++) {
      RedactOptions o = base;
      o.input = inputs[i];
      o.output = many ? fs::path(*output) / fs::path(inputs[i]).filename() : fs::path(*output);
      if (log_base) o.log_path = per_document(*log_base, inputs[i], ".redaction-log.json", many);
      if (schedule_base) o.schedule_path = per_document(*schedule_base, inputs[i], ".schedule.csv", many);
      outputs[i] = o.output;
      results[i] = redaction::run_redact_job(o);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < n_threads; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  nlohmann::json all = nlohmann::json::array();
  std::optional<Error> first_error;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& r = *results[i];
    if (!r.ok()) {
      if (!first_error) first_error = r.error();
      if (ctx.global.json) {
        all.push_back({{"input", inputs[i]}, {"error", {{"code", std::string(to_string(r.error().kind))}, {"message", r.error().message}}}});
      } else if (many) {
        ctx.err << "redact-file: " << r.error().describe() << "\n";
      }
      continue;
    }
    if (ctx.global.json) {
      all.push_back(result_json(inputs[i], outputs[i], r.value()));
    } else {
      const RedactResult& rr = r.value();
      ctx.out << outputs[i].string() << ": " << rr.log.marks.size() << " mark(s) on " << rr.pages_with_marks << " of "
              << rr.pages << " page(s) removed and verified";
      if (!rr.rasterised_pages.empty()) ctx.out << "; " << rr.rasterised_pages.size() << " page(s) rasterised";
      ctx.out << "\n";
      for (const auto& n : rr.log.page_notes) ctx.out << "  page " << n.page + 1 << ": " << n.note << "\n";
      for (const auto& a : rr.log.document_actions) ctx.out << "  " << a << "\n";
    }
  }
  if (ctx.global.json) ctx.out << all.dump(2) << "\n";
  if (first_error) {
    if (!many || ctx.global.json) throw Failure(*first_error);
    throw Failure(Error{first_error->kind, "some documents were not redacted (see above)"});
  }
  return 0;
}

const Registrar reg({"redact-file", "Redact PDFs (UK personal data, names, phrases, areas, pages) and verify the result", kUsage, run_redact_file});

}  // namespace
}  // namespace redbox::cli
