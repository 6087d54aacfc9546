// Copying a subset of a PDF's pages into a new PDF (MuPDF grafting: each page's content and
// resources are copied unchanged, images keep their original encoding). Used by intake to
// make each letter of a split scan stack its own file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"

namespace redbox::pipeline::detail {

// Returns the bytes of a new PDF holding pages (0-based, in the order given) of source. The
// output carries no generated ID or dates, so the same pages give the same bytes every time
// (intake relies on it when a killed job is resumed). Errors name the file and page.
Result<std::string> extract_pdf_pages(const std::filesystem::path& source, const std::vector<int>& pages);

}  // namespace redbox::pipeline::detail
