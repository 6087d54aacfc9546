// Test documents made at run time with MuPDF: a born-digital letter (Helvetica text) and the same
// letter as a "scan with an OCR text layer" (each page an image of the rendered letter, with the
// text drawn invisibly, render mode 3, at the glyphs' positions, as OCR tools do).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace redbox::test {

// One PDF page per entry; lines split on '\n' (long lines wrapped), Helvetica 11 pt on A4.
// Characters outside Latin-1 print as '?'.
void write_text_pdf(const std::vector<std::string>& pages, const std::filesystem::path& out);

// The same layout rendered to a grey image at dpi per page, plus the invisible text layer.
// Without the text layer it is an image-only scan (what arrives before OCR).
void write_scanned_pdf(const std::vector<std::string>& pages, const std::filesystem::path& out, bool with_text_layer,
                       int dpi = 150);

}  // namespace redbox::test
