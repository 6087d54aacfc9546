// Per-case term lists: the names of the data subject and of third parties, matched
// case-insensitively on word boundaries with common variants ("J. Smith", "Smith, J",
// "Mr Smith", "Smith, John"), across line breaks and end-of-line hyphenation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace redbox::redaction {

enum class TermRole { third_party, data_subject };

std::string_view to_string(TermRole role);

struct TermEntry {
  std::string text;                      // the name as written, e.g. "Dr John Paul Smith"
  TermRole role = TermRole::third_party;
  std::string reason_code;               // empty = by role (see default_reason_for)
};

// s40(1) for the data subject, otherwise the detector set's default reason.
std::string default_reason_for(TermRole role, std::string_view default_reason);

// Reads a terms file. Either JSON — an array of strings or of objects
// {"name": "...", "role": "data_subject"|"third_party", "reason": "..."} — or text: one name a
// line, optional columns separated by commas: `name[,role[,reason]]` (the reason may itself
// contain commas; everything after the second comma is the reason). Blank lines and lines
// starting with '#' are ignored. `origin` names the file in errors, which give the line number
// but never the name itself.
Result<std::vector<TermEntry>> parse_terms(std::string_view content, std::string_view origin);

namespace detail {
// The RE2 pattern (case-insensitive, no word-boundary assertions: the caller checks boundaries)
// matching every variant of one term. invalid_input if the name has no letters.
Result<std::string> term_pattern(const TermEntry& term);
}  // namespace detail

}  // namespace redbox::redaction
