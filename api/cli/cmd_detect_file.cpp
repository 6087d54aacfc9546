// redbox detect-file: the marks redaction would make in a PDF (detectors, per-case names,
// regexes), printed for review. Nothing is stored or written; redact-file applies them.
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/detector_args.h"
#include "common/files.h"
#include "redaction/detect_source.h"
#include "redaction/propose.h"

namespace redbox::cli {
namespace {

const std::string kUsage = std::string(
    "usage: redbox detect-file IN.pdf [--terms FILE] [--regex RE]... [--detect WHAT]... [--json]\n"
    "\n"
    "Runs the redaction detectors over every page of a PDF and prints the proposed marks: page,\n"
    "detector, reason code, matched text and the rectangles (PDF points, top-left origin).\n"
    "Pages whose text cannot be searched (curves, fonts without Unicode, scans without OCR)\n"
    "are listed, so nothing is taken as searched when it was not. Writes nothing.\n"
    "\n") +
    kDetectorOptionsUsage +
    "                           (default: --detect uk-pii)\n"
    "  --password-file FILE     password of an encrypted input (first line of FILE)\n"
    "  --json                   {\"pages\", \"marks\": [{page, detector, reason, text, rects}], \"page_notes\"}\n";

nlohmann::json rect_json(const redaction::Rect& r) { return {r.x0, r.y0, r.x1, r.y1}; }

int run_detect_file(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  declare_detector_options(parser);
  parser.option("password-file");
  const ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().size() != 1) fail(Error::invalid_input("detect-file takes exactly one input PDF\n" + kUsage));
  const DetectorChoice choice = detector_choice(args, /*builtin_by_default=*/true);
  if (!choice.any) fail(Error::invalid_input("nothing to detect: --detect none without --terms or --regex"));

  redaction::ProposeOptions o;
  o.input = args.positionals()[0];
  if (auto pw = args.get("password-file")) o.password = read_password_file(*pw);
  o.finders.push_back(
      std::make_shared<redaction::DetectorHitSource>(redaction::DetectorSet::compile(choice.options).value()));
  o.reason = choice.options.default_reason;
  o.author = "redbox-cli";
  const redaction::Proposal proposal = redaction::propose_marks(o).value();

  if (ctx.global.json) {
    nlohmann::json out = {{"input", o.input.string()}, {"pages", proposal.pages}, {"marks", nlohmann::json::array()},
                          {"page_notes", nlohmann::json::array()}};
    for (const auto& m : proposal.marks) {
      nlohmann::json rects = nlohmann::json::array();
      for (const auto& q : m.quads) rects.push_back(rect_json(q.bounds()));
      out["marks"].push_back({{"page", m.page + 1},
                              {"detector", m.source},
                              {"reason", m.reason},
                              {"text", m.text},
                              {"rects", rects}});
    }
    for (const auto& n : proposal.page_notes) out["page_notes"].push_back({{"page", n.page + 1}, {"note", n.note}});
    out["count"] = proposal.marks.size();
    ctx.out << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& m : proposal.marks) {
    std::string shown = m.text;
    for (char& c : shown)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    const redaction::Rect b = m.bounds();
    ctx.out << "page " << m.page + 1 << "\t" << m.source << "\t" << m.reason << "\t" << shown << "\t[" << b.x0 << ","
            << b.y0 << "," << b.x1 << "," << b.y1 << "]\n";
  }
  for (const auto& n : proposal.page_notes) ctx.out << "page " << n.page + 1 << ": " << n.note << "\n";
  if (ctx.err_is_terminal) ctx.err << proposal.marks.size() << " proposed mark(s) on " << proposal.pages << " page(s)\n";
  return 0;
}

const Registrar kRegistrar({"detect-file", "Show the redaction marks the detectors propose for a PDF", kUsage,
                            run_detect_file});

}  // namespace
}  // namespace redbox::cli
