// Reason codes: the configurable list of reasons a suggested redaction may carry
// ("s40(2) personal data of a third party", "legal professional privilege", ...). The shipped
// list is redaction/reasons/reason_codes.txt, compiled in; a deployment may load its own.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace redbox::redaction {

// One code a line; '#' starts a comment line; blank lines ignored; surrounding spaces trimmed.
// Rejects (invalid_input, naming origin and line): control characters, invalid UTF-8, codes
// over 200 bytes, duplicates, and an empty list.
Result<std::vector<std::string>> parse_reason_codes(std::string_view content, std::string_view origin);
Result<std::vector<std::string>> load_reason_codes(const std::filesystem::path& file);

// The shipped list.
const std::vector<std::string>& default_reason_codes();

}  // namespace redbox::redaction
