// Rendering generated letters: a born-digital PDF (PoDoFo, Helvetica 11 pt on A4) and a
// degraded scan of it (MuPDF renders each page to grey at `dpi`, Leptonica skews it slightly
// and adds noise; saved as an image-only PDF and one PNG per page).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "samples/generator/letter_text.h"

namespace redbox::letters {

Result<std::string> letter_pdf(const Letter& letter);

struct Scan {
  std::string pdf;                 // image-only PDF, one page per letter page
  std::vector<std::string> pngs;   // one PNG per page
};
// Deterministic from seed: the skew angle and noise depend only on it.
Result<Scan> degrade_to_scan(const std::string& pdf_bytes, int dpi, std::uint64_t seed);

}  // namespace redbox::letters
