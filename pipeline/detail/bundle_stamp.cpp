#include "pipeline/detail/bundle_stamp.h"

#include <cstdio>

#include <zlib.h>

namespace redbox::pipeline::detail {
namespace {

// Decodes one UTF-8 code point at text[i], advancing i; invalid bytes give U+FFFD.
int next_code_point(std::string_view text, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(text[i++]);
  if (b0 < 0x80) return b0;
  int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  int cp = b0 & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
  }
  return cp;
}

int to_winansi(int cp) {
  if (cp >= 0x20 && cp < 0x7F) return cp;
  const int w = fz_windows_1252_from_unicode(cp);
  return w > 0 ? w : '?';
}

std::string matrix_op(fz_matrix m) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.6g %.6g %.6g %.6g %.6g %.6g cm\n", m.a, m.b, m.c, m.d, m.e, m.f);
  return buf;
}

// A stamp stream (a few hundred bytes) Flate-compressed here, with a 1 KB window and a few KB
// of zlib state, and added with its /Filter so the writer copies it as it is. Left to the
// writer, each one costs a full deflate set-up (~256 KB of state cleared), which was more than
// the rest of stamping a page. Runs under fz_try; returns a new reference.
pdf_obj* add_compressed_stream(fz_context* ctx, pdf_document* doc, const char* text) {
  const std::size_t len = strlen(text);
  fz_buffer* buf = fz_new_buffer(ctx, len + len / 2 + 64);
  pdf_obj* dict = nullptr;
  pdf_obj* ref = nullptr;
  fz_var(dict);
  fz_try(ctx) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 10, 1, Z_DEFAULT_STRATEGY) != Z_OK)
      fz_throw(ctx, FZ_ERROR_GENERIC, "cannot set up compression for the stamp");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text));
    zs.avail_in = static_cast<uInt>(len);
    zs.next_out = buf->data;
    zs.avail_out = static_cast<uInt>(buf->cap);
    const int status = deflate(&zs, Z_FINISH);
    buf->len = buf->cap - zs.avail_out;
    deflateEnd(&zs);
    if (status != Z_STREAM_END) fz_throw(ctx, FZ_ERROR_GENERIC, "cannot compress the stamp");
    dict = pdf_new_dict(ctx, doc, 2);
    pdf_dict_put(ctx, dict, PDF_NAME(Filter), PDF_NAME(FlateDecode));
    ref = pdf_add_stream(ctx, doc, buf, dict, 1);
  }
  fz_always(ctx) {
    pdf_drop_obj(ctx, dict);
    fz_drop_buffer(ctx, buf);
  }
  fz_catch(ctx) { fz_rethrow(ctx); }
  return ref;
}

// Wraps the page's content: Contents becomes [prefix, old..., suffix]. Runs under fz_try.
void wrap_contents(fz_context* ctx, pdf_document* doc, pdf_obj* page, const char* prefix, const char* suffix) {
  pdf_obj* pre_ref = nullptr;
  pdf_obj* post_ref = nullptr;
  pdf_obj* array = nullptr;
  fz_var(pre_ref);
  fz_var(post_ref);
  fz_var(array);
  fz_try(ctx) {
    pre_ref = add_compressed_stream(ctx, doc, prefix);
    post_ref = add_compressed_stream(ctx, doc, suffix);
    array = pdf_new_array(ctx, doc, 4);
    pdf_array_push(ctx, array, pre_ref);
    pdf_obj* old = pdf_dict_get(ctx, page, PDF_NAME(Contents));
    if (pdf_is_array(ctx, old)) {
      const int n = pdf_array_len(ctx, old);
      for (int i = 0; i < n; ++i) pdf_array_push(ctx, array, pdf_array_get(ctx, old, i));
    } else if (pdf_is_stream(ctx, old)) {
      pdf_array_push(ctx, array, old);
    }
    pdf_array_push(ctx, array, post_ref);
    pdf_dict_put(ctx, page, PDF_NAME(Contents), array);
  }
  fz_always(ctx) {
    pdf_drop_obj(ctx, pre_ref);
    pdf_drop_obj(ctx, post_ref);
    pdf_drop_obj(ctx, array);
  }
  fz_catch(ctx) { fz_rethrow(ctx); }
}

// Adds /Font /RbxHelv to the page's resources (creating them as needed).
void add_font_resource(fz_context* ctx, pdf_document* doc, pdf_obj* page, pdf_obj* font) {
  pdf_obj* res = pdf_dict_get(ctx, page, PDF_NAME(Resources));
  if (!pdf_is_dict(ctx, res)) res = pdf_dict_put_dict(ctx, page, PDF_NAME(Resources), 2);
  pdf_obj* fonts = pdf_dict_get(ctx, res, PDF_NAME(Font));
  if (!pdf_is_dict(ctx, fonts)) fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
  pdf_dict_puts(ctx, fonts, "RbxHelv", font);
  (void)doc;
}

}  // namespace

Helvetica::Helvetica(const mu::Context& ctx)
    : ctx_(&ctx), font_(ctx, ctx.call("loading Helvetica", [&] { return fz_new_base14_font(ctx, "Helvetica"); }, ErrorKind::internal)) {}

float Helvetica::width(std::string_view utf8, float size) const {
  fz_context* ctx = *ctx_;
  float total = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const int cp = next_code_point(utf8, i);
    fz_font* f = font_.get();
    // The glyph we will actually show: the WinAnsi character mapped back to Unicode.
    const int shown = to_winansi(cp) == '?' && cp != '?' ? '?' : cp;
    total += ctx_->call("measuring text", [&] { return fz_advance_glyph(ctx, f, fz_encode_character(ctx, f, shown), 0); });
  }
  return total * size;
}

std::string Helvetica::pdf_literal(std::string_view utf8) {
  std::string out = "(";
  for (std::size_t i = 0; i < utf8.size();) {
    const int c = to_winansi(next_code_point(utf8, i));
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      char oct[8];
      std::snprintf(oct, sizeof oct, "\\%03o", c & 0xFF);
      out += oct;
    }
  }
  out.push_back(')');
  return out;
}

std::string Helvetica::fit(std::string_view utf8, float size, float max_width) const {
  if (width(utf8, size) <= max_width) return std::string(utf8);
  const float dots = width("...", size);
  std::string out;
  float used = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t start = i;
    next_code_point(utf8, i);
    const float w = width(utf8.substr(start, i - start), size);
    if (used + w + dots > max_width) break;
    used += w;
    out.append(utf8.substr(start, i - start));
  }
  return out + "...";
}

pdf_obj* Helvetica::add_font(fz_context* ctx, pdf_document* doc) {
  pdf_obj* dict = pdf_new_dict(ctx, doc, 4);
  pdf_obj* ref = nullptr;
  fz_try(ctx) {
    pdf_dict_put(ctx, dict, PDF_NAME(Type), PDF_NAME(Font));
    pdf_dict_put(ctx, dict, PDF_NAME(Subtype), PDF_NAME(Type1));
    pdf_dict_put_name(ctx, dict, PDF_NAME(BaseFont), "Helvetica");
    pdf_dict_put(ctx, dict, PDF_NAME(Encoding), PDF_NAME(WinAnsiEncoding));
    ref = pdf_add_object(ctx, doc, dict);
  }
  fz_always(ctx) { pdf_drop_obj(ctx, dict); }
  fz_catch(ctx) { fz_rethrow(ctx); }
  return ref;
}

bool PageGeometry::needs_shrink() const {
  if (fz_is_empty_rect(content)) return false;
  return content.y1 > bounds.y1 - kStampBand;
}

void stamp_page(const mu::Context& ctx, const Helvetica& helvetica, pdf_document* doc, pdf_obj* page, pdf_obj* font,
                const PageGeometry& geometry, const StampText& text) {
  fz_rect mediabox{};
  fz_matrix ctm{};
  fz_rect* mb = &mediabox;
  fz_matrix* ctmp = &ctm;
  ctx.call("reading page geometry", [&] { pdf_page_obj_transform(ctx, page, mb, ctmp); });
  const fz_matrix to_pdf = fz_invert_matrix(ctm);  // page space as seen -> PDF user space
  const fz_rect b = geometry.bounds;
  const float width = b.x1 - b.x0;
  const float height = b.y1 - b.y0;

  std::string prefix = "q\n";
  if (geometry.needs_shrink() && height > 2 * kStampBand) {
    const float s = (height - kStampBand) / height;
    // In the seen space (y down): keep the top edge, centre horizontally, scale by s.
    fz_matrix shrink = fz_translate(-b.x0, -b.y0);
    shrink = fz_concat(shrink, fz_scale(s, s));
    shrink = fz_concat(shrink, fz_translate(b.x0 + width * (1 - s) / 2, b.y0));
    prefix += matrix_op(fz_concat(fz_concat(ctm, shrink), to_pdf));
  }

  // Upright drawing space: origin at the bottom-left corner as seen, y up.
  const fz_matrix upright = fz_concat(fz_make_matrix(1, 0, 0, -1, b.x0, b.y1), to_pdf);
  const float baseline = (kStampBand - kStampFontSize) / 2 + 1;
  std::string suffix = "\nQ\nq\n" + matrix_op(upright) + "BT\n/RbxHelv " + std::to_string(static_cast<int>(kStampFontSize)) + " Tf\n0 g\n";
  char pos[96];
  if (!text.right.empty()) {
    const float w = helvetica.width(text.right, kStampFontSize);
    std::snprintf(pos, sizeof pos, "1 0 0 1 %.2f %.2f Tm\n", std::max(2.0f, width - kStampSideMargin - w), baseline);
    suffix += pos + Helvetica::pdf_literal(text.right) + " Tj\n";
  }
  if (!text.centre.empty()) {
    const float w = helvetica.width(text.centre, kStampFontSize);
    std::snprintf(pos, sizeof pos, "1 0 0 1 %.2f %.2f Tm\n", std::max(2.0f, (width - w) / 2), baseline);
    suffix += pos + Helvetica::pdf_literal(text.centre) + " Tj\n";
  }
  suffix += "ET\nQ\n";
  const char* pre = prefix.c_str();
  const char* post = suffix.c_str();
  ctx.call("stamping page", [&] {
    add_font_resource(ctx, doc, page, font);
    wrap_contents(ctx, doc, page, pre, post);
  });
}

}  // namespace redbox::pipeline::detail
