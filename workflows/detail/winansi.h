// UTF-8 text to WinAnsi (Windows code page 1252, the PDF WinAnsiEncoding of the Base-14
// fonts), for the letter PDFs. Internal to workflows/.
//
// Curly quotes, dashes, the euro sign, the bullet, ellipsis and the other typographic
// characters of 0x80-0x9F are kept; Latin-1 is kept as is. Anything WinAnsi cannot show
// becomes '?', as does every byte of malformed UTF-8 (a letter must never silently lose a
// character). Line and paragraph separators become '\n' (a forced line break); tabs become a
// space; other control characters, the soft hyphen and zero-width characters are dropped,
// since they are invisible in the source too.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redbox::workflows::detail {

// The WinAnsi code of a Unicode code point, or 0 when WinAnsi has no glyph for it.
unsigned char winansi_code(char32_t code_point);

// The Unicode code point a WinAnsi code shows, or 0 for the five codes WinAnsi leaves
// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) and the control codes below 0x20.
char32_t winansi_to_unicode(unsigned char code);

// Converts as described above. The result holds printable WinAnsi bytes and '\n' only.
std::string utf8_to_winansi(std::string_view utf8);

}  // namespace redbox::workflows::detail
