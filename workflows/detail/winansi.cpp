#include "workflows/detail/winansi.h"

#include <array>
#include <cstdint>
#include <optional>

namespace redbox::workflows::detail {
namespace {

// 0x80-0x9F: the only range where WinAnsi differs from Latin-1 (0 = undefined code).
constexpr std::array<char32_t, 32> kHighControls = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

// One decoded code point and the bytes it took, or nullopt (with the length to skip) for a
// malformed sequence: bad lead byte, truncated, overlong, surrogate or beyond U+10FFFF.
struct Decoded {
  std::optional<char32_t> code_point;
  std::size_t length = 1;
};

Decoded decode_one(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1Fu;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0Fu;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07u;
    minimum = 0x10000;
  } else {
    return {std::nullopt, 1};  // a stray continuation byte or an invalid lead byte
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return {std::nullopt, k};
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  }
  if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {std::nullopt, length};
  return {cp, length};
}

bool is_invisible(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xAD ||  // controls, soft hyphen
         (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF;       // zero-width, marks, BOM
}

}  // namespace

unsigned char winansi_code(char32_t cp) {
  if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<unsigned char>(cp);
  for (std::size_t k = 0; k < kHighControls.size(); ++k) {
    if (kHighControls[k] != 0 && kHighControls[k] == cp) return static_cast<unsigned char>(0x80 + k);
  }
  return 0;
}

char32_t winansi_to_unicode(unsigned char code) {
  if (code >= 0x80 && code < 0xA0) return kHighControls[code - 0x80];
  if (code < 0x20 || code == 0x7F) return 0;
  return code;
}

std::string utf8_to_winansi(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const Decoded d = decode_one(utf8, i);
    i += d.length;
    if (!d.code_point) {
      out += '?';
      continue;
    }
    const char32_t cp = *d.code_point;
    if (cp == '\r') {
      if (i < utf8.size() && utf8[i] == '\n') ++i;  // CR LF is one break
      out += '\n';
    } else if (cp == '\n' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
      out += '\n';
    } else if (cp == '\t') {
      out += ' ';
    } else if (is_invisible(cp)) {
      continue;
    } else if (const unsigned char code = winansi_code(cp); code != 0) {
      out += static_cast<char>(code);
    } else {
      out += '?';
    }
  }
  return out;
}

}  // namespace redbox::workflows::detail
