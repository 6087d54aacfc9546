// One A4 page of plain text lines in a Base-14 font, added to a PDF being built: the simplest
// page with known text. The OCR tests save it as a born-digital page or render it into scans;
// the OCR benchmark renders it into scans.
#pragma once

#include <string>
#include <vector>

#include "common/mupdf.h"

namespace redbox::letters {

struct TextPageStyle {
  const char* font = "Helvetica";  // a Base-14 name
  float size = 12;                 // points
  float leading = 17;              // points between baselines
  float left = 72;                 // x of every line
  float first_baseline = 760;      // y of the first line (PDF space, from the bottom)
};

// Appends the page to doc. Characters are written as Latin-1 bytes; ( ) and \ are escaped.
void add_text_page(const mu::Context& ctx, pdf_document* doc, const std::vector<std::string>& lines,
                   const TextPageStyle& style = {});

}  // namespace redbox::letters
