// Text helpers of the review store (review.h): what a mark keeps instead of the text it covers,
// and how release re-reads that text from the source version.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "redaction/marks.h"
#include "redaction/page_text.h"

namespace redbox::redaction::detail {

// White space removed and ASCII lower-cased, so that a value split over two lines, or a term
// typed with different spacing or case, hashes the same.
std::string normalise_for_hash(std::string_view text);
// SHA-256(salt || normalise_for_hash(text)), lower-case hex.
std::string review_text_hash(const std::string& salt, std::string_view text);
// A short preview that identifies a match to a reviewer without disclosing it: the first letter
// of each word and the last two digits of the whole value are kept, every other letter or digit
// becomes '*'; punctuation and spaces stay (e-mail and number shapes remain recognisable).
// At most 40 characters.
std::string masked_preview(std::string_view text);
// The page text whose characters lie under the quads (a character counts when the centre of its
// quad lies inside one of the quads' bounds). Characters on different lines are joined by one
// space.
std::string text_under(const PageText& page, const std::vector<Quad>& quads);

}  // namespace redbox::redaction::detail
