#include "workflows/detail/rich_layout.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "workflows/detail/winansi.h"

namespace redbox::workflows::detail {
namespace {

using rich_pdf::Block;
using rich_pdf::BlockKind;
using rich_pdf::Change;
using rich_pdf::Document;

// Helvetica's ascender and descender (AFM, 1/1000 em), to centre text in its line.
constexpr double kAscent = 0.718;
constexpr double kDescent = 0.207;

struct TextStyle {
  double size;
  double leading;
  double space_before;  // not applied at the top of a page
  double space_after;
};

constexpr TextStyle kParagraph{11.0, 14.5, 0.0, 8.0};
constexpr TextStyle kHeading{13.5, 17.5, 10.0, 5.0};
constexpr TextStyle kListItem{11.0, 14.5, 0.0, 4.0};
constexpr TextStyle kLabel{8.0, 10.0, 0.0, 0.0};
constexpr TextStyle kHeaderFooter{8.5, 11.0, 0.0, 0.0};

constexpr double kLabelGray = 0.3;
constexpr double kHeaderGray = 0.25;
constexpr double kListIndent = 22.0;      // body text of an item starts this far right of the body edge
constexpr double kMarkerGap = 6.0;        // between an item's number and its text
constexpr double kChangeBarWidth = 1.6;
constexpr double kChangeBarGap = 7.0;     // from the body's left edge to the bar's right side
constexpr double kLabelGap = 14.0;        // from the labels' right edge to the body's left edge

// Where things go across the page: the label column and the body column.
struct Columns {
  double label_left;
  double label_right;
  double body_left;
  double body_right;
};

Columns columns_for(bool wide_margin) {
  if (wide_margin) {
    const double body_left = 58.0 * kPointsPerMm;
    return {12.0 * kPointsPerMm, body_left - kLabelGap, body_left, kA4Width - 18.0 * kPointsPerMm};
  }
  const double body_left = 25.0 * kPointsPerMm;
  return {8.0 * kPointsPerMm, body_left - kLabelGap + 4.0, body_left, kA4Width - 20.0 * kPointsPerMm};
}

// From a line's top to its baseline, with the font's ascender and descender centred in the leading.
double baseline_offset(const TextStyle& s) { return (s.leading - (kAscent + kDescent) * s.size) / 2.0 + kAscent * s.size; }

// One character of a block with the style it is drawn in.
struct Glyph {
  char code;  // WinAnsi, or '\n' for a forced break
  Face face;
  Change change;
};

double advance(const Glyph& g, double size) {
  return metrics_of(g.face).widths[static_cast<unsigned char>(g.code)] * size / 1000.0;
}

void append_glyphs(std::vector<Glyph>& out, std::string_view utf8, Face face, Change change) {
  for (char c : utf8_to_winansi(utf8)) out.push_back({c, face, change});
}

// A line as a half-open range of glyphs (trailing spaces already trimmed).
struct LineRange {
  std::size_t begin;
  std::size_t end;
};

// Greedy wrapping at spaces. A word wider than the line is broken between characters rather
// than allowed to overflow; spaces may hang past the right edge and are dropped at a soft
// break; '\n' forces a break (consecutive ones make empty lines).
std::vector<LineRange> wrap(const std::vector<Glyph>& glyphs, double size, double width) {
  std::vector<LineRange> lines;
  const std::size_t n = glyphs.size();
  std::size_t i = 0;
  bool after_soft_break = false;
  while (i < n) {
    if (after_soft_break) {
      while (i < n && glyphs[i].code == ' ') ++i;
      if (i == n) break;
    }
    double x = 0;
    std::size_t j = i;
    std::size_t last_break = n;  // index of the first space after the last complete word
    bool forced = false;
    while (j < n) {
      const char c = glyphs[j].code;
      if (c == '\n') {
        forced = true;
        break;
      }
      const double w = advance(glyphs[j], size);
      if (c != ' ' && j > i && x + w > width + 1e-6) {
        if (last_break != n) j = last_break;  // otherwise the word is broken here
        break;
      }
      if (c == ' ' && j > i && glyphs[j - 1].code != ' ') last_break = j;
      x += w;
      ++j;
    }
    std::size_t end = j;
    while (end > i && glyphs[end - 1].code == ' ') --end;
    lines.push_back({i, end});
    i = forced ? j + 1 : j;
    after_soft_break = !forced;
  }
  if (lines.empty()) lines.push_back({0, 0});  // an empty block still takes one line
  return lines;
}

// Single-style text (labels, header, footer) wrapped into WinAnsi lines.
std::vector<std::string> wrap_plain(std::string_view utf8, Face face, double size, double width) {
  std::vector<Glyph> glyphs;
  append_glyphs(glyphs, utf8, face, Change::none);
  std::vector<std::string> out;
  for (const LineRange& r : wrap(glyphs, size, width)) {
    std::string line;
    for (std::size_t k = r.begin; k < r.end; ++k) line += glyphs[k].code;
    out.push_back(std::move(line));
  }
  return out;
}

const TextStyle& style_of(BlockKind kind) {
  switch (kind) {
    case BlockKind::heading:
      return kHeading;
    case BlockKind::bullet_item:
    case BlockKind::numbered_item:
      return kListItem;
    case BlockKind::paragraph:
      break;
  }
  return kParagraph;
}

// A block ready to place: its glyphs, lines, list marker and margin label lines.
struct PreparedBlock {
  const Block* block = nullptr;
  TextStyle style{};
  double indent = 0;
  std::string marker;  // WinAnsi bullet or "12."; empty for paragraphs and headings
  std::vector<Glyph> glyphs;
  std::vector<LineRange> lines;
  std::vector<std::string> labels;            // at the block's start
  std::vector<std::string> labels_continued;  // on each further page it spans
};

PreparedBlock prepare(const Block& block, const Columns& cols) {
  PreparedBlock p;
  p.block = &block;
  p.style = style_of(block.kind);
  const bool heading = block.kind == BlockKind::heading;
  if (block.kind == BlockKind::bullet_item) {
    p.indent = kListIndent;
    p.marker = "\x95";  // WinAnsi bullet
  } else if (block.kind == BlockKind::numbered_item) {
    p.marker = std::to_string(block.number) + ".";
    p.indent = std::max(kListIndent, text_width(Face::regular, p.marker, p.style.size) + kMarkerGap);
  }
  for (const rich_pdf::Run& run : block.runs) append_glyphs(p.glyphs, run.text, face_for(heading || run.bold, run.italic), run.change);
  p.lines = wrap(p.glyphs, p.style.size, cols.body_right - cols.body_left - p.indent);
  const double label_width = cols.label_right - cols.label_left;
  for (const std::string& label : block.margin_labels) {
    for (std::string& l : wrap_plain(label, Face::regular, kLabel.size, label_width)) p.labels.push_back(std::move(l));
    for (std::string& l : wrap_plain(label + " (cont.)", Face::regular, kLabel.size, label_width)) {
      p.labels_continued.push_back(std::move(l));
    }
  }
  return p;
}

class Layout {
 public:
  explicit Layout(const Document& doc) : doc_(doc), cols_(columns_for(doc.wide_margin)) {
    const double full_width = cols_.body_right - content_left();
    for (const std::string& h : doc.header_lines) {
      for (std::string& l : wrap_plain(h, Face::regular, kHeaderFooter.size, full_width)) header_.push_back(std::move(l));
    }
    // The page number sits at the right of the footer's first line; the footer text wraps beside it.
    const double number_room = text_width(Face::regular, "page 8888 of 8888", kHeaderFooter.size) + 12.0;
    if (!doc.footer.empty()) footer_ = wrap_plain(doc.footer, Face::regular, kHeaderFooter.size, full_width - number_room);
    const double page_top = kA4Height - 16.0 * kPointsPerMm;
    body_top_ = page_top - (header_.empty() ? 0.0 : header_.size() * kHeaderFooter.leading + 12.0);
    footer_top_ = 14.0 * kPointsPerMm + std::max<std::size_t>(footer_.size(), 1) * kHeaderFooter.leading;
    body_bottom_ = footer_top_ + 12.0;
  }

  std::vector<LaidOutPage> run() {
    std::vector<PreparedBlock> blocks;
    blocks.reserve(doc_.blocks.size());
    for (const Block& b : doc_.blocks) blocks.push_back(prepare(b, cols_));
    new_page();
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      // A heading keeps its first line with the next block's first line.
      const double keep = blocks[k].block->kind == BlockKind::heading && k + 1 < blocks.size()
                              ? blocks[k].style.space_after + blocks[k + 1].style.space_before + start_height(blocks[k + 1])
                              : 0.0;
      // The last item of a list is spaced from what follows like a paragraph.
      const double after = is_list_item(blocks[k]) && (k + 1 == blocks.size() || !is_list_item(blocks[k + 1]))
                               ? kParagraph.space_after
                               : blocks[k].style.space_after;
      place(blocks[k], keep, after);
    }
    decorate();
    return std::move(pages_);
  }

 private:
  double content_left() const { return doc_.wide_margin ? cols_.label_left : cols_.body_left; }
  LaidOutPage& page() { return pages_.back(); }

  void new_page() {
    if (pages_.size() >= kMaxPages) {
      fail(Error::too_large("the letter needs more than " + std::to_string(kMaxPages) + " pages"));
    }
    pages_.emplace_back();
    y_ = body_top_;
    page_empty_ = true;
  }

  // Label lines for one page's part of a block, cut to what a page can hold.
  std::vector<std::string> fitted_labels(const std::vector<std::string>& lines, const TextStyle& body) const {
    const double room = body_top_ - body_bottom_ - baseline_offset(body) - kDescent * kLabel.size;
    const auto capacity = static_cast<std::size_t>(std::max(1.0, std::floor(room / kLabel.leading) + 1));
    if (lines.size() <= capacity) return lines;
    std::vector<std::string> kept(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(capacity - 1));
    kept.push_back("(+" + std::to_string(lines.size() - kept.size()) + " more)");
    return kept;
  }

  double labels_height(const std::vector<std::string>& labels, const TextStyle& body) const {
    if (labels.empty()) return 0;
    return baseline_offset(body) + static_cast<double>(labels.size() - 1) * kLabel.leading + kDescent * kLabel.size + 2.0;
  }

  static bool is_list_item(const PreparedBlock& b) {
    return b.block->kind == BlockKind::bullet_item || b.block->kind == BlockKind::numbered_item;
  }

  // The height a block needs at the foot of a page to start there: two lines (one if it has
  // only one; see the orphan rule in place()) or its labels, whichever is taller.
  double start_height(const PreparedBlock& b) const {
    const double lines = b.style.leading * (b.lines.size() > 1 ? 2.0 : 1.0);
    return std::max(lines, labels_height(fitted_labels(b.labels, b.style), b.style));
  }

  void place(const PreparedBlock& b, double keep_with_next, double space_after) {
    if (!page_empty_) y_ -= b.style.space_before;
    std::size_t i = 0;
    bool continued = false;
    while (i < b.lines.size()) {
      const std::vector<std::string> labels = fitted_labels(continued ? b.labels_continued : b.labels, b.style);
      const double label_h = labels_height(labels, b.style);
      // No orphan: a block of several lines starts with at least two of them on the page.
      const double need = i == 0 ? start_height(b) + keep_with_next : std::max(b.style.leading, label_h);
      if (!page_empty_ && y_ - need < body_bottom_) new_page();
      const double top = y_;
      place_labels(labels, top - baseline_offset(b.style));
      const std::size_t remaining = b.lines.size() - i;
      const auto fit = static_cast<std::size_t>(std::max(1.0, std::floor((top - body_bottom_) / b.style.leading + 1e-9)));
      std::size_t take = std::min(fit, remaining);
      // No widow: the last line of a block does not go to the next page alone.
      if (take < remaining && remaining - take == 1 && take >= 3) --take;
      for (std::size_t k = 0; k < take; ++k, ++i) {
        place_line(b, i, y_ - baseline_offset(b.style));
        y_ -= b.style.leading;
      }
      page_empty_ = false;
      if (b.block->changed_since_review) {
        const double bar_top = top - (b.style.leading - (kAscent + kDescent) * b.style.size) / 2.0 + 1.0;
        const double bar_bottom = y_ + (b.style.leading - (kAscent + kDescent) * b.style.size) / 2.0 - 1.0;
        page().rects.push_back({cols_.body_left - kChangeBarGap - kChangeBarWidth, bar_bottom, kChangeBarWidth,
                                bar_top - bar_bottom, 0.0});
      }
      y_ = std::min(y_, top - label_h);
      if (i < b.lines.size()) {
        new_page();
        continued = true;
      }
    }
    y_ -= space_after;
  }

  void place_labels(const std::vector<std::string>& labels, double first_baseline) {
    double baseline = first_baseline;
    for (const std::string& l : labels) {
      page().texts.push_back({cols_.label_left, baseline, Face::regular, kLabel.size, kLabelGray, l});
      baseline -= kLabel.leading;
    }
  }

  void place_line(const PreparedBlock& b, std::size_t index, double baseline) {
    const double size = b.style.size;
    if (index == 0 && !b.marker.empty()) {
      const double marker_x = b.block->kind == BlockKind::bullet_item
                                  ? cols_.body_left + b.indent - 11.0
                                  : cols_.body_left + b.indent - kMarkerGap - text_width(Face::regular, b.marker, size);
      page().texts.push_back({marker_x, baseline, Face::regular, size, 0.0, b.marker});
    }
    const LineRange r = b.lines[index];
    double x = cols_.body_left + b.indent;
    for (std::size_t k = r.begin; k < r.end;) {
      // One piece per stretch of glyphs with the same face and change mark.
      std::size_t e = k;
      std::string text;
      double width = 0;
      while (e < r.end && b.glyphs[e].face == b.glyphs[k].face && b.glyphs[e].change == b.glyphs[k].change) {
        text += b.glyphs[e].code;
        width += advance(b.glyphs[e], size);
        ++e;
      }
      page().texts.push_back({x, baseline, b.glyphs[k].face, size, 0.0, std::move(text)});
      if (b.glyphs[k].change != Change::none) mark_change(b, k, e, x, baseline);
      x += width;
      k = e;
    }
  }

  // Underlines an inserted piece or strikes through a deleted one (glyphs first..end, drawn
  // from x), leaving out its leading and trailing spaces so marks cover words only.
  void mark_change(const PreparedBlock& b, std::size_t first, std::size_t end, double x, double baseline) {
    const double size = b.style.size;
    std::size_t from = first;
    while (from < end && b.glyphs[from].code == ' ') x += advance(b.glyphs[from++], size);
    std::size_t to = end;
    while (to > from && b.glyphs[to - 1].code == ' ') --to;
    if (from == to) return;
    double width = 0;
    for (std::size_t k = from; k < to; ++k) width += advance(b.glyphs[k], size);
    const double thickness = 0.05 * size;
    const double centre = b.glyphs[first].change == Change::inserted ? baseline - 0.1 * size : baseline + 0.28 * size;
    page().rects.push_back({x, centre - thickness / 2, width, thickness, 0.0});
  }

  // Header lines and a rule at the top of every page; footer and "page N of M" at the bottom.
  void decorate() {
    const double left = content_left();
    const std::string total = std::to_string(pages_.size());
    for (std::size_t p = 0; p < pages_.size(); ++p) {
      LaidOutPage& pg = pages_[p];
      std::vector<PlacedText> head;
      double baseline = kA4Height - 16.0 * kPointsPerMm - baseline_offset(kHeaderFooter);
      for (const std::string& h : header_) {
        head.push_back({left, baseline, Face::regular, kHeaderFooter.size, kHeaderGray, h});
        baseline -= kHeaderFooter.leading;
      }
      if (!header_.empty()) pg.rects.push_back({left, body_top_ + 6.0, cols_.body_right - left, 0.5, 0.5});
      pg.texts.insert(pg.texts.begin(), head.begin(), head.end());
      baseline = footer_top_ - baseline_offset(kHeaderFooter);
      const std::string number = "page " + std::to_string(p + 1) + " of " + total;
      const double number_x = cols_.body_right - text_width(Face::regular, number, kHeaderFooter.size);
      for (const std::string& f : footer_) {
        pg.texts.push_back({left, baseline, Face::regular, kHeaderFooter.size, kHeaderGray, f});
        if (&f == &footer_.front()) pg.texts.push_back({number_x, baseline, Face::regular, kHeaderFooter.size, kHeaderGray, number});
        baseline -= kHeaderFooter.leading;
      }
      if (footer_.empty()) pg.texts.push_back({number_x, baseline, Face::regular, kHeaderFooter.size, kHeaderGray, number});
    }
  }

  const Document& doc_;
  Columns cols_;
  std::vector<std::string> header_;
  std::vector<std::string> footer_;
  double body_top_ = 0;
  double body_bottom_ = 0;
  double footer_top_ = 0;
  std::vector<LaidOutPage> pages_;
  double y_ = 0;  // top of the next line
  bool page_empty_ = true;
};

}  // namespace

double body_left_edge(bool wide_margin) { return columns_for(wide_margin).body_left; }

std::vector<LaidOutPage> lay_out(const Document& document) { return Layout(document).run(); }

}  // namespace redbox::workflows::detail
