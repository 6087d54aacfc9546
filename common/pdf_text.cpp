#include "common/pdf_text.h"

namespace redbox::pdftext {
namespace {

bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000 ||
         (c >= 0x2000 && c <= 0x200B);
}

void append_utf8(std::string& out, int c) {
  char buf[FZ_UTFMAX];
  int n = fz_runetochar(buf, c);
  out.append(buf, static_cast<std::size_t>(n));
}

// Collects the characters of one line into words.
class LineReader {
 public:
  LineReader(PageText& page, int line_index) : page_(page), line_(line_index) {}

  void add(const fz_stext_char* ch) {
    if (is_space(ch->c)) {
      finish();
      return;
    }
    if (ch->c != 0xFFFD) ++page_.visible_chars;
    fz_rect r = fz_rect_from_quad(ch->quad);
    if (!open_) {
      current_ = Word{};
      current_.line = line_;
      current_.box = r;
      current_.quad = ch->quad;
      open_ = true;
    } else {
      current_.box = fz_union_rect(current_.box, r);
      current_.quad.ur = ch->quad.ur;
      current_.quad.lr = ch->quad.lr;
    }
    append_utf8(current_.text, ch->c);
  }

  void finish() {
    if (!open_) return;
    page_.words.push_back(std::move(current_));
    open_ = false;
  }

 private:
  PageText& page_;
  int line_;
  Word current_;
  bool open_ = false;
};

}  // namespace

PageText from_stext(fz_stext_page* stext) {
  PageText page;
  page.bounds = stext->mediabox;
  int block_index = 0;
  for (fz_stext_block* block = stext->first_block; block != nullptr; block = block->next) {
    if (block->type != FZ_STEXT_BLOCK_TEXT) continue;
    bool block_has_text = false;
    for (fz_stext_line* line = block->u.t.first_line; line != nullptr; line = line->next) {
      Line l;
      l.block = block_index;
      l.box = line->bbox;
      l.first_word = static_cast<int>(page.words.size());
      int line_index = static_cast<int>(page.lines.size());
      LineReader reader(page, line_index);
      std::string line_text;
      for (fz_stext_char* ch = line->first_char; ch != nullptr; ch = ch->next) {
        reader.add(ch);
        append_utf8(line_text, is_space(ch->c) ? ' ' : ch->c);
      }
      reader.finish();
      l.word_count = static_cast<int>(page.words.size()) - l.first_word;
      if (l.word_count == 0) continue;
      page.lines.push_back(l);
      if (!page.text.empty()) page.text += block_has_text ? "\n" : "\n\n";
      // Trim the trailing spaces MuPDF keeps when whitespace is preserved.
      while (!line_text.empty() && line_text.back() == ' ') line_text.pop_back();
      page.text += line_text;
      block_has_text = true;
    }
    if (block_has_text) ++block_index;
  }
  return page;
}

PageText extract(const mu::Context& ctx, fz_page* page) {
  fz_stext_options opts{};
  opts.flags = FZ_STEXT_PRESERVE_WHITESPACE | FZ_STEXT_PRESERVE_LIGATURES;
  fz_stext_page* raw = ctx.call("reading the text of a page", [&] { return fz_new_stext_page_from_page(ctx, page, &opts); });
  mu::StextPage stext(ctx, raw);
  PageText result = from_stext(stext.get());
  result.bounds = ctx.call("measuring a page", [&] { return fz_bound_page(ctx, page); });
  return result;
}

}  // namespace redbox::pdftext
