#include "redaction/detail/apply_page.h"

#include "redaction/detail/redact_filter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace redbox::redaction::detail {
namespace {

fz_quad to_fz(const Quad& q) { return {{q.ul.x, q.ul.y}, {q.ur.x, q.ur.y}, {q.ll.x, q.ll.y}, {q.lr.x, q.lr.y}}; }

// Where images are drawn on a page (page space), collected by a small device. The callbacks run
// inside MuPDF's C code and must not throw: the list has a fixed capacity, and a page with more
// images than that counts as "images everywhere".
constexpr std::size_t kMaxImageAreas = 4096;
struct ImageAreaDevice {
  fz_device super;
  std::vector<fz_rect>* rects;
  bool overflow;
};
void note_image_area(fz_device* dev, fz_matrix ctm) {
  auto* d = reinterpret_cast<ImageAreaDevice*>(dev);
  if (d->rects->size() < d->rects->capacity()) d->rects->push_back(fz_transform_rect(fz_unit_rect, ctm));
  else d->overflow = true;
}
void image_fill(fz_context*, fz_device* dev, fz_image*, fz_matrix ctm, float, fz_color_params) { note_image_area(dev, ctm); }
void image_mask_fill(fz_context*, fz_device* dev, fz_image*, fz_matrix ctm, fz_colorspace*, const float*, float, fz_color_params) {
  note_image_area(dev, ctm);
}
void image_mask_clip(fz_context*, fz_device* dev, fz_image*, fz_matrix ctm, fz_rect) { note_image_area(dev, ctm); }

struct ImageAreas {
  std::vector<fz_rect> rects;
  bool everywhere = false;
  bool under(const Rect& r) const {
    if (everywhere) return true;
    return std::any_of(rects.begin(), rects.end(), [&](const fz_rect& i) { return Rect{i.x0, i.y0, i.x1, i.y1}.intersects(r); });
  }
};

ImageAreas image_areas(const mu::Context& ctx, fz_page* page, int page_index) {
  ImageAreas areas;
  areas.rects.reserve(kMaxImageAreas);
  fz_context* c = ctx;
  const std::string what = "finding images on page " + std::to_string(page_index + 1);
  fz_device* raw = ctx.call(what, [&] { return fz_new_device_of_size(c, sizeof(ImageAreaDevice)); });
  mu::Device dev(c, raw);
  auto* d = reinterpret_cast<ImageAreaDevice*>(raw);
  d->rects = &areas.rects;
  d->overflow = false;
  d->super.fill_image = image_fill;
  d->super.fill_image_mask = image_mask_fill;
  d->super.clip_image_mask = image_mask_clip;
  ctx.call(what, [&] {
    fz_run_page_contents(c, page, raw, fz_identity, nullptr);
    fz_close_device(c, raw);
  });
  areas.everywhere = d->overflow;
  return areas;
}

// False only when the page certainly draws no image: no image XObject, inline image, tiling
// pattern, soft mask or Type3 font anywhere in its resources or content (forms followed). Then
// image_areas, which interprets the whole page once more, is not needed. Anything unusual or
// unreadable answers true; a wrong "true" costs only time, and a wrong "false" would only give
// the text filter inset quads over an image, which the verifier's pixel check then catches.
class ImageProbe {
 public:
  explicit ImageProbe(const mu::Context& ctx) : ctx_(ctx), c_(ctx) {}

  bool page_may_draw_images(pdf_page* page) {
    try {
      pdf_obj* contents = pdf_dict_get(c_, page->obj, PDF_NAME(Contents));
      if (pdf_is_array(c_, contents)) {
        for (int i = 0, n = pdf_array_len(c_, contents); i < n; ++i) {
          if (stream_has_inline_image(pdf_array_get(c_, contents, i))) return true;
        }
      } else if (contents != nullptr && stream_has_inline_image(contents)) {
        return true;
      }
      pdf_obj* res = ctx_.call("reading page resources",
                               [&] { return pdf_dict_get_inheritable(c_, page->obj, PDF_NAME(Resources)); });
      return resources_may_draw_images(res, 0);
    } catch (const Failure&) {
      return true;
    }
  }

 private:
  static constexpr int kMaxDepth = 12;

  // Inline images begin with the BI operator; any "BI" in the bytes counts (strings included).
  bool stream_has_inline_image(pdf_obj* stream) {
    if (!ctx_.call("reading page content", [&] { return pdf_is_stream(c_, stream); })) return false;
    fz_buffer* raw = ctx_.call("reading page content", [&] { return pdf_load_stream(c_, stream); });
    mu::Buffer buf(c_, raw);
    unsigned char* data = nullptr;
    const std::size_t size = fz_buffer_storage(c_, buf.get(), &data);
    return std::string_view(reinterpret_cast<const char*>(data), size).find("BI") != std::string_view::npos;
  }

  bool first_visit(pdf_obj* obj) {
    if (!pdf_is_indirect(c_, obj)) return true;
    return seen_.insert(pdf_to_num(c_, obj)).second;
  }

  bool resources_may_draw_images(pdf_obj* res, int depth) {
    if (res == nullptr) return false;
    if (depth > kMaxDepth) return true;
    pdf_obj* xobjects = pdf_dict_get(c_, res, PDF_NAME(XObject));
    for (int i = 0, n = pdf_dict_len(c_, xobjects); i < n; ++i) {
      pdf_obj* x = pdf_dict_get_val(c_, xobjects, i);
      if (!first_visit(x)) continue;
      pdf_obj* subtype = pdf_dict_get(c_, x, PDF_NAME(Subtype));
      if (!pdf_name_eq(c_, subtype, PDF_NAME(Form))) return true;  // Image, or anything unexpected
      if (form_may_draw_images(x, depth)) return true;
    }
    pdf_obj* patterns = pdf_dict_get(c_, res, PDF_NAME(Pattern));
    for (int i = 0, n = pdf_dict_len(c_, patterns); i < n; ++i) {
      pdf_obj* pat = pdf_dict_get_val(c_, patterns, i);
      if (pdf_dict_get_int(c_, pat, PDF_NAME(PatternType)) != 2) return true;  // tiling patterns draw content
    }
    pdf_obj* states = pdf_dict_get(c_, res, PDF_NAME(ExtGState));
    for (int i = 0, n = pdf_dict_len(c_, states); i < n; ++i) {
      pdf_obj* smask = pdf_dict_get(c_, pdf_dict_get_val(c_, states, i), PDF_NAME(SMask));
      if (smask != nullptr && !pdf_name_eq(c_, smask, PDF_NAME(None))) return true;
    }
    pdf_obj* fonts = pdf_dict_get(c_, res, PDF_NAME(Font));
    for (int i = 0, n = pdf_dict_len(c_, fonts); i < n; ++i) {
      if (pdf_name_eq(c_, pdf_dict_get(c_, pdf_dict_get_val(c_, fonts, i), PDF_NAME(Subtype)), PDF_NAME(Type3))) return true;
    }
    return false;
  }

  bool form_may_draw_images(pdf_obj* form, int depth) {
    if (stream_has_inline_image(form)) return true;
    return resources_may_draw_images(pdf_dict_get(c_, form, PDF_NAME(Resources)), depth + 1);
  }

  const mu::Context& ctx_;
  fz_context* c_;
  std::set<int> seen_;
};

// The quad given to MuPDF's text filter for a text mark. MuPDF removes every glyph whose box
// touches a Redact quad, and its glyph boxes reach higher than the line quads of text extraction,
// so with ordinary leading a full-height quad also removed whole neighbouring lines (seen on the
// generated letters: 10.5 pt Helvetica on 14.5 pt leading lost the line below each name). The
// middle 60% of the line still crosses every glyph of the marked text. Where an image lies under
// the mark the full quad is kept: pixel redaction uses the same quads and a scan's ink fills the
// whole word box. The drawn box and the verifier always use the full quad.
fz_quad text_pass_quad(const Quad& q, bool full) {
  if (full) return to_fz(q);
  constexpr float kInset = 0.2f;
  auto lerp = [](Point a, Point b, float t) { return fz_make_point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t); };
  return {lerp(q.ul, q.ll, kInset), lerp(q.ur, q.lr, kInset), lerp(q.ll, q.ul, kInset), lerp(q.lr, q.ur, kInset)};
}

// MuPDF 1.21's content filter keeps the pending text position of a text object whose glyphs were
// all removed and adds it to the first Td of the next text object, so the next line jumps off the
// page (seen on the generated letters, in `mutool run` too: the address line under a redacted
// name vanished, still in the file but not visible). An identity Tm right after every BT (a no-op:
// BT already sets the text matrix to identity) makes every text object absolute, so nothing is
// carried over. Streams with inline images are left alone (their binary data cannot be lexed).
struct LexBuf {
  fz_context* c;
  pdf_lexbuf lb;
  explicit LexBuf(fz_context* ctx) : c(ctx) { pdf_lexbuf_init(c, &lb, PDF_LEXBUF_SMALL); }  // does not allocate
  ~LexBuf() { pdf_lexbuf_fin(c, &lb); }
  LexBuf(const LexBuf&) = delete;
  LexBuf& operator=(const LexBuf&) = delete;
};

// The content with " 1 0 0 1 0 0 Tm" after every BT, or nullopt if it has inline images or
// cannot be lexed (then it is left as it is).
std::optional<std::string> anchored_text_objects(const mu::Context& ctx, const std::string& bytes) {
  fz_context* c = ctx;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  fz_stream* raw = ctx.call("reading page content", [&] { return fz_open_memory(c, data, bytes.size()); });
  mu::Stream stm(c, raw);
  LexBuf lex(c);
  pdf_lexbuf* lb = &lex.lb;
  std::vector<std::size_t> inserts;
  for (;;) {
    const pdf_token tok = ctx.call("reading page content", [&] { return pdf_lex(c, raw, lb); });
    if (tok == PDF_TOK_EOF) break;
    if (tok == PDF_TOK_ERROR) return std::nullopt;
    if (tok != PDF_TOK_KEYWORD) continue;
    const std::string_view word(lb->scratch);
    if (word == "BI" || word == "ID") return std::nullopt;
    if (word != "BT") continue;
    // The lexer may have consumed the delimiter after the keyword: insert right after "BT".
    auto pos = static_cast<std::size_t>(ctx.call("reading page content", [&] { return fz_tell(c, raw); }));
    pos = std::min(pos, bytes.size());
    if (pos >= 3 && bytes.compare(pos - 2, 2, "BT") != 0 && bytes.compare(pos - 3, 2, "BT") == 0) --pos;
    if (pos < 2 || bytes.compare(pos - 2, 2, "BT") != 0) return std::nullopt;
    inserts.push_back(pos);
  }
  if (inserts.empty()) return std::nullopt;
  std::string out;
  out.reserve(bytes.size() + inserts.size() * 16);
  std::size_t from = 0;
  for (std::size_t at : inserts) {
    out.append(bytes, from, at - from);
    out += " 1 0 0 1 0 0 Tm ";
    from = at;
  }
  out.append(bytes, from, std::string::npos);
  return out;
}

void anchor_page_text_objects(const mu::Context& ctx, pdf_document* doc, pdf_page* page) {
  fz_context* c = ctx;
  pdf_obj* contents = ctx.call("reading page content", [&] { return pdf_dict_get(c, page->obj, PDF_NAME(Contents)); });
  std::vector<pdf_obj*> streams;
  const int n = ctx.call("reading page content", [&] { return pdf_is_array(c, contents) ? pdf_array_len(c, contents) : -1; });
  if (n < 0) {
    if (ctx.call("reading page content", [&] { return pdf_is_stream(c, contents); })) streams.push_back(contents);
  } else {
    for (int i = 0; i < n; ++i) streams.push_back(ctx.call("reading page content", [&] { return pdf_array_get(c, contents, i); }));
  }
  for (pdf_obj* s : streams) {
    if (!ctx.call("reading page content", [&] { return pdf_is_stream(c, s); })) continue;
    fz_buffer* raw = ctx.call("reading page content", [&] { return pdf_load_stream(c, s); });
    mu::Buffer buf(c, raw);
    std::optional<std::string> anchored = anchored_text_objects(ctx, mu::buffer_bytes(ctx, buf));
    if (!anchored) continue;
    const auto* data = reinterpret_cast<const unsigned char*>(anchored->data());
    const std::size_t size = anchored->size();
    fz_buffer* out_raw = ctx.call("rewriting page content", [&] { return fz_new_buffer_from_copied_data(c, data, size); });
    mu::Buffer out(c, out_raw);
    ctx.call("rewriting page content", [&] { pdf_update_stream(c, doc, s, out_raw, 0); });
  }
}

bool overlaps_any(const fz_rect& r, const std::vector<const Mark*>& marks) {
  Rect rr{r.x0, r.y0, r.x1, r.y1};
  return std::any_of(marks.begin(), marks.end(), [&](const Mark* m) { return rr.intersects(m->bounds()); });
}

// A form field loses its value and appearance (on the widget and up its /Parent chain).
void clear_field_value(fz_context* c, pdf_obj* field) {
  for (int depth = 0; field != nullptr && depth < 32; ++depth) {
    pdf_dict_del(c, field, PDF_NAME(V));
    pdf_dict_del(c, field, PDF_NAME(DV));
    pdf_dict_del(c, field, PDF_NAME(AP));
    pdf_dict_del(c, field, PDF_NAME(AA));
    pdf_dict_dels(c, field, "RV");
    field = pdf_dict_get(c, field, PDF_NAME(Parent));
  }
}

// Removes from the page's /Annots every annotation or widget whose rectangle overlaps a mark
// (MuPDF 1.21 itself removes only links and free text), clearing the value of removed fields.
int remove_overlapping_annotations(fz_context* c, pdf_page* page, const std::vector<const Mark*>& marks,
                                   bool everything) {
  pdf_obj* annots = pdf_dict_get(c, page->obj, PDF_NAME(Annots));
  if (!pdf_is_array(c, annots)) return 0;
  fz_matrix page_ctm;
  pdf_page_transform(c, page, nullptr, &page_ctm);
  int removed = 0;
  for (int i = pdf_array_len(c, annots) - 1; i >= 0; --i) {
    pdf_obj* a = pdf_array_get(c, annots, i);
    fz_rect r = fz_transform_rect(pdf_dict_get_rect(c, a, PDF_NAME(Rect)), page_ctm);
    if (!everything && !overlaps_any(r, marks)) continue;
    if (pdf_name_eq(c, pdf_dict_get(c, a, PDF_NAME(Subtype)), PDF_NAME(Widget))) clear_field_value(c, a);
    pdf_dict_del(c, a, PDF_NAME(Contents));
    pdf_dict_del(c, a, PDF_NAME(AP));
    pdf_obj* popup = pdf_dict_get(c, a, PDF_NAME(Popup));
    if (popup != nullptr) pdf_dict_del(c, popup, PDF_NAME(Contents));
    pdf_array_delete(c, annots, i);
    ++removed;
  }
  // Popups whose parent was removed go too.
  for (int i = pdf_array_len(c, annots) - 1; i >= 0; --i) {
    pdf_obj* a = pdf_array_get(c, annots, i);
    if (!pdf_name_eq(c, pdf_dict_get(c, a, PDF_NAME(Subtype)), PDF_NAME(Popup))) continue;
    pdf_obj* parent = pdf_dict_get(c, a, PDF_NAME(Parent));
    if (parent != nullptr && pdf_array_find(c, annots, parent) < 0) pdf_array_delete(c, annots, i);
  }
  return removed;
}

// PDF string literal of ASCII text (labels are reason codes).
std::string pdf_literal(const std::string& s) {
  std::string out = "(";
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 32 || u > 126) continue;
    if (ch == '(' || ch == ')' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + ")";
}

// A page's own copy of its resources (shared or inherited dictionaries stay untouched for
// other pages), with its own /XObject dictionary.
pdf_obj* own_xobjects(fz_context* c, pdf_document* doc, pdf_page* page) {
  pdf_obj* res = pdf_dict_get_inheritable(c, page->obj, PDF_NAME(Resources));
  pdf_obj* copy = res ? pdf_copy_dict(c, res) : pdf_new_dict(c, doc, 4);
  pdf_dict_put_drop(c, page->obj, PDF_NAME(Resources), copy);
  pdf_obj* xobj = pdf_dict_get(c, copy, PDF_NAME(XObject));
  pdf_obj* xcopy = xobj ? pdf_copy_dict(c, xobj) : pdf_new_dict(c, doc, 1);
  pdf_dict_put_drop(c, copy, PDF_NAME(XObject), xcopy);
  return xcopy;
}

void set_contents(fz_context* c, pdf_document* doc, pdf_page* page, const char* before, const char* after) {
  pdf_obj* contents = pdf_dict_get(c, page->obj, PDF_NAME(Contents));
  pdf_obj* arr = pdf_new_array(c, doc, 4);
  fz_try(c) {
    fz_buffer* b = fz_new_buffer_from_copied_data(c, reinterpret_cast<const unsigned char*>(before), strlen(before));
    pdf_array_push_drop(c, arr, pdf_add_stream(c, doc, b, nullptr, 0));
    fz_drop_buffer(c, b);
    if (pdf_is_array(c, contents)) {
      for (int i = 0; i < pdf_array_len(c, contents); ++i) pdf_array_push(c, arr, pdf_array_get(c, contents, i));
    } else if (contents != nullptr) {
      pdf_array_push(c, arr, contents);
    }
    b = fz_new_buffer_from_copied_data(c, reinterpret_cast<const unsigned char*>(after), strlen(after));
    pdf_array_push_drop(c, arr, pdf_add_stream(c, doc, b, nullptr, 0));
    fz_drop_buffer(c, b);
    pdf_dict_put(c, page->obj, PDF_NAME(Contents), arr);
  }
  fz_always(c) { pdf_drop_obj(c, arr); }
  fz_catch(c) { fz_rethrow(c); }
}

// The content of the boxes form: fill every quad, then white labels. Pure C++ (no MuPDF calls).
std::string boxes_content(const std::vector<const Mark*>& marks, const BoxStyle& style, fz_matrix inv, bool& any_label) {
  char line[256];
  std::string out;
  std::snprintf(line, sizeof line, "q %g %g %g rg\n", style.fill.r / 255.0, style.fill.g / 255.0, style.fill.b / 255.0);
  out += line;
  for (const Mark* m : marks) {
    for (const Quad& q : m->quads) {
      fz_quad fq = fz_transform_quad(to_fz(q), inv);
      std::snprintf(line, sizeof line, "%g %g m %g %g l %g %g l %g %g l h f\n", fq.ul.x, fq.ul.y, fq.ur.x, fq.ur.y,
                    fq.lr.x, fq.lr.y, fq.ll.x, fq.ll.y);
      out += line;
    }
  }
  any_label = false;
  if (style.label) {
    for (const Mark* m : marks) {
      if (m->reason.empty() || m->quads.empty()) continue;
      Rect r = m->quads.front().bounds();
      float h = r.y1 - r.y0;
      float size = std::min(10.0f, h * 0.7f);
      float width_needed = size * 0.6f * static_cast<float>(m->reason.size());
      if (size < 4.0f || width_needed > (r.x1 - r.x0) - 2) continue;
      // Baseline in page space (y down); flip y so the text is upright, then map to PDF space.
      fz_matrix tm = fz_concat(fz_make_matrix(size, 0, 0, -size, r.x0 + 1, r.y1 - (h - size) / 2 - size * 0.2f), inv);
      std::snprintf(line, sizeof line, "BT 1 1 1 rg /RedboxLabel 1 Tf %g %g %g %g %g %g Tm ", tm.a, tm.b, tm.c, tm.d,
                    tm.e, tm.f);
      out += line;
      out += pdf_literal(m->reason) + " Tj ET\n";
      any_label = true;
    }
  }
  out += "Q\n";
  return out;
}

// Adds the boxes form under kBoxesXObjectName and paints it last. MuPDF calls only.
void install_boxes(fz_context* c, pdf_document* doc, pdf_page* page, const char* content, std::size_t len,
                   int any_label, const char* after) {
  fz_buffer* buf = fz_new_buffer_from_copied_data(c, reinterpret_cast<const unsigned char*>(content), len);
  pdf_obj* dict = nullptr;
  pdf_obj* form = nullptr;
  fz_try(c) {
    dict = pdf_new_dict(c, doc, 4);
    pdf_dict_put(c, dict, PDF_NAME(Type), PDF_NAME(XObject));
    pdf_dict_put(c, dict, PDF_NAME(Subtype), PDF_NAME(Form));
    pdf_dict_put_rect(c, dict, PDF_NAME(BBox), fz_make_rect(-1e5f, -1e5f, 1e5f, 1e5f));
    pdf_obj* res = pdf_dict_put_dict(c, dict, PDF_NAME(Resources), 1);
    if (any_label) {
      fz_font* font = fz_new_base14_font(c, "Helvetica");
      fz_try(c) {
        pdf_obj* fonts = pdf_dict_put_dict(c, res, PDF_NAME(Font), 1);
        pdf_dict_puts_drop(c, fonts, "RedboxLabel", pdf_add_simple_font(c, doc, font, PDF_SIMPLE_ENCODING_LATIN));
      }
      fz_always(c) { fz_drop_font(c, font); }
      fz_catch(c) { fz_rethrow(c); }
    }
    form = pdf_add_stream(c, doc, buf, dict, 0);
    pdf_obj* xobjects = own_xobjects(c, doc, page);
    pdf_dict_puts(c, xobjects, kBoxesXObjectName, form);
    set_contents(c, doc, page, "q\n", after);
  }
  fz_always(c) {
    pdf_drop_obj(c, form);
    pdf_drop_obj(c, dict);
    fz_drop_buffer(c, buf);
  }
  fz_catch(c) { fz_rethrow(c); }
}

void draw_boxes(const mu::Context& ctx, pdf_document* doc, pdf_page* page, int page_index,
                const std::vector<const Mark*>& marks, const BoxStyle& style) {
  fz_context* c = ctx;
  std::string what = "drawing redaction boxes on page " + std::to_string(page_index + 1);
  fz_matrix page_ctm = ctx.call(what, [&] {
    fz_matrix m;
    pdf_page_transform(c, page, nullptr, &m);
    return m;
  });
  bool any_label = false;
  std::string content = boxes_content(marks, style, fz_invert_matrix(page_ctm), any_label);
  std::string after = std::string("\nQ\nq /") + kBoxesXObjectName + " Do Q\n";
  ctx.call(what, [&] { install_boxes(c, doc, page, content.data(), content.size(), any_label ? 1 : 0, after.c_str()); });
}

void empty_page(fz_context* c, pdf_document* doc, pdf_page* page) {
  fz_buffer* b = fz_new_buffer(c, 1);
  fz_try(c) {
    pdf_dict_put_drop(c, page->obj, PDF_NAME(Contents), pdf_add_stream(c, doc, b, nullptr, 0));
    pdf_dict_put_drop(c, page->obj, PDF_NAME(Resources), pdf_new_dict(c, doc, 1));
    pdf_dict_del(c, page->obj, PDF_NAME(Group));
  }
  fz_always(c) { fz_drop_buffer(c, b); }
  fz_catch(c) { fz_rethrow(c); }
}

pdf_page* as_pdf_page(const mu::Context& ctx, const mu::Page& page, int index) {
  pdf_page* p = pdf_page_from_fz_page(ctx, page.get());
  if (p == nullptr) fail(Error::internal("page " + std::to_string(index + 1) + " is not a PDF page"));
  return p;
}

}  // namespace

std::vector<std::string> apply_page_marks(const mu::Context& ctx, pdf_document* doc, int page_index,
                                          const std::vector<const Mark*>& marks, const BoxStyle& style) {
  std::vector<std::string> notes;
  fz_context* c = ctx;
  fz_page* raw = ctx.call("loading page " + std::to_string(page_index + 1),
                          [&] { return fz_load_page(c, &doc->super, page_index); });
  mu::Page fpage(c, raw);
  pdf_page* page = as_pdf_page(ctx, fpage, page_index);
  bool whole = std::any_of(marks.begin(), marks.end(), [](const Mark* m) { return m->kind == MarkKind::whole_page; });
  int removed = ctx.call("removing annotations under marks on page " + std::to_string(page_index + 1),
                         [&] { return remove_overlapping_annotations(c, page, marks, whole); });
  if (removed > 0) notes.push_back("removed " + std::to_string(removed) + " annotation(s) or form field(s) under marks");
  if (whole) {
    ctx.call("withholding page " + std::to_string(page_index + 1), [&] { empty_page(c, doc, page); });
    notes.push_back("page withheld: all content removed");
  } else {
    anchor_page_text_objects(ctx, doc, page);
    ImageAreas images;  // none, unless the page may draw images
    if (ImageProbe(ctx).page_may_draw_images(page)) images = image_areas(ctx, fpage.get(), page_index);
    std::vector<bool> full_quads;
    for (const Mark* m : marks) full_quads.push_back(m->kind != MarkKind::text || images.under(m->bounds()));
    for (std::size_t i = 0; i < marks.size(); ++i) {
      const Mark* m = marks[i];
      const bool full = full_quads[i];
      ctx.call("marking page " + std::to_string(page_index + 1), [&] {
        pdf_annot* annot = pdf_create_annot(c, page, PDF_ANNOT_REDACT);
        fz_try(c) {
          for (const Quad& q : m->quads) pdf_add_annot_quad_point(c, annot, text_pass_quad(q, full));
          Rect b = m->bounds();
          pdf_set_annot_rect(c, annot, fz_make_rect(b.x0, b.y0, b.x1, b.y1));
        }
        fz_always(c) { pdf_drop_annot(c, annot); }
        fz_catch(c) { fz_rethrow(c); }
      });
    }
    // No black boxes here: draw_boxes draws them so that verification can look under them.
    ctx.call("redacting page " + std::to_string(page_index + 1), [&] { apply_redact_annotations(c, doc, page); });
  }
  draw_boxes(ctx, doc, page, page_index, marks, style);
  return notes;
}

void rasterise_page(const mu::Context& ctx, pdf_document* doc, int page_index, const std::vector<const Mark*>& marks,
                    const BoxStyle& style, int dpi) {
  fz_context* c = ctx;
  std::string what = "rasterising page " + std::to_string(page_index + 1);
  fz_page* raw = ctx.call(what, [&] { return fz_load_page(c, &doc->super, page_index); });
  mu::Page fpage(c, raw);
  pdf_page* page = as_pdf_page(ctx, fpage, page_index);
  float scale = static_cast<float>(dpi) / 72.0f;
  fz_rect bounds = ctx.call(what, [&] { return fz_bound_page(c, fpage.get()); });
  double pixels = static_cast<double>(bounds.x1 - bounds.x0) * scale * (bounds.y1 - bounds.y0) * scale;
  if (pixels > 200e6) fail(Error::too_large("page " + std::to_string(page_index + 1) + " is too large to rasterise"));
  fz_pixmap* praw = ctx.call(what, [&] {
    return fz_new_pixmap_from_page_contents(c, fpage.get(), fz_scale(scale, scale), fz_device_rgb(c), 0);
  });
  mu::Pixmap pix(c, praw);
  // Burn the marks into the pixels (bounding box of each quad, rounded outwards).
  for (const Mark* m : marks) {
    for (const Quad& q : m->quads) {
      Rect r = q.bounds();
      int x0 = std::max(0, static_cast<int>(std::floor(r.x0 * scale)) - pix->x);
      int y0 = std::max(0, static_cast<int>(std::floor(r.y0 * scale)) - pix->y);
      int x1 = std::min(pix->w, static_cast<int>(std::ceil(r.x1 * scale)) - pix->x);
      int y1 = std::min(pix->h, static_cast<int>(std::ceil(r.y1 * scale)) - pix->y);
      for (int y = y0; y < y1; ++y) {
        unsigned char* row = pix->samples + static_cast<std::size_t>(y) * pix->stride;
        for (int x = x0; x < x1; ++x) {
          unsigned char* px = row + static_cast<std::size_t>(x) * pix->n;
          px[0] = style.fill.r;
          px[1] = style.fill.g;
          px[2] = style.fill.b;
        }
      }
    }
  }
  ctx.call(what, [&] {
    fz_matrix page_ctm;
    pdf_page_transform(c, page, nullptr, &page_ctm);
    fz_matrix inv = fz_invert_matrix(page_ctm);
    // Image unit square -> page space (top-left at bounds' top-left, y down) -> PDF space.
    fz_matrix m = fz_concat(fz_make_matrix(bounds.x1 - bounds.x0, 0, 0, -(bounds.y1 - bounds.y0), bounds.x0, bounds.y1), inv);
    fz_image* image = fz_new_image_from_pixmap(c, pix.get(), nullptr);
    pdf_obj* img = nullptr;
    fz_buffer* content = nullptr;
    fz_try(c) {
      img = pdf_add_image(c, doc, image);
      content = fz_new_buffer(c, 128);
      fz_append_printf(c, content, "q %g %g %g %g %g %g cm /RedboxPage Do Q\n", m.a, m.b, m.c, m.d, m.e, m.f);
      pdf_obj* res = pdf_new_dict(c, doc, 1);
      pdf_dict_put_drop(c, page->obj, PDF_NAME(Resources), res);
      pdf_obj* xobj = pdf_dict_put_dict(c, res, PDF_NAME(XObject), 1);
      pdf_dict_puts(c, xobj, "RedboxPage", img);
      pdf_dict_put_drop(c, page->obj, PDF_NAME(Contents), pdf_add_stream(c, doc, content, nullptr, 0));
      pdf_dict_del(c, page->obj, PDF_NAME(Group));
    }
    fz_always(c) {
      fz_drop_buffer(c, content);
      pdf_drop_obj(c, img);
      fz_drop_image(c, image);
    }
    fz_catch(c) { fz_rethrow(c); }
  });
  draw_boxes(ctx, doc, page, page_index, marks, style);
}

}  // namespace redbox::redaction::detail
