#include "common/csv.h"

#include <cctype>

namespace redbox::csv {
namespace {

bool looks_like_formula(const std::string& text) {
  if (text.empty()) return false;
  char first = text[0];
  if (first == '=' || first == '+' || first == '@' || first == '\t' || first == '\r') return true;
  if (first == '-') {
    return text.size() == 1 || !(std::isdigit(static_cast<unsigned char>(text[1])) || text[1] == '.');
  }
  return false;
}

}  // namespace

std::string field(const std::string& text) {
  std::string value = looks_like_formula(text) ? "'" + text : text;
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += field(fields[i]);
  }
  return out + "\r\n";
}

}  // namespace redbox::csv
