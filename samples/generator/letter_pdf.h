// Rendering generated letters: a born-digital PDF (PoDoFo, Helvetica 11 pt on A4) and a
// degraded scan of it (MuPDF renders each page to grey at `dpi`, Leptonica skews it slightly
// and adds noise; saved as an image-only PDF, one PNG and one TIFF per page).
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
  std::vector<std::string> tiffs;  // one TIFF per page (deflate, or G4 when bilevel)
  std::vector<double> skew_degrees;  // the rotation applied to each page
};
struct ScanOptions {
  int dpi = 200;           // 72-400
  std::uint64_t seed = 1;  // the skew angle, noise and dust depend only on it
  bool bilevel = false;    // black and white (G4 in TIFF and PDF, as mailroom scanners produce)
                           // instead of 8-bit grey (JPEG in the PDF)
  bool tiff = false;       // also encode TIFFs (skipped when not wanted: encoding costs time)
};
Result<Scan> degrade_to_scan(const std::string& pdf_bytes, const ScanOptions& options);

}  // namespace redbox::letters
