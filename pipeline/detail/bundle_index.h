// The document index: the first pages after the cover letter, one row per document with its
// title, date, number of pages, stamped range and the part(s) it is in. Drawn with the
// standard Helvetica (not embedded) so the pages are small; A4 portrait.
#pragma once

#include <string>
#include <vector>

#include "pipeline/detail/bundle_stamp.h"

namespace redbox::pipeline::detail {

constexpr int kIndexRowsPerPage = 38;
constexpr fz_rect kIndexMediaBox{0, 0, 595, 842};

struct IndexRow {
  std::string title;
  std::string date;
  int pages = 0;
  std::string range;  // "SAR-000005 - SAR-000020" or "pp. 5-20"
  std::string part;   // "1", "2-3"
};

int index_page_count(std::size_t rows);

// One content stream per index page (font resource /RbxHelv).
std::vector<std::string> index_page_contents(const Helvetica& helvetica, const std::string& reference,
                                             const std::vector<IndexRow>& rows);

}  // namespace redbox::pipeline::detail
