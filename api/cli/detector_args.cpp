#include "api/cli/detector_args.h"

#include <algorithm>

#include "common/files.h"
#include "redaction/reasons.h"

namespace redbox::cli {

const char* const kDetectorOptionsUsage =
    "  --detect WHAT            uk-pii (every built-in UK detector), none, or a detector name\n"
    "                           (repeatable): email phone uk_postcode uk_nino nhs_number\n"
    "                           date_of_birth sort_code bank_account payment_card iban uk_passport\n"
    "                           ip_address uk_vehicle_reg uk_driving_licence reference\n"
    "  --terms FILE             per-case names, one a line `name[,role[,reason]]` (role\n"
    "                           data_subject or third_party) or a JSON array; variants (J. Smith,\n"
    "                           Smith, J, Mr Smith) match too, across line breaks and hyphenation\n"
    "  --regex RE               an extra RE2 pattern (repeatable); detector \"regex\"\n"
    "  --reasons FILE           reason code list (one a line) replacing the shipped list\n"
    "  --references FILE        reference patterns (JSON array of {name, pattern, reason, label})\n"
    "  --reason CODE            reason code for matches (terms of the data subject keep s40(1),\n"
    "                           terms with their own reason keep it); must be in the list\n";

void declare_detector_options(ArgParser& parser) {
  parser.option("detect").option("terms").option("regex").option("reasons").option("references").option("reason");
}

namespace {

std::string read_option_file(const std::string& path, std::uint64_t limit) {
  auto content = read_file(path, limit);
  if (!content) fail(content.error().within(path));
  return std::move(content).value();
}

}  // namespace

DetectorChoice detector_choice(const ParsedArgs& args, bool builtin_by_default) {
  DetectorChoice choice;
  redaction::DetectorOptions& o = choice.options;
  const std::vector<std::string> detect = args.all("detect");
  bool builtin = builtin_by_default && detect.empty();
  std::vector<std::string> names;
  for (const std::string& d : detect) {
    if (d == "uk-pii" || d == "uk_pii" || d == "all") builtin = true;
    else if (d == "none") builtin = false;
    else names.push_back(d);
  }
  if (!names.empty() && !builtin) {
    // A subset of the built-in detectors: the set runs only those (plus terms and regexes).
    o.uk_pii = true;
    o.enabled = names;
    if (args.has("terms")) o.enabled.emplace_back("term");
    if (args.has("regex")) o.enabled.emplace_back("regex");
  } else {
    o.uk_pii = builtin;
    if (!names.empty()) fail(Error::invalid_input("--detect uk-pii already runs every detector; drop the names"));
  }
  if (auto reasons = args.get("reasons")) o.allowed_reasons = redaction::load_reason_codes(*reasons).value();
  if (auto refs = args.get("references"))
    o.references = redaction::parse_reference_patterns(read_option_file(*refs, 16 << 20), *refs).value();
  if (auto terms = args.get("terms")) {
    o.terms = redaction::parse_terms(read_option_file(*terms, 64 << 20), *terms).value();
    if (o.terms.empty()) fail(Error::invalid_input(*terms + ": the terms file names nobody"));
  }
  o.regexes = args.all("regex");
  if (auto reason = args.get("reason")) {
    const auto& allowed = o.allowed_reasons.empty() ? redaction::default_reason_codes() : o.allowed_reasons;
    if (std::find(allowed.begin(), allowed.end(), *reason) == allowed.end())
      fail(Error::invalid_input("--reason '" + *reason +
                                "' is not in the reason code list (see redaction/reasons/reason_codes.txt or --reasons)"));
    o.default_reason = *reason;
    choice.reason = *reason;
  }
  choice.any = o.uk_pii || !o.terms.empty() || !o.regexes.empty() || (!o.references.empty() && o.uk_pii);
  return choice;
}

}  // namespace redbox::cli
