// Page layout for workflows/rich_pdf.h: wraps each block's runs into lines with the Helvetica
// metrics, breaks pages between lines, and places margin labels, list markers, change marks,
// header lines and the "page N of M" footer. The result is positioned WinAnsi text and filled
// rectangles per page; rich_pdf.cpp turns it into content streams. Internal to workflows/.
//
// Coordinates are PDF user space: points, origin at the bottom-left of an A4 page, y up.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "workflows/detail/base14_metrics.h"
#include "workflows/rich_pdf.h"

namespace redbox::workflows::detail {

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double kA4Width = 210.0 * kPointsPerMm;   // 595.28 pt
constexpr double kA4Height = 297.0 * kPointsPerMm;  // 841.89 pt
constexpr std::size_t kMaxPages = 2000;             // beyond this, render() is too_large

struct PlacedText {
  double x = 0;  // start of the baseline
  double y = 0;
  Face face = Face::regular;
  double size = 11;
  double gray = 0;   // 0 black .. 1 white
  std::string text;  // WinAnsi, one line's worth, never '\n'
};

struct PlacedRect {
  double x = 0;  // bottom-left corner
  double y = 0;
  double width = 0;
  double height = 0;
  double gray = 0;
};

struct LaidOutPage {
  std::vector<PlacedText> texts;  // in reading order
  std::vector<PlacedRect> rects;  // underlines, strike-throughs, change bars, rules
};

// The body's left edge for the given margin choice (labels sit left of it).
double body_left_edge(bool wide_margin);

// Lays out every page. Throws redbox::Failure (too_large) past kMaxPages pages.
std::vector<LaidOutPage> lay_out(const rich_pdf::Document& document);

}  // namespace redbox::workflows::detail
