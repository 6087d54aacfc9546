#include "pipeline/detail/bundle_index.h"

#include <cstdio>

namespace redbox::pipeline::detail {
namespace {

struct Column {
  const char* heading;
  float x;
  float width;
};

// No. | Title | Date | Pages | Stamped pages | Part
constexpr Column kColumns[] = {
    {"No.", 40, 22}, {"Document", 64, 160}, {"Date", 228, 50}, {"Pages", 282, 28}, {"Stamped pages", 312, 212}, {"Part", 528, 40}};
constexpr float kRowFont = 8;
constexpr float kLeading = 17;
constexpr float kFirstRowY = 742;

void text_at(std::string& out, const Helvetica& h, float size, float x, float y, const std::string& text) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "/RbxHelv %g Tf 1 0 0 1 %.2f %.2f Tm ", size, x, y);
  out += buf;
  out += Helvetica::pdf_literal(text);
  out += " Tj\n";
  (void)h;
}

}  // namespace

int index_page_count(std::size_t rows) {
  if (rows == 0) return 1;
  return static_cast<int>((rows + kIndexRowsPerPage - 1) / kIndexRowsPerPage);
}

std::vector<std::string> index_page_contents(const Helvetica& helvetica, const std::string& reference,
                                             const std::vector<IndexRow>& rows) {
  const int pages = index_page_count(rows.size());
  std::vector<std::string> out;
  for (int p = 0; p < pages; ++p) {
    std::string s = "BT\n0 g\n";
    std::string heading = "Index of documents - " + reference;
    if (pages > 1) heading += " (page " + std::to_string(p + 1) + " of " + std::to_string(pages) + ")";
    text_at(s, helvetica, 13, 40, 790, helvetica.fit(heading, 13, 515));
    for (const auto& c : kColumns) text_at(s, helvetica, kRowFont, c.x, 762, c.heading);
    s += "ET\n0.5 w 40 756 m 555 756 l S\nBT\n0 g\n";
    for (int r = 0; r < kIndexRowsPerPage; ++r) {
      const std::size_t i = static_cast<std::size_t>(p) * kIndexRowsPerPage + static_cast<std::size_t>(r);
      if (i >= rows.size()) break;
      const IndexRow& row = rows[i];
      const float y = kFirstRowY - kLeading * static_cast<float>(r);
      const std::string cells[] = {std::to_string(i + 1), row.title, row.date, std::to_string(row.pages), row.range, row.part};
      for (std::size_t c = 0; c < std::size(kColumns); ++c)
        text_at(s, helvetica, kRowFont, kColumns[c].x, y, helvetica.fit(cells[c], kRowFont, kColumns[c].width));
    }
    if (rows.empty()) text_at(s, helvetica, kRowFont, 64, kFirstRowY, "(no documents)");
    s += "ET\n";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace redbox::pipeline::detail
