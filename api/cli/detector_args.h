// Detector options shared by the file-level commands (detect-file, redact-file): which detectors
// run, the per-case term list, free regexes, the reason code list and reference patterns, and
// the default reason code. One place so both commands accept exactly the same options.
#pragma once

#include <optional>
#include <string>

#include "api/cli/args.h"
#include "redaction/detect.h"

namespace redbox::cli {

// Declares --detect, --terms, --regex, --reasons, --references and --reason.
void declare_detector_options(ArgParser& parser);

// Usage lines for those options.
extern const char* const kDetectorOptionsUsage;

struct DetectorChoice {
  redaction::DetectorOptions options;
  bool any = false;                  // something to detect (built-in detectors, terms or regexes)
  std::optional<std::string> reason;  // --reason, checked against the reason code list
};

// Builds the options. `builtin_by_default`: detect-file runs the UK detectors unless
// --detect none is given; redact-file runs them only with --detect uk-pii (or detector names).
// Errors (unreadable files, unknown detectors, reason codes not in the list, regexes that do not
// compile) are thrown as Failure with kind invalid_input / not_found.
DetectorChoice detector_choice(const ParsedArgs& args, bool builtin_by_default);

}  // namespace redbox::cli
