// Writes the searchable PDF: PDF pages are copied unchanged (content, resources, images) and
// image pages embed the image without re-encoding lossy data (JPEG passes through); OCRed
// pages get an invisible (render mode 3) text layer whose words are stretched over the
// printed words' quads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/mupdf.h"
#include "ocr/detail/page_work.h"
#include "ocr/detail/sources.h"

namespace redbox::ocr::detail {

// pages are in output order: every page of sources[0], then sources[1], ...
// Returns the PDF file's bytes.
std::string write_searchable_pdf(const mu::Context& ctx, const std::vector<Source>& sources,
                                 const std::vector<PageWork>& pages, const std::optional<std::string>& password);

}  // namespace redbox::ocr::detail
