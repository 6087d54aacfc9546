// The built-in UK detectors: name, label, RE2 pattern(s) and the validator each candidate must
// pass. Listed in priority order: when a match lies wholly inside a match of an earlier
// detector, the later one is dropped (a sort code inside an IBAN, a surname inside an e-mail).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redbox::redaction::detail {

// Accepts or rejects the candidate text[begin, end). Returns the accepted end (which may be
// shorter than end, to trim a candidate) or nullopt to reject. `text` is the whole text, so a
// validator may look at the characters around the candidate.
using Validator = std::optional<std::size_t> (*)(std::string_view text, std::size_t begin, std::size_t end);

struct BuiltinPattern {
  std::string_view detector;
  std::string_view label;
  std::string_view pattern;  // RE2; a capturing group 1, when present, is the reported span
  Validator validate = nullptr;
};

const std::vector<BuiltinPattern>& builtin_patterns();
// Detector names in priority order, including the configurable ones ("reference", "term", "regex").
const std::vector<std::string_view>& detector_priority();
int priority_of(std::string_view detector);  // lower = stronger; unknown names last

// True if the byte at text[pos] (or the UTF-8 character ending just before pos, for
// `before`) is a letter or digit, i.e. a match must not start/end there.
bool word_char_before(std::string_view text, std::size_t pos);
bool word_char_at(std::string_view text, std::size_t pos);

}  // namespace redbox::redaction::detail
