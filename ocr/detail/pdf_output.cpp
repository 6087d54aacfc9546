#include "ocr/detail/pdf_output.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

namespace redbox::ocr::detail {
namespace {

using GraftMap = mu::Handle<pdf_graft_map, pdf_drop_graft_map>;
constexpr const char* kFontName = "RbxOcrF0";

struct Metrics {
  float ascender = 0.8F;
  float descender = -0.2F;
};

void append_number(std::string& out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f ", v);
  out += buf;
}

std::vector<int> codepoints(const std::string& utf8) {
  std::vector<int> cps;
  const char* s = utf8.c_str();
  while (*s != '\0') {
    int c = 0;
    s += fz_chartorune(&c, s);
    cps.push_back(c);
  }
  return cps;
}

// Appends one invisible word to a BT..ET block: the word's text, in the Latin (WinAnsi)
// encoding of the simple font, stretched so its glyph boxes cover quad (PDF user space).
void append_word(const mu::Context& ctx, fz_font* font, const Metrics& m, std::string& content,
                 const std::string& text, const fz_quad& quad) {
  std::vector<int> cps = codepoints(text);
  std::string bytes;
  for (int c : cps) {
    int b = fz_windows_1252_from_unicode(c);
    bytes += static_cast<char>(b < 0 ? '?' : b);
  }
  const int* cp = cps.data();
  const int n = static_cast<int>(cps.size());
  float width = ctx.call("measuring text", [&] {
    float w = 0;
    for (int i = 0; i < n; ++i) {
      int b = fz_windows_1252_from_unicode(cp[i]);
      w += fz_advance_glyph(ctx, font, fz_encode_character(ctx, font, b < 0 ? '?' : cp[i]), 0);
    }
    return w;
  }, ErrorKind::internal);
  if (width <= 0 || bytes.empty()) return;
  const fz_point bl = quad.ll, br = quad.lr, tl = quad.ul;
  const double ux = br.x - bl.x, uy = br.y - bl.y, vx = tl.x - bl.x, vy = tl.y - bl.y;
  const double height = m.ascender - m.descender;
  if ((ux == 0 && uy == 0) || (vx == 0 && vy == 0)) return;
  append_number(content, ux / width);
  append_number(content, uy / width);
  append_number(content, vx / height);
  append_number(content, vy / height);
  append_number(content, bl.x - vx * m.descender / height);
  append_number(content, bl.y - vy * m.descender / height);
  content += "Tm <";
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char ch : bytes) {
    content += hex[ch >> 4];
    content += hex[ch & 15];
  }
  content += "> Tj\n";
}

// The text layer of one page; to_pdf maps page space (top-left origin) to PDF user space.
std::string text_layer(const mu::Context& ctx, fz_font* font, const Metrics& m, const PageWork& page,
                       fz_matrix to_pdf) {
  std::string content = "BT\n3 Tr\n/";
  content += kFontName;
  content += " 1 Tf\n";
  for (std::size_t i = 0; i < page.quads.size(); ++i)
    append_word(ctx, font, m, content, page.result.words[i].text, fz_transform_quad(page.quads[i], to_pdf));
  content += "ET\n";
  return content;
}

mu::PdfObj add_stream(const mu::Context& ctx, pdf_document* doc, const std::string& bytes) {
  fz_buffer* raw = ctx.call("buffering a content stream", [&] {
    return fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  }, ErrorKind::internal);
  mu::Buffer buf(ctx, raw);
  pdf_obj* ref = ctx.call("adding a content stream", [&] { return pdf_add_stream(ctx, doc, buf.get(), nullptr, 0); },
                          ErrorKind::internal);
  return mu::PdfObj(ctx, ref);
}

// Registers the OCR font in a page's resources (creating /Resources and /Font as needed).
void add_font_resource(const mu::Context& ctx, pdf_obj* page_obj, pdf_obj* font_ref) {
  ctx.call("adding the OCR font to a page", [&] {
    pdf_obj* res = pdf_dict_get_inheritable(ctx, page_obj, PDF_NAME(Resources));
    if (res == nullptr) res = pdf_dict_put_dict(ctx, page_obj, PDF_NAME(Resources), 2);
    pdf_obj* fonts = pdf_dict_get(ctx, res, PDF_NAME(Font));
    if (fonts == nullptr) fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
    pdf_dict_puts(ctx, fonts, kFontName, font_ref);
  }, ErrorKind::internal);
}

// Overlays the text layer on a copied PDF page: Contents becomes [q, original..., Q + text],
// so whatever graphics state the original leaves cannot move the text.
void overlay_pdf_page(const mu::Context& ctx, pdf_document* out, int index, fz_font* font, pdf_obj* font_ref,
                      const Metrics& m, const PageWork& page) {
  pdf_page* raw_page = ctx.call("loading an output page", [&] { return pdf_load_page(ctx, out, index); }, ErrorKind::internal);
  mu::Page loaded(ctx, &raw_page->super);
  fz_matrix ctm = fz_identity;
  ctx.call("reading a page transform", [&] { pdf_page_transform(ctx, raw_page, nullptr, &ctm); }, ErrorKind::internal);
  std::string layer = "Q\n" + text_layer(ctx, font, m, page, fz_invert_matrix(ctm));
  mu::PdfObj open_ref = add_stream(ctx, out, "q\n");
  mu::PdfObj layer_ref = add_stream(ctx, out, layer);
  pdf_obj* page_obj = raw_page->obj;
  pdf_obj* contents_raw = ctx.call("building page contents", [&] { return pdf_new_array(ctx, out, 4); }, ErrorKind::internal);
  mu::PdfObj contents(ctx, contents_raw);
  ctx.call("rewriting page contents", [&] {
    pdf_array_push(ctx, contents.get(), open_ref.get());
    pdf_obj* old = pdf_dict_get(ctx, page_obj, PDF_NAME(Contents));
    if (pdf_is_array(ctx, old)) {
      int n = pdf_array_len(ctx, old);
      for (int i = 0; i < n; ++i) pdf_array_push(ctx, contents.get(), pdf_array_get(ctx, old, i));
    } else if (old != nullptr) {
      pdf_array_push(ctx, contents.get(), old);
    }
    pdf_array_push(ctx, contents.get(), layer_ref.get());
    pdf_dict_put(ctx, page_obj, PDF_NAME(Contents), contents.get());
  }, ErrorKind::internal);
  add_font_resource(ctx, page_obj, font_ref);
}

// A colour or grey pixmap holding a Leptonica image, pixel for pixel (lossless).
mu::Pixmap pixmap_from_pix(const mu::Context& ctx, PIX* source) {
  lept::Pix pix;
  bool gray = pixGetDepth(source) <= 8 && pixGetColormap(source) == nullptr;
  pix.reset(gray ? pixConvertTo8(source, 0) : pixConvertTo32(source));
  if (!pix) fail(Error::too_large("cannot convert an image page for embedding"));
  const int w = pixGetWidth(pix.get()), h = pixGetHeight(pix.get());
  fz_pixmap* raw = ctx.call("allocating an image", [&] {
    return fz_new_pixmap(ctx, gray ? fz_device_gray(ctx) : fz_device_rgb(ctx), w, h, nullptr, 0);
  }, ErrorKind::too_large);
  mu::Pixmap pm(ctx, raw);
  const l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    unsigned char* dst = pm->samples + static_cast<std::ptrdiff_t>(y) * pm->stride;
    for (int x = 0; x < w; ++x) {
      if (gray) {
        dst[x] = static_cast<unsigned char>(GET_DATA_BYTE(line, x));
      } else {
        const l_uint32 v = line[x];
        unsigned char* rgb = dst + static_cast<std::ptrdiff_t>(x) * 3;
        rgb[0] = static_cast<unsigned char>(v >> L_RED_SHIFT);
        rgb[1] = static_cast<unsigned char>(v >> L_GREEN_SHIFT);
        rgb[2] = static_cast<unsigned char>(v >> L_BLUE_SHIFT);
      }
    }
  }
  return pm;
}

struct CompressedDataDeleter {
  void operator()(L_COMP_DATA* p) const { l_CIDataDestroy(&p); }
};

// A bilevel page (the usual scanner output) is embedded as CCITT G4, as TIFF scanners store
// it: lossless and about as small as the input, where a grey pixmap would be 8x larger.
mu::Image g4_image(const mu::Context& ctx, PIX* pix) {
  L_COMP_DATA* raw_cid = nullptr;
  if (pixGenerateCIData(pix, L_G4_ENCODE, 0, 0, &raw_cid) != 0 || raw_cid == nullptr)
    fail(Error::internal("cannot encode a bilevel page as CCITT G4"));
  std::unique_ptr<L_COMP_DATA, CompressedDataDeleter> cid(raw_cid);
  const L_COMP_DATA* c = cid.get();
  const l_int32 xres = std::max<l_int32>(pixGetXRes(pix), 0), yres = std::max<l_int32>(pixGetYRes(pix), 0);
  fz_image* img = ctx.call("embedding a bilevel image", [&] {
    fz_compressed_buffer* cb = fz_malloc_struct(ctx, fz_compressed_buffer);
    cb->params.type = FZ_IMAGE_FAX;
    cb->params.u.fax.k = -1;
    cb->params.u.fax.columns = c->w;
    cb->params.u.fax.rows = c->h;
    cb->params.u.fax.end_of_block = 1;
    // Leptonica's G4 data decodes with 0 = black, PDF's default (BlackIs1 false).
    cb->params.u.fax.black_is_1 = 0;
    cb->buffer = fz_new_buffer_from_copied_data(ctx, c->datacomp, c->nbytescomp);
    return fz_new_image_from_compressed_buffer(ctx, c->w, c->h, 1, fz_device_gray(ctx), xres, yres, 0, 0, nullptr,
                                               nullptr, cb, nullptr);
  }, ErrorKind::internal);
  return mu::Image(ctx, img);
}

mu::Image page_image(const mu::Context& ctx, const Source& source, int page_index) {
  if (source.kind == SourceKind::image) {
    // PNG and JPEG are handed to MuPDF as they are: JPEG data is embedded unchanged (DCT
    // passthrough) and PNG is re-compressed losslessly.
    fz_buffer* raw = ctx.call("buffering " + source.name, [&] {
      return fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(source.bytes.data()),
                                           source.bytes.size());
    }, ErrorKind::too_large);
    mu::Buffer buf(ctx, raw);
    fz_image* img = ctx.call(source.name + ": cannot embed the image", [&] { return fz_new_image_from_buffer(ctx, buf.get()); });
    return mu::Image(ctx, img);
  }
  lept::Pix pix = decode_image_page(source, page_index, std::numeric_limits<std::uint64_t>::max());
  if (!pix) fail(Error::invalid_input(source.name + ": page " + std::to_string(page_index + 1) + " cannot be decoded"));
  if (pixGetDepth(pix.get()) == 1 && pixGetColormap(pix.get()) == nullptr) return g4_image(ctx, pix.get());
  mu::Pixmap pm = pixmap_from_pix(ctx, pix.get());
  fz_image* img = ctx.call("embedding an image", [&] { return fz_new_image_from_pixmap(ctx, pm.get(), nullptr); },
                           ErrorKind::internal);
  return mu::Image(ctx, img);
}

void add_image_page(const mu::Context& ctx, pdf_document* out, const Source& source, int page_index, fz_font* font,
                    pdf_obj* font_ref, const Metrics& m, const PageWork& page) {
  mu::Image image = page_image(ctx, source, page_index);
  pdf_obj* img_raw = ctx.call("writing an image", [&] { return pdf_add_image(ctx, out, image.get()); }, ErrorKind::internal);
  mu::PdfObj img_ref(ctx, img_raw);
  const double w = page.image_width_pt, h = page.image_height_pt;
  std::string content = "q\n";
  append_number(content, w);
  content += "0 0 ";
  append_number(content, h);
  content += "0 0 cm /Im0 Do\nQ\n";
  // Page space has its origin top-left, PDF user space bottom-left.
  content += text_layer(ctx, font, m, page, fz_make_matrix(1, 0, 0, -1, 0, static_cast<float>(h)));
  fz_buffer* buf_raw = ctx.call("buffering page contents", [&] {
    return fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  }, ErrorKind::internal);
  mu::Buffer contents(ctx, buf_raw);
  pdf_obj* res_raw = ctx.call("building page resources", [&] { return pdf_new_dict(ctx, out, 2); }, ErrorKind::internal);
  mu::PdfObj resources(ctx, res_raw);
  ctx.call("building page resources", [&] {
    pdf_obj* xobj = pdf_dict_put_dict(ctx, resources.get(), PDF_NAME(XObject), 1);
    pdf_dict_puts(ctx, xobj, "Im0", img_ref.get());
    pdf_obj* fonts = pdf_dict_put_dict(ctx, resources.get(), PDF_NAME(Font), 1);
    pdf_dict_puts(ctx, fonts, kFontName, font_ref);
  }, ErrorKind::internal);
  fz_rect box = fz_make_rect(0, 0, static_cast<float>(w), static_cast<float>(h));
  pdf_obj* page_raw = ctx.call("adding a page", [&] { return pdf_add_page(ctx, out, box, 0, resources.get(), contents.get()); },
                               ErrorKind::internal);
  mu::PdfObj page_obj(ctx, page_raw);
  ctx.call("adding a page", [&] { pdf_insert_page(ctx, out, -1, page_obj.get()); }, ErrorKind::internal);
}

}  // namespace

std::string write_searchable_pdf(const mu::Context& ctx, const std::vector<Source>& sources,
                                 const std::vector<PageWork>& pages, const std::optional<std::string>& password) {
  pdf_document* out_raw = ctx.call("creating the output PDF", [&] { return pdf_create_document(ctx); }, ErrorKind::internal);
  mu::PdfDocument out(ctx, out_raw);
  fz_font* font_raw = ctx.call("loading the text-layer font", [&] { return fz_new_base14_font(ctx, "Helvetica"); },
                               ErrorKind::internal);
  mu::Font font(ctx, font_raw);
  pdf_obj* font_ref_raw = ctx.call("adding the text-layer font", [&] {
    return pdf_add_simple_font(ctx, out.get(), font.get(), PDF_SIMPLE_ENCODING_LATIN);
  }, ErrorKind::internal);
  mu::PdfObj font_ref(ctx, font_ref_raw);
  Metrics m;
  m.ascender = ctx.call("reading font metrics", [&] { return fz_font_ascender(ctx, font.get()); }, ErrorKind::internal);
  m.descender = ctx.call("reading font metrics", [&] { return fz_font_descender(ctx, font.get()); }, ErrorKind::internal);
  if (m.ascender - m.descender <= 0.1F) m = Metrics{};

  std::size_t k = 0;
  int out_index = 0;
  for (const Source& source : sources) {
    if (source.kind == SourceKind::pdf) {
      mu::Document doc = mu::open_document(ctx, source.path, password);
      pdf_document* src = mu::as_pdf(ctx, doc);
      if (src == nullptr) fail(Error::internal(source.name + " is not a PDF after all"));
      pdf_graft_map* map_raw = ctx.call("copying pages", [&] { return pdf_new_graft_map(ctx, out.get()); }, ErrorKind::internal);
      GraftMap map(ctx, map_raw);
      for (int i = 0; i < source.pages; ++i, ++k, ++out_index) {
        ctx.call(source.name + ": cannot copy page " + std::to_string(i + 1),
                 [&] { pdf_graft_mapped_page(ctx, map.get(), -1, src, i); });
        if (pages[k].result.ocred && !pages[k].quads.empty())
          overlay_pdf_page(ctx, out.get(), out_index, font.get(), font_ref.get(), m, pages[k]);
      }
    } else {
      for (int i = 0; i < source.pages; ++i, ++k, ++out_index)
        add_image_page(ctx, out.get(), source, i, font.get(), font_ref.get(), m, pages[k]);
    }
  }

  fz_buffer* buf_raw = ctx.call("writing the output PDF", [&] { return fz_new_buffer(ctx, 1 << 16); }, ErrorKind::internal);
  mu::Buffer buf(ctx, buf_raw);
  fz_output* o_raw = ctx.call("writing the output PDF", [&] { return fz_new_output_with_buffer(ctx, buf.get()); },
                              ErrorKind::internal);
  mu::Output o(ctx, o_raw);
  pdf_write_options opts = pdf_default_write_options;
  opts.do_compress = 1;
  opts.do_garbage = 1;
  ctx.call("writing the output PDF", [&] {
    pdf_write_document(ctx, out.get(), o.get(), &opts);
    fz_close_output(ctx, o.get());
  }, ErrorKind::internal);
  return mu::buffer_bytes(ctx, buf);
}

}  // namespace redbox::ocr::detail
