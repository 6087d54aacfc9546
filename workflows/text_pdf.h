// A plain-text letter as a small, valid PDF: A4, Helvetica 11 pt, lines wrapped at 85
// characters, as many pages as needed. Used for the template letters a case sends (transfer,
// clarification, rejection) so they can be printed and stored beside the case. Characters
// outside Latin-1 are written as '?'; the text is otherwise kept exactly (UTF-8 in).
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redbox::workflows {

std::string text_to_pdf(std::string_view utf8_text, std::string_view title);

}  // namespace redbox::workflows
