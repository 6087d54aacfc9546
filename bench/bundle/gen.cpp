// Writes synthetic bundle inputs: gen text N OUT.pdf (full pages of text) or
// gen scan N OUT.pdf (pages holding a distinct, incompressible ~200 KB grey image each).
#include <cstdio>
#include <random>
#include <string>

#include "common/mupdf.h"

using namespace redbox;

namespace {

void add_page(const mu::Context& ctx, pdf_document* d, const std::string& content, fz_image* image) {
  const char* text = content.c_str();
  const std::size_t len = content.size();
  ctx.call("page", [&] {
    fz_buffer* buf = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(text), len);
    pdf_obj* res = pdf_new_dict(ctx, d, 2);
    pdf_obj* fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
    pdf_obj* f = pdf_add_new_dict(ctx, d, 3);
    pdf_dict_put(ctx, f, PDF_NAME(Type), PDF_NAME(Font));
    pdf_dict_put(ctx, f, PDF_NAME(Subtype), PDF_NAME(Type1));
    pdf_dict_put_name(ctx, f, PDF_NAME(BaseFont), "Times-Roman");
    pdf_dict_puts(ctx, fonts, "F1", f);
    if (image != nullptr) {
      pdf_obj* xo = pdf_dict_put_dict(ctx, res, PDF_NAME(XObject), 1);
      pdf_obj* ref = pdf_add_image(ctx, d, image);
      pdf_dict_puts(ctx, xo, "Im0", ref);
      pdf_drop_obj(ctx, ref);
    }
    pdf_obj* page = pdf_add_page(ctx, d, fz_make_rect(0, 0, 595, 842), 0, res, buf);
    pdf_insert_page(ctx, d, -1, page);
    pdf_drop_obj(ctx, page);
    pdf_drop_obj(ctx, f);
    pdf_drop_obj(ctx, res);
    fz_drop_buffer(ctx, buf);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bundle_bench_gen text|scan PAGES OUT.pdf\n");
    return 2;
  }
  const std::string kind = argv[1];
  const int pages = std::stoi(argv[2]);
  auto ctx = mu::Context::create();
  mu::PdfDocument doc(ctx, ctx.call("create", [&] { return pdf_create_document(ctx); }));
  std::mt19937 rng(42);
  for (int p = 0; p < pages; ++p) {
    std::string content = "BT /F1 11 Tf 14 TL 56 780 Td ";
    for (int line = 0; line < 50; ++line)
      content += "(Synthetic correspondence page " + std::to_string(p + 1) + ", line " + std::to_string(line + 1) +
                 ": the quick brown fox jumps over the lazy dog.) '\n";
    content += "ET\n";
    mu::Image image;
    if (kind == "scan") {
      content = "q 595 0 0 842 0 0 cm /Im0 Do Q\n" + content;
      mu::Pixmap pix(ctx, ctx.call("pixmap", [&] { return fz_new_pixmap(ctx, fz_device_gray(ctx), 500, 400, nullptr, 0); }));
      for (int i = 0; i < 500 * 400; ++i) pix->samples[i] = static_cast<unsigned char>(rng());
      fz_pixmap* px = pix.get();
      image = mu::Image(ctx, ctx.call("image", [&] { return fz_new_image_from_pixmap(ctx, px, nullptr); }));
    }
    add_page(ctx, doc.get(), content, image.get());
  }
  pdf_write_options opts{};
  opts.do_compress = 1;
  opts.do_compress_images = 1;
  const std::string out = argv[3];
  pdf_document* d = doc.get();
  ctx.call("save", [&] { pdf_save_document(ctx, d, out.c_str(), &opts); });
  return 0;
}
