// Page stamping: a Bates-style number (and optionally "Page N of M") in a band along the
// bottom edge of the page as the reader sees it, upright whatever the page's /Rotate.
//
// The page's existing content is wrapped in q ... Q first, so content that leaves the graphics
// state scaled or translated cannot move the stamp. When the content reaches into the band
// (no free margin, judged from the content's bounding box) the content is shrunk towards the
// top centre just enough to free the band.
#pragma once

#include <string>
#include <string_view>

#include "common/mupdf.h"

namespace redbox::pipeline::detail {

// Height of the stamp band at the bottom of the page, in points.
constexpr float kStampBand = 22.0f;
constexpr float kStampFontSize = 8.0f;
constexpr float kStampSideMargin = 24.0f;

// Measures and encodes text for the standard (non-embedded) Helvetica in WinAnsiEncoding.
class Helvetica {
 public:
  explicit Helvetica(const mu::Context& ctx);
  // Width in points of UTF-8 text at size.
  float width(std::string_view utf8, float size) const;
  // A PDF string literal "(...)" in WinAnsi; characters outside it become '?'.
  static std::string pdf_literal(std::string_view utf8);
  // Cuts text (adding "...") so that it fits max_width at size.
  std::string fit(std::string_view utf8, float size, float max_width) const;
  // A font dictionary for Helvetica added to doc (indirect; the caller drops it).
  static pdf_obj* add_font(fz_context* ctx, pdf_document* doc);

 private:
  const mu::Context* ctx_;
  mu::Font font_;
};

// The page's bounds (as seen, after /Rotate) and the bounding box of what it draws (see
// bundle_page_measure.h: once that reaches into the band, only that much is known).
struct PageGeometry {
  fz_rect bounds{};
  fz_rect content{};
  bool needs_shrink() const;
};

struct StampText {
  std::string right;   // the Bates number
  std::string centre;  // "Page N of M" or empty
};

// Stamps page (a page dictionary of doc). font is the document's Helvetica (see add_font).
void stamp_page(const mu::Context& ctx, const Helvetica& helvetica, pdf_document* doc, pdf_obj* page,
                pdf_obj* font, const PageGeometry& geometry, const StampText& text);

}  // namespace redbox::pipeline::detail
