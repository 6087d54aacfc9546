// What a worker produces for one page, in output order.
#pragma once

#include <vector>

#include "common/mupdf.h"
#include "ocr/ocr_job.h"

namespace redbox::ocr::detail {

struct PageWork {
  PageResult result;
  // For OCRed pages: each word's quad in page space (points, top-left origin, as displayed).
  // The text layer is written along these quads, so deskewed words stay slanted like the print.
  std::vector<fz_quad> quads;
  double image_width_pt = 0;  // image inputs: the page size the image is placed at
  double image_height_pt = 0;
};

}  // namespace redbox::ocr::detail
