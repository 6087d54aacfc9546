// Measuring pages for stamping (pipeline/detail/bundle_page_measure.h): whether what a page draws
// reaches into the stamp band, decided correctly whatever draws it (text, paths, images, forms,
// clipped content, rotated pages), with the measurer stopping early and sharing fonts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>

#include "common/mupdf.h"
#include "pipeline/detail/bundle_page_measure.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::pipeline::detail;

namespace {

struct TestPage {
  std::string content;
  bool image = false;      // resource /Im0: a small grey image
  bool form = false;       // resource /Fm0: a form drawing a 100 x 30 box at its origin
  int rotate = 0;
  bool expect_shrink = false;
  const char* what = "";
};

// One page per TestPage, each with its OWN (identical) /F1 Times-Roman dictionary, as many
// generators write them: the case font sharing is for.
mu::PdfDocument make_pdf(const mu::Context& ctx, const std::vector<TestPage>& pages) {
  mu::PdfDocument doc(ctx, ctx.call("create", [&] { return pdf_create_document(ctx); }));
  pdf_document* d = doc.get();
  mu::Pixmap pix(ctx, ctx.call("pixmap", [&] { return fz_new_pixmap(ctx, fz_device_gray(ctx), 8, 8, nullptr, 0); }));
  fz_pixmap* px = pix.get();
  ctx.call("clear", [&] { fz_clear_pixmap_with_value(ctx, px, 128); });
  mu::Image image(ctx, ctx.call("image", [&] { return fz_new_image_from_pixmap(ctx, px, nullptr); }));
  fz_image* img = image.get();
  for (const auto& p : pages) {
    const char* text = p.content.c_str();
    const std::size_t len = p.content.size();
    const bool with_image = p.image;
    const bool with_form = p.form;
    const int rotate = p.rotate;
    ctx.call("page", [&] {
      fz_buffer* buf = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(text), len);
      pdf_obj* res = pdf_new_dict(ctx, d, 3);
      pdf_obj* fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
      pdf_obj* f = pdf_add_new_dict(ctx, d, 3);
      pdf_dict_put(ctx, f, PDF_NAME(Type), PDF_NAME(Font));
      pdf_dict_put(ctx, f, PDF_NAME(Subtype), PDF_NAME(Type1));
      pdf_dict_put_name(ctx, f, PDF_NAME(BaseFont), "Times-Roman");
      pdf_dict_puts(ctx, fonts, "F1", f);
      pdf_drop_obj(ctx, f);
      pdf_obj* xobjects = pdf_dict_put_dict(ctx, res, PDF_NAME(XObject), 2);
      if (with_image) {
        pdf_obj* ref = pdf_add_image(ctx, d, img);
        pdf_dict_puts(ctx, xobjects, "Im0", ref);
        pdf_drop_obj(ctx, ref);
      }
      // /P0: an axial red-to-blue shading pattern (the measurer does not load it).
      pdf_obj* patterns = pdf_dict_put_dict(ctx, res, PDF_NAME(Pattern), 1);
      pdf_obj* pattern = pdf_dict_puts_dict(ctx, patterns, "P0", 2);
      pdf_dict_put_int(ctx, pattern, PDF_NAME(PatternType), 2);
      pdf_obj* shading = pdf_dict_put_dict(ctx, pattern, PDF_NAME(Shading), 4);
      pdf_dict_put_int(ctx, shading, PDF_NAME(ShadingType), 2);
      pdf_dict_put(ctx, shading, PDF_NAME(ColorSpace), PDF_NAME(DeviceRGB));
      pdf_obj* coords = pdf_dict_put_array(ctx, shading, PDF_NAME(Coords), 4);
      for (int v : {0, 0, 595, 0}) pdf_array_push_int(ctx, coords, v);
      pdf_obj* fn = pdf_dict_put_dict(ctx, shading, PDF_NAME(Function), 5);
      pdf_dict_put_int(ctx, fn, PDF_NAME(FunctionType), 2);
      pdf_obj* domain = pdf_dict_put_array(ctx, fn, PDF_NAME(Domain), 2);
      pdf_array_push_int(ctx, domain, 0);
      pdf_array_push_int(ctx, domain, 1);
      pdf_obj* c0 = pdf_dict_put_array(ctx, fn, PDF_NAME(C0), 3);
      for (int v : {1, 0, 0}) pdf_array_push_int(ctx, c0, v);
      pdf_obj* c1 = pdf_dict_put_array(ctx, fn, PDF_NAME(C1), 3);
      for (int v : {0, 0, 1}) pdf_array_push_int(ctx, c1, v);
      pdf_dict_put_int(ctx, fn, PDF_NAME(N), 1);
      // /GS0: a soft mask (luminosity of an empty group: hides everything when applied).
      pdf_obj* gstates = pdf_dict_put_dict(ctx, res, PDF_NAME(ExtGState), 1);
      pdf_obj* gs = pdf_dict_puts_dict(ctx, gstates, "GS0", 1);
      pdf_obj* smask = pdf_dict_put_dict(ctx, gs, PDF_NAME(SMask), 2);
      pdf_dict_put(ctx, smask, PDF_NAME(S), PDF_NAME(Luminosity));
      const char* empty = "\n";
      fz_buffer* eb = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(empty), 1);
      pdf_obj* eres = pdf_new_dict(ctx, d, 1);
      pdf_obj* group = pdf_new_xobject(ctx, d, fz_make_rect(0, 0, 595, 842), fz_identity, eres, eb);
      pdf_obj* gdict = pdf_dict_put_dict(ctx, group, PDF_NAME(Group), 2);
      pdf_dict_put(ctx, gdict, PDF_NAME(S), PDF_NAME(Transparency));
      pdf_dict_put(ctx, smask, PDF_NAME(G), group);
      pdf_drop_obj(ctx, group);
      pdf_drop_obj(ctx, eres);
      fz_drop_buffer(ctx, eb);
      if (with_form) {
        const char* box = "0 0 100 30 re f\n";
        fz_buffer* fb = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(box), strlen(box));
        pdf_obj* fres = pdf_new_dict(ctx, d, 1);
        pdf_obj* form = pdf_new_xobject(ctx, d, fz_make_rect(0, 0, 100, 30), fz_identity, fres, fb);
        pdf_dict_puts(ctx, xobjects, "Fm0", form);
        pdf_drop_obj(ctx, form);
        pdf_drop_obj(ctx, fres);
        fz_drop_buffer(ctx, fb);
      }
      pdf_obj* page = pdf_add_page(ctx, d, fz_make_rect(0, 0, 595, 842), rotate, res, buf);
      pdf_insert_page(ctx, d, -1, page);
      pdf_drop_obj(ctx, page);
      pdf_drop_obj(ctx, res);
      fz_drop_buffer(ctx, buf);
    });
  }
  return doc;
}

std::vector<TestPage> cases() {
  return {
      {"BT /F1 11 Tf 56 780 Td (Text well above the band) Tj ET\n", false, false, 0, false, "text with a free margin"},
      {"BT /F1 11 Tf 56 10 Td (Text in the band) Tj ET\n", false, false, 0, true, "text in the band"},
      {"BT /F1 11 Tf 14 TL 56 100 Td (a) ' (b) ' (c) ' (d) ' (e) ' (f) ' (g) ' ET\n", false, false, 0, true,
       "text lines that run down into the band"},
      {"BT /F1 11 Tf 3 Tr 56 10 Td (Invisible text in the band) Tj ET\n", false, false, 0, false,
       "invisible text in the band"},
      {"0 0 1 rg 100 5 50 10 re f\n", false, false, 0, true, "a filled box in the band"},
      {"1 w 100 50 m 300 50 l S\n", false, false, 0, false, "a stroked line above the band"},
      {"q 595 0 0 842 0 0 cm /Im0 Do Q BT /F1 11 Tf 56 780 Td (Scan) Tj ET\n", true, false, 0, true,
       "a full-page image"},
      {"q 200 0 0 200 100 400 cm /Im0 Do Q\n", true, false, 0, false, "an image mid-page"},
      {"q 1 0 0 1 200 0 cm /Fm0 Do Q\n", false, true, 0, true, "a form drawing in the band"},
      {"q 1 0 0 1 200 400 cm /Fm0 Do Q\n", false, true, 0, false, "a form drawing mid-page"},
      {"q 0 100 595 742 re W n 0 0 595 842 re f Q\n", false, false, 0, false,
       "a full-page fill clipped to leave the bottom 100 pt free"},
      {"q 0 400 595 442 re W n 0 0 595 842 re f Q BT /F1 11 Tf 56 780 Td (x) Tj ET\n", false, false, 0, false,
       "a full-page fill clipped to the top half"},
      {"/Pattern cs /P0 scn 100 5 300 10 re f\n", false, false, 0, true, "a shading-pattern fill in the band"},
      {"/Pattern cs /P0 scn 100 500 300 10 re f\n", false, false, 0, false, "a shading-pattern fill mid-page"},
      {"q /GS0 gs 100 5 300 10 re f Q\n", false, false, 0, true, "soft-masked content in the band still counts"},
      // /Rotate 90 turns the page clockwise: its right edge is the bottom as seen, its bottom edge the left.
      {"0 0 1 rg 580 200 10 50 re f\n", false, false, 90, true, "rotated 90: a box at the right edge"},
      {"0 0 1 rg 300 5 50 10 re f\n", false, false, 90, false, "rotated 90: a box at the bottom edge"},
  };
}

}  // namespace

TEST_CASE("bundle measure: content in the stamp band is found whatever draws it", "[bundle]") {
  auto ctx = mu::Context::create();
  const auto pages = cases();
  auto doc = make_pdf(ctx, pages);

  PageMeasurer shared(ctx);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    INFO("page " << i + 1 << ": " << pages[i].what);
    const PageGeometry g = shared.measure(doc.get(), static_cast<int>(i));
    CHECK(g.needs_shrink() == pages[i].expect_shrink);
    // A fresh measurer (nothing shared, nothing cached) reaches the same answer.
    PageMeasurer fresh(ctx);
    CHECK(fresh.measure(doc.get(), static_cast<int>(i)).needs_shrink() == pages[i].expect_shrink);
  }
  // Every page has its own identical Times-Roman dictionary; the pages showing text after the
  // first used the font loaded once.
  CHECK(shared.fonts_shared() >= 5);
  // The images were placed, never read.
  CHECK(shared.images_stood_in() >= 2);
}

TEST_CASE("bundle measure: a page without a free margin is decided early, one with a margin exactly", "[bundle]") {
  auto ctx = mu::Context::create();
  auto doc = make_pdf(ctx, {{"0 0 0 rg 0 0 595 842 re f 1000 400 100 100 re f\n", false, false, 0, true, ""},
                            {"0 0 0 rg 40 60 515 700 re f\n", false, false, 0, false, ""}});
  PageMeasurer m(ctx);
  const PageGeometry full = m.measure(doc.get(), 0);
  CHECK(full.needs_shrink());
  // Measuring stopped at the full-page fill: the box drawn after it, off the page, was never seen.
  CHECK(full.content.x1 <= 596);
  const PageGeometry margin = m.measure(doc.get(), 1);
  CHECK_FALSE(margin.needs_shrink());
  // Content clear of the band is measured exactly (y down, as seen): 842 - 60 = 782.
  CHECK(margin.content.y1 == Approx(782).margin(1));
  CHECK(margin.content.y0 == Approx(82).margin(1));
  CHECK(margin.bounds.y1 == Approx(842));
}

TEST_CASE("bundle measure: never misses content MuPDF finds in the band (corpus PDFs)", "[bundle]") {
  // MuPDF's own answer: the page loaded and run whole (annotations included) into a plain bbox
  // device. The measurer may be more cautious (font-bbox text, no shading or soft-mask clipping),
  // never less.
  auto ctx = mu::Context::create();
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_path("corpus/pdfs"))) {
    if (entry.path().extension() != ".pdf") continue;
    std::optional<mu::Document> doc;
    try {
      doc = mu::open_document(ctx, entry.path());
    } catch (const Failure&) {
      continue;  // encrypted with a password, or broken: not this test's business
    }
    pdf_document* pdf = mu::as_pdf(ctx, *doc);
    if (pdf == nullptr) continue;
    int count = 0;
    try {
      count = mu::page_count(ctx, *doc);
    } catch (const Failure&) {
      continue;
    }
    PageMeasurer measurer(ctx);
    for (int p = 0; p < count; ++p) {
      INFO(entry.path().filename().string() << " page " << p + 1);
      PageGeometry ours;
      try {
        ours = measurer.measure(pdf, p);
      } catch (const Failure&) {
        continue;  // a page MuPDF cannot interpret is the bundle's error to report, tested elsewhere
      }
      fz_rect exact = fz_empty_rect;
      fz_rect* out = &exact;
      fz_document* d = doc->get();
      const int index = p;
      ctx.call("running the page", [&] {
        fz_page* page = fz_load_page(ctx, d, index);
        fz_device* dev = nullptr;
        fz_var(dev);
        fz_try(ctx) {
          dev = fz_new_bbox_device(ctx, out);
          fz_run_page(ctx, page, dev, fz_identity, nullptr);
          fz_close_device(ctx, dev);
        }
        fz_always(ctx) {
          fz_drop_device(ctx, dev);
          fz_drop_page(ctx, page);
        }
        fz_catch(ctx) { fz_rethrow(ctx); }
      });
      PageGeometry mupdf = ours;
      mupdf.content = exact;
      if (mupdf.needs_shrink()) CHECK(ours.needs_shrink());
      ++pages;
    }
  }
  CHECK(pages > 300);
}
