// Measuring a page for stamping: its bounds as seen (after /Rotate) and whether what it draws
// reaches into the stamp band at the bottom (see bundle_stamp.h). That means running the page's
// content through MuPDF's interpreter into a bounding-box device, which is most of the cost of a
// stamped bundle, so a PageMeasurer does as little of it as the answer needs:
//
// - It stops interpreting as soon as something is drawn in the band: the answer ("shrink") is
//   then known, and a full-page scan is decided by its first image.
// - Simple fonts whose dictionaries are wholly direct and identical (e.g. a "Times-Roman"
//   dictionary repeated on every page, as many generators write) are loaded once and shared:
//   loading a standard font without /Widths measures all 256 glyphs with FreeType, which cost
//   more than interpreting the page itself.
// - What can only make the drawn area smaller is skipped: shading patterns (a path filled with
//   one counts as the whole path) and soft masks. Never judged further from the band, only closer.
// - Image XObjects are not read: the bbox device only needs where an image is placed, so each
//   is stood in for, in this measuring context's resource cache, by a 1x1 image (a 200 KB scan
//   would otherwise be read and copied for nothing).
// - Text is bounded per span by the font's bbox at each glyph origin, not per glyph outline.
// - The content streams are run directly, without loading the page (no links, no annotation
//   appearances: annotation rectangles are taken from /Annots).
//
// One PageMeasurer per thread and context; not thread-safe.
#pragma once

#include <map>
#include <string>

#include "common/mupdf.h"
#include "pipeline/detail/bundle_stamp.h"

namespace redbox::pipeline::detail {

class PageMeasurer {
 public:
  explicit PageMeasurer(const mu::Context& ctx);
  PageMeasurer(const PageMeasurer&) = delete;
  PageMeasurer& operator=(const PageMeasurer&) = delete;
  ~PageMeasurer();

  // The page's bounds, and a content rectangle that is exact when the content keeps clear of the
  // band and, when it does not, reaches into the band (measuring stopped there).
  PageGeometry measure(pdf_document* doc, int page_index);

  // How many font loads were avoided by sharing, and image reads by stand-ins (for tests).
  int fonts_shared() const { return fonts_shared_; }
  int images_stood_in() const { return images_stood_in_; }

 private:
  void share_fonts(pdf_document* doc, pdf_obj* page);
  void stand_in_images(pdf_obj* page);

  const mu::Context& ctx_;
  // Loaded fonts by their dictionary's serialisation; each holds one reference.
  std::map<std::string, pdf_font_desc*> fonts_;
  int fonts_shared_ = 0;
  mu::Image stand_in_;  // 1x1, created on first use
  int images_stood_in_ = 0;
};

}  // namespace redbox::pipeline::detail
