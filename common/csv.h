// CSV output (RFC 4180) for reports, schedules and directory exports, which people open in
// spreadsheets.
#pragma once

#include <string>
#include <vector>

namespace redbox::csv {

// One field: quoted when it holds a comma, quote or line break (quotes doubled). A text that a
// spreadsheet would run as a formula (starting with =, +, @, a tab or CR, or - not followed by
// a number) gets a leading apostrophe, so an exported letter field cannot execute anything.
std::string field(const std::string& text);

// Fields joined by commas, ending in CRLF.
std::string row(const std::vector<std::string>& fields);

}  // namespace redbox::csv
