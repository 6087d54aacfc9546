// redbox detect-text: runs the redaction detectors over plain text (a file or stdin) and prints
// the suggested matches. For checking the detectors alone; detect-file builds on it for PDFs.
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "common/files.h"
#include "redaction/detect.h"

namespace redbox::cli {
namespace {

constexpr std::uint64_t kMaxTextBytes = 1ULL << 30;

constexpr const char* kUsage = R"(usage: redbox detect-text [FILE|-] [--terms FILE] [--regex RE]... [--only NAME]...
                          [--reasons FILE] [--references FILE] [--no-builtin] [--json]

Runs the redaction detectors over a plain-text file (or stdin, with - or no FILE) and prints
one line per suggested redaction: byte offsets [begin,end), detector, reason code and text.

  --terms FILE       names to find: one a line, `name[,role[,reason]]` with role data_subject
                     or third_party (default third_party); '#' lines are comments. A JSON array
                     of strings or {"name","role","reason"} objects is accepted too.
  --regex RE         an extra RE2 pattern (repeatable); reported as detector "regex"
  --only NAME        run only these detectors (repeatable): email phone uk_postcode uk_nino
                     nhs_number date_of_birth sort_code bank_account payment_card iban
                     uk_passport ip_address uk_vehicle_reg uk_driving_licence reference term regex
  --reasons FILE     reason code list (one a line) replacing the shipped list
  --references FILE  reference patterns (JSON array of {name, pattern, reason, label})
                     replacing the shipped defaults
  --no-builtin       no built-in UK detectors (terms, regexes and --references only)
  --json             {"matches": [{"begin","end","detector","label","reason","text"}...]}
)";

std::string read_input(const std::string& path) {
  if (path.empty() || path == "-") {
    std::string text;
    char buf[1 << 16];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > kMaxTextBytes) fail(Error::too_large("stdin: text larger than 1 GiB"));
    }
    return text;
  }
  auto content = read_file(path, kMaxTextBytes);
  if (!content) fail(content.error().within(path));
  return std::move(content).value();
}

int run_detect_text(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.option("terms").option("regex").option("only").option("reasons").option("references").flag("no-builtin");
  const ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().size() > 1) fail(Error::invalid_input("detect-text takes at most one FILE"));

  redaction::DetectorOptions options;
  options.uk_pii = !args.has("no-builtin");
  options.regexes = args.all("regex");
  options.enabled = args.all("only");
  if (auto reasons = args.get("reasons")) options.allowed_reasons = redaction::load_reason_codes(*reasons).value();
  if (auto refs = args.get("references")) {
    auto content = read_file(*refs, 16 << 20);
    if (!content) fail(content.error().within(*refs));
    options.references = redaction::parse_reference_patterns(*content, *refs).value();
  }
  if (auto terms = args.get("terms")) {
    auto content = read_file(*terms, 64 << 20);
    if (!content) fail(content.error().within(*terms));
    options.terms = redaction::parse_terms(*content, *terms).value();
  }
  const auto detectors = redaction::DetectorSet::compile(options).value();
  const std::string text = read_input(args.positionals().empty() ? std::string() : args.positionals()[0]);
  const auto matches = detectors.find(text);

  if (ctx.global.json) {
    nlohmann::json out = {{"matches", nlohmann::json::array()}};
    for (const auto& m : matches)
      out["matches"].push_back({{"begin", m.begin},
                                {"end", m.end},
                                {"detector", m.detector},
                                {"label", m.label},
                                {"reason", m.reason_code},
                                {"text", text.substr(m.begin, m.end - m.begin)}});
    out["count"] = matches.size();
    // Text from the user's file may not be UTF-8; replace invalid bytes rather than fail.
    ctx.out << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& m : matches) {
    std::string shown = text.substr(m.begin, m.end - m.begin);
    for (char& c : shown)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    ctx.out << m.begin << "-" << m.end << "\t" << m.detector << "\t" << m.reason_code << "\t" << shown << "\n";
  }
  if (ctx.err_is_terminal) ctx.err << matches.size() << " match(es)\n";
  return 0;
}

const Registrar kRegistrar({"detect-text", "Find suggested redactions (PII, names, references) in plain text", kUsage,
                            run_detect_text});

}  // namespace
}  // namespace redbox::cli
