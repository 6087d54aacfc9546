#include "redaction/page_text.h"

namespace redbox::redaction {

std::string_view to_string(Searchability s) {
  switch (s) {
    case Searchability::searchable: return "searchable";
    case Searchability::partly: return "partly searchable";
    case Searchability::not_searchable: return "not searchable";
    case Searchability::blank: return "blank";
  }
  return "not searchable";
}

namespace {

Quad to_quad(const fz_quad& q) { return {{q.ul.x, q.ul.y}, {q.ur.x, q.ur.y}, {q.ll.x, q.ll.y}, {q.lr.x, q.lr.y}}; }

void append_utf8(std::string& out, int c) {
  char buf[8];
  int n = fz_runetochar(buf, c);
  out.append(buf, static_cast<std::size_t>(n));
}

// True when running the page's contents draws anything (so a page without text is not blank).
bool draws_anything(const mu::Context& ctx, fz_page* page) {
  fz_rect box = fz_empty_rect;
  fz_rect* out = &box;
  fz_device* raw = ctx.call("measuring page content", [&] { return fz_new_bbox_device(ctx, out); });
  mu::Device dev(ctx, raw);
  ctx.call("measuring page content", [&] {
    fz_run_page_contents(ctx, page, dev.get(), fz_identity, nullptr);
    fz_close_device(ctx, dev.get());
  });
  return !fz_is_empty_rect(box);
}

}  // namespace

PageText PageText::extract(const mu::Context& ctx, fz_page* page) {
  fz_stext_options opts{};
  fz_stext_page* raw = ctx.call("extracting page text", [&] { return fz_new_stext_page_from_page(ctx, page, &opts); });
  mu::StextPage stext(ctx, raw);
  PageText pt;
  int line_no = 0;
  for (fz_stext_block* b = stext->first_block; b != nullptr; b = b->next) {
    if (b->type != FZ_STEXT_BLOCK_TEXT) continue;
    for (fz_stext_line* l = b->u.t.first_line; l != nullptr; l = l->next) {
      bool any = false;
      for (fz_stext_char* ch = l->first_char; ch != nullptr; ch = ch->next) {
        int c = ch->c;
        ++pt.chars_;
        if (c == 0xFFFD || (c < 32 && c != '\t') || c == 0) {
          ++pt.unmapped_;
          c = 0xFFFD;
        }
        std::size_t before = pt.text_.size();
        append_utf8(pt.text_, c);
        Slot s{to_quad(ch->quad), line_no};
        pt.slots_.resize(pt.text_.size(), s);
        for (std::size_t i = before; i < pt.text_.size(); ++i) pt.slots_[i] = s;
        any = true;
      }
      if (any) {
        pt.text_.push_back('\n');
        pt.slots_.push_back(Slot{});
      }
      ++line_no;
    }
  }
  if (pt.chars_ == 0) {
    pt.searchability_ = draws_anything(ctx, page) ? Searchability::not_searchable : Searchability::blank;
  } else if (pt.unmapped_ * 2 > pt.chars_) {
    pt.searchability_ = Searchability::not_searchable;
  } else if (pt.unmapped_ > 0) {
    pt.searchability_ = Searchability::partly;
  } else {
    pt.searchability_ = Searchability::searchable;
  }
  return pt;
}

std::vector<Quad> PageText::quads_for(std::size_t begin, std::size_t end) const {
  std::vector<Quad> out;
  end = std::min(end, slots_.size());
  int current_line = -1;
  const Quad* first = nullptr;
  const Quad* last = nullptr;
  auto flush = [&] {
    if (first != nullptr) out.push_back({first->ul, last->ur, first->ll, last->lr});
    first = last = nullptr;
  };
  for (std::size_t i = begin; i < end; ++i) {
    const Slot& s = slots_[i];
    if (s.line < 0) continue;
    if (s.line != current_line) {
      flush();
      current_line = s.line;
    }
    if (first == nullptr) first = &s.quad;
    last = &s.quad;
  }
  flush();
  return out;
}

std::vector<Mark> PageText::marks_for(int page, const std::vector<TextHit>& hits, const std::string& default_reason,
                                      const std::string& author) const {
  std::vector<Mark> marks;
  for (const TextHit& h : hits) {
    if (h.begin >= h.end || h.end > text_.size()) continue;
    Mark m;
    m.page = page;
    m.kind = MarkKind::text;
    m.quads = quads_for(h.begin, h.end);
    if (m.quads.empty()) continue;
    m.text = text_.substr(h.begin, h.end - h.begin);
    m.source = h.source;
    m.reason = h.reason.empty() ? default_reason : h.reason;
    m.author = author;
    marks.push_back(std::move(m));
  }
  return marks;
}

}  // namespace redbox::redaction
