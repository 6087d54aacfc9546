// Shared by the bundle tests: generated inputs and MuPDF read-back.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/mupdf.h"

namespace redbox::test::bundle {

// A PDF of `pages` A4 pages of text down to the bottom edge (no free margin).
void write_text_pdf(const std::filesystem::path& path, int pages, const std::string& label);
// One A4 page covered by a w x h RGB photo-like image (smooth gradients plus noise, which Flate
// compresses poorly and JPEG well), stored Flate-compressed.
void write_large_image_pdf(const std::filesystem::path& path, int w, int h);
// A PNG scan-like image, w x h pixels.
void write_png(const std::filesystem::path& path, int w, int h);

struct PageText {
  std::string text;
  fz_rect bounds{};
  fz_rect stamp_box = fz_empty_rect;  // where `needle` was found, in page space as seen
  bool stamp_horizontal = false;
};
// Text of every page of a PDF; stamp_box is the bbox of the line containing needle(page).
std::vector<PageText> read_pages(const std::filesystem::path& pdf,
                                 const std::function<std::string(int)>& needle_for_page = {});
int count_pages(const std::filesystem::path& pdf);
int count_outline_items(const std::filesystem::path& pdf);

}  // namespace redbox::test::bundle
