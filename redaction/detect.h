// The "Find" half of redaction: detectors that run over a page's PLAIN TEXT (reading order) and
// return suggested redactions as byte offsets. Mapping offsets to page geometry is another
// component's job; nothing here knows about PDFs.
//
// All built-in detectors, reference patterns, per-case terms and free regexes are compiled into
// ONE RE2::Set. find() scans the text in blocks of a few KB with that set; only the patterns the
// set reports for a block are then run precisely (RE2) over that block, and their candidates go
// through a validator where a checksum or format rule exists (Luhn, mod-11, mod-97, NINO
// prefixes, date ranges, IP syntax...).
//
// Thread-safety: a compiled DetectorSet is immutable; find() may be called from many threads at
// once. Copies share the compiled state.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "redaction/detect_terms.h"
#include "redaction/reasons.h"

namespace redbox::redaction {

struct TextMatch {
  std::size_t begin = 0, end = 0;  // byte offsets into the text, [begin, end)
  std::string detector;            // e.g. "uk_nino", "email", "term"
  std::string reason_code;         // suggested reason code
  std::string label;               // human label, e.g. "National Insurance number"
};

// A configurable reference pattern (official reply "B...", private office "M...", PQ numbers).
struct ReferencePattern {
  std::string name;     // e.g. "official_reply"; reported as detector "reference"
  std::string pattern;  // RE2 syntax; if it has a capturing group, group 1 is the span
  std::string reason;   // reason code; empty = DetectorOptions::default_reason
  std::string label;    // human label; empty = name
};

struct DetectorOptions {
  bool uk_pii = true;                        // all built-in detectors (and default references)
  std::vector<std::string> enabled;          // optional subset of detector names (see builtin_detector_names())
  std::vector<TermEntry> terms;              // per-case names
  std::vector<std::string> regexes;          // free RE2 patterns (detector "regex")
  std::vector<ReferencePattern> references;  // empty + uk_pii: the shipped defaults
  std::string default_reason = "s40(2) personal data of a third party";
  // Reason codes a match may carry; empty = the shipped default list. Every reason named by the
  // options must be in it (compile() fails otherwise), so a typo cannot reach a bundle.
  std::vector<std::string> allowed_reasons;
};

class DetectorSet {
 public:
  static Result<DetectorSet> compile(const DetectorOptions& options);

  // Matches sorted by (begin, end). Matches of one detector never overlap; a match wholly inside
  // a match of a stronger detector (e.g. a sort code inside an IBAN) is dropped, while partial
  // overlaps between different detectors are all kept for the caseworker to judge.
  std::vector<TextMatch> find(std::string_view text) const;

  // Names of the detectors this set runs ("email", "term", ...), in priority order.
  std::vector<std::string> detector_names() const;
  // Number of compiled patterns (one detector may use several).
  std::size_t pattern_count() const;

  struct Impl;

 private:
  explicit DetectorSet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Every built-in detector name, in priority order.
std::vector<std::string> builtin_detector_names();

// The reference patterns shipped in redaction/reasons/reference_patterns.json.
const std::vector<ReferencePattern>& default_reference_patterns();
// Parses a reference pattern list (JSON array of {name, pattern, reason?, label?}); every
// pattern must compile. `origin` names the source in errors.
Result<std::vector<ReferencePattern>> parse_reference_patterns(std::string_view json, std::string_view origin);

}  // namespace redbox::redaction
