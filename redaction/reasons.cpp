#include "redaction/reasons.h"

#include <algorithm>
#include <cctype>

#include "common/files.h"
#include "redaction/detail/detect_data.h"

namespace redbox::redaction {
namespace {

constexpr std::size_t kMaxReasonBytes = 200;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>> parse_reason_codes(std::string_view content, std::string_view origin) {
  std::vector<std::string> codes;
  std::size_t pos = 0, line_no = 0;
  while (pos < content.size()) {
    std::size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = std::string(origin) + ": line " + std::to_string(line_no);
    if (line.size() > kMaxReasonBytes) return Error::invalid_input(where + ": reason code longer than 200 bytes");
    if (!valid_utf8(line)) return Error::invalid_input(where + ": reason code is not valid UTF-8");
    if (std::any_of(line.begin(), line.end(), [](char c) {
          auto u = static_cast<unsigned char>(c);
          return u < 0x20 || u == 0x7F;
        }))
      return Error::invalid_input(where + ": reason code contains a control character");
    if (std::find(codes.begin(), codes.end(), line) != codes.end())
      return Error::invalid_input(where + ": duplicate reason code");
    codes.emplace_back(line);
  }
  if (codes.empty()) return Error::invalid_input(std::string(origin) + ": no reason codes");
  return codes;
}

Result<std::vector<std::string>> load_reason_codes(const std::filesystem::path& file) {
  auto content = read_file(file, 1 << 20);
  if (!content) return content.error().within(file.string());
  return parse_reason_codes(*content, file.string());
}

const std::vector<std::string>& default_reason_codes() {
  static const std::vector<std::string> kCodes = [] {
    auto parsed = parse_reason_codes(detail::kDefaultReasonCodes, "redaction/reasons/reason_codes.txt");
    return std::move(parsed).value();  // the shipped file is checked by the tests
  }();
  return kCodes;
}

}  // namespace redbox::redaction
