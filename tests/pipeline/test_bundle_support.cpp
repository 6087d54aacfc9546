#include "pipeline/test_bundle_support.h"

#include <algorithm>
#include <cstdint>
#include <functional>

namespace redbox::test::bundle {

void write_text_pdf(const std::filesystem::path& path, int pages, const std::string& label) {
  auto ctx = mu::Context::create();
  mu::PdfDocument doc(ctx, ctx.call("create", [&] { return pdf_create_document(ctx); }));
  pdf_document* d = doc.get();
  for (int p = 0; p < pages; ++p) {
    std::string content = "BT /F1 10 Tf 14 TL 40 830 Td ";
    for (int line = 0; line < 59; ++line)
      content += "(" + label + " page " + std::to_string(p + 1) + " line " + std::to_string(line + 1) +
                 " lorem ipsum dolor sit amet) '\n";
    content += "ET\n";
    const char* text = content.c_str();
    const std::size_t len = content.size();
    ctx.call("page", [&] {
      fz_buffer* buf = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(text), len);
      pdf_obj* res = pdf_new_dict(ctx, d, 1);
      pdf_obj* fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
      pdf_obj* f = pdf_add_new_dict(ctx, d, 3);
      pdf_dict_put(ctx, f, PDF_NAME(Type), PDF_NAME(Font));
      pdf_dict_put(ctx, f, PDF_NAME(Subtype), PDF_NAME(Type1));
      pdf_dict_put_name(ctx, f, PDF_NAME(BaseFont), "Courier");
      pdf_dict_puts(ctx, fonts, "F1", f);
      pdf_obj* page = pdf_add_page(ctx, d, fz_make_rect(0, 0, 595, 842), 0, res, buf);
      pdf_insert_page(ctx, d, -1, page);
      pdf_drop_obj(ctx, page);
      pdf_drop_obj(ctx, f);
      pdf_drop_obj(ctx, res);
      fz_drop_buffer(ctx, buf);
    });
  }
  const std::string out = path.string();
  pdf_write_options opts{};
  opts.do_compress = 1;
  ctx.call("save", [&] { pdf_save_document(ctx, d, out.c_str(), &opts); });
}

void write_large_image_pdf(const std::filesystem::path& path, int w, int h) {
  auto ctx = mu::Context::create();
  mu::Pixmap pix(ctx, ctx.call("pixmap", [&] { return fz_new_pixmap(ctx, fz_device_rgb(ctx), w, h, nullptr, 0); }));
  unsigned char* s = pix->samples;
  std::uint32_t seed = 12345;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        seed = seed * 1664525u + 1013904223u;
        const int base = c == 0 ? x * 255 / w : c == 1 ? y * 255 / h : (x + y) * 255 / (w + h);
        s[y * pix->stride + x * 3 + c] = static_cast<unsigned char>(std::clamp(base + static_cast<int>((seed >> 24) % 9) - 4, 0, 255));
      }
  mu::PdfDocument doc(ctx, ctx.call("create", [&] { return pdf_create_document(ctx); }));
  pdf_document* d = doc.get();
  fz_pixmap* p = pix.get();
  ctx.call("page", [&] {
    fz_image* image = fz_new_image_from_pixmap(ctx, p, nullptr);
    pdf_obj* ref = pdf_add_image(ctx, d, image);
    pdf_obj* res = pdf_new_dict(ctx, d, 1);
    pdf_obj* xobjects = pdf_dict_put_dict(ctx, res, PDF_NAME(XObject), 1);
    pdf_dict_puts(ctx, xobjects, "Im0", ref);
    fz_buffer* buf = fz_new_buffer_from_shared_data(ctx, reinterpret_cast<const unsigned char*>("q 595 0 0 842 0 0 cm /Im0 Do Q\n"), 31);
    pdf_obj* page = pdf_add_page(ctx, d, fz_make_rect(0, 0, 595, 842), 0, res, buf);
    pdf_insert_page(ctx, d, -1, page);
    pdf_drop_obj(ctx, page);
    fz_drop_buffer(ctx, buf);
    pdf_drop_obj(ctx, res);
    pdf_drop_obj(ctx, ref);
    fz_drop_image(ctx, image);
  });
  const std::string out = path.string();
  pdf_write_options opts{};
  opts.do_compress = 1;
  opts.do_compress_images = 1;
  ctx.call("save", [&] { pdf_save_document(ctx, d, out.c_str(), &opts); });
}

void write_png(const std::filesystem::path& path, int w, int h) {
  auto ctx = mu::Context::create();
  mu::Pixmap pix(ctx, ctx.call("pixmap", [&] { return fz_new_pixmap(ctx, fz_device_gray(ctx), w, h, nullptr, 0); }));
  unsigned char* s = pix->samples;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) s[y * pix->stride + x] = static_cast<unsigned char>(((x / 8 + y / 8) % 2) ? 255 : (x * 7 + y * 3) % 256);
  pix->xres = pix->yres = 150;
  const std::string out = path.string();
  fz_pixmap* p = pix.get();
  ctx.call("png", [&] { fz_save_pixmap_as_png(ctx, p, out.c_str()); });
}

std::vector<PageText> read_pages(const std::filesystem::path& pdf, const std::function<std::string(int)>& needle_for_page) {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document(ctx, pdf);
  const int n = mu::page_count(ctx, doc);
  std::vector<PageText> out;
  for (int i = 0; i < n; ++i) {
    auto page = mu::load_page(ctx, doc, i);
    fz_page* pg = page.get();
    PageText pt;
    pt.bounds = ctx.call("bound", [&] { return fz_bound_page(ctx, pg); });
    mu::StextPage st(ctx, ctx.call("stext", [&] { return fz_new_stext_page_from_page(ctx, pg, nullptr); }));
    const std::string needle = needle_for_page ? needle_for_page(i) : std::string();
    for (fz_stext_block* b = st->first_block; b; b = b->next) {
      if (b->type != FZ_STEXT_BLOCK_TEXT) continue;
      for (fz_stext_line* l = b->u.t.first_line; l; l = l->next) {
        std::string line;
        for (fz_stext_char* c = l->first_char; c; c = c->next) {
          char buf[8];
          int len = fz_runetochar(buf, c->c);
          line.append(buf, static_cast<std::size_t>(len));
        }
        pt.text += line + "\n";
        if (!needle.empty() && line.find(needle) != std::string::npos) {
          pt.stamp_box = l->bbox;
          pt.stamp_horizontal = l->dir.x > 0.99f;
        }
      }
    }
    out.push_back(std::move(pt));
  }
  return out;
}

int count_pages(const std::filesystem::path& pdf) {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document(ctx, pdf);
  return mu::page_count(ctx, doc);
}

int count_outline_items(const std::filesystem::path& pdf) {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document(ctx, pdf);
  fz_document* d = doc.get();
  fz_outline* outline = ctx.call("outline", [&] { return fz_load_outline(ctx, d); });
  int count = 0;
  for (fz_outline* o = outline; o; o = o->next) ++count;
  if (outline) fz_drop_outline(ctx, outline);
  return count;
}

}  // namespace redbox::test::bundle
