// Removal on one page (internal to the redaction module). See redact_job.h for the flow.
#pragma once

#include <string>
#include <vector>

#include "common/mupdf.h"
#include "redaction/marks.h"
#include "redaction/verify.h"

namespace redbox::redaction::detail {

struct BoxStyle {
  Rgb fill{0, 0, 0};
  bool label = false;
};

// Removes everything under the page's marks: annotations and form fields overlapping a mark,
// then text, images (pixels) and links via MuPDF's redaction; whole-page marks empty the page.
// Then draws the redaction boxes (see kBoxesXObjectName). Returns notes for the log.
std::vector<std::string> apply_page_marks(const mu::Context& ctx, pdf_document* doc, int page_index,
                                          const std::vector<const Mark*>& marks, const BoxStyle& style);

// Fallback when the verifier still sees content under a box (vector art, patterns, Type3 glyphs,
// soft masks that MuPDF 1.21 does not filter): the page becomes one image rendered at dpi with
// the marked areas filled, its text and vector content gone; the boxes are drawn again on top.
void rasterise_page(const mu::Context& ctx, pdf_document* doc, int page_index, const std::vector<const Mark*>& marks,
                    const BoxStyle& style, int dpi);

}  // namespace redbox::redaction::detail
