// Re-encoding the images of one page that alone is over a part's size limit: every image
// drawn on the page at more than `dpi` (as placed: pixels per inch of the area it covers) is
// decoded, downsampled to `dpi` with Leptonica's area mapping and stored again as JPEG
// (quality 75), replacing the page's reference to it. Images with a soft mask or used as
// stencil masks, inline images and images already at or under `dpi` are left alone. Only the
// page's own resources (and those of the Form XObjects it uses) change; objects the old images
// leave unreferenced are dropped when the part is written.
#pragma once

#include <string>

#include "common/mupdf.h"

namespace redbox::pipeline::detail {

struct ReencodeResult {
  int images_reencoded = 0;
  std::uint64_t bytes_before = 0;  // compressed stream bytes of the replaced images
  std::uint64_t bytes_after = 0;
};

// page_index is the page's 0-based position in doc. Throws Failure (too_large for an image
// over the pixel limit, internal for MuPDF errors); describe names the page in messages.
ReencodeResult reencode_page_images(const mu::Context& ctx, pdf_document* doc, int page_index, int dpi,
                                    const std::string& describe);

}  // namespace redbox::pipeline::detail
