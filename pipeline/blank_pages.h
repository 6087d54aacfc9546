// Blank separator pages in a scanned stack, found by ink coverage (Leptonica), and the letters
// between them.
//
// Intake staff put a blank sheet between letters and scan the whole pile at once. A page is
// blank when, rendered small in grey, thresholded, its margins ignored (scanner shadows, punch
// holes) and its specks removed (dust, scanner noise), less than `max_ink` of it is ink. A
// single short line of text is well above the default; a sheet of speckle noise is below it.
//
// Thread-safety: pure functions; each call opens its own MuPDF context.
#pragma once

#include <leptonica/allheaders.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace redbox::pipeline {

struct BlankPageOptions {
  double render_dpi = 72;        // coverage needs no detail; at 72 dpi scanner noise averages away
  double margin = 0.06;          // fraction of each edge ignored
  int max_speck_pixels = 2;      // connected ink no wider and no taller than this (at render_dpi) is noise
  double max_ink = 0.0005;       // fraction of the inner page; below it the page is blank
  std::uint64_t max_render_pixels = 4'000'000;  // the rendering is scaled down to stay within this
};

// Reads "intake"."split" from config.json over the defaults ({"max_ink": 0.001, "margin": 0.05,
// "max_speck_pixels": 2}); invalid_input naming the key when a value is out of range.
Result<BlankPageOptions> blank_page_options_from(const nlohmann::json& store_config);

// Ink fraction of a page image of any depth (Leptonica). Returns 0 for an empty image.
double ink_coverage(PIX* page, const BlankPageOptions& options);

struct PageInk {
  double ink = 0;      // fraction of the inner page that is ink, after despeckling
  bool blank = false;  // ink < max_ink
};

// Measures every page of a PDF or image file (MuPDF renders it at options.render_dpi).
// Errors name the file and the page.
Result<std::vector<PageInk>> measure_ink(const std::filesystem::path& file, const BlankPageOptions& options,
                                         const std::optional<std::string>& password = std::nullopt);

// The letters of a stack: runs of non-blank pages (0-based page indices), in order. Leading,
// trailing and repeated blank pages separate nothing and are dropped; a stack with no blank
// page is one letter; a stack of blank pages has none.
std::vector<std::vector<int>> group_letters(const std::vector<PageInk>& pages);

}  // namespace redbox::pipeline
