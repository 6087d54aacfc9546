// Writes scanned letters with known text for the OCR benchmark:
//   ocr_bench_gen [--font NAME] [--size PT] OUT.pdf TRUTH.txt ANGLE...
// (default Times-Roman 12 pt; NAME is a Base-14 font.)
// One page per angle (degrees, clockwise positive): a born-digital letter rendered at 300 dpi
// with MuPDF, turned by the angle, given scanner noise and thresholded to 1 bpp with Leptonica,
// then stored as an image-only PDF (CCITT G4, like a scanner's output). TRUTH.txt gets each
// page's text, pages separated by form feeds (the format bench/ocr/accuracy reads).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/leptonica.h"
#include "common/mupdf.h"
#include "samples/generator/text_page.h"

namespace {

using namespace redbox;

constexpr double kDpi = 300;

std::vector<std::string> letter(int n) {
  const std::string ref = "Our reference B2024/" + std::to_string(1000 + 37 * n);
  return {"Department for Correspondence and Records",
          ref + " dated " + std::to_string(3 + n) + " March 2024",
          "Dear Mr Robertson,",
          "Thank you for your letter of last week about the delays",
          "to the bus service between Kettering and Wellingborough.",
          "We have asked the operator for an explanation and for",
          "the timetable changes planned for the coming months.",
          "A copy of their reply will be sent to you as soon as it",
          "arrives, together with any figures they provide about",
          "the number of journeys cancelled since the autumn.",
          "Please quote the reference above in any further letters.",
          "Yours sincerely,",
          "Andrew Pemberton, Correspondence Officer"};
}

// Renders the letter as an 8 bpp image at kDpi.
lept::Pix render_letter(const mu::Context& ctx, const std::vector<std::string>& lines,
                        const letters::TextPageStyle& style) {
  mu::PdfDocument doc(ctx, ctx.call("create", [&] { return pdf_create_document(ctx); }));
  letters::add_text_page(ctx, doc.get(), lines, style);
  fz_page* raw_page = ctx.call("load", [&] { return &pdf_load_page(ctx, doc.get(), 0)->super; });
  mu::Page page(ctx, raw_page);
  const auto s = static_cast<float>(kDpi / 72.0);
  mu::Pixmap pm(ctx, ctx.call("render", [&] {
    return fz_new_pixmap_from_page(ctx, page.get(), fz_scale(s, s), fz_device_gray(ctx), 0);
  }));
  lept::Pix pix(pixCreate(pm->w, pm->h, 8));
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < pm->h; ++y)
    for (int x = 0; x < pm->w; ++x)
      SET_DATA_BYTE(data + static_cast<std::ptrdiff_t>(y) * wpl, x, pm->samples[static_cast<std::ptrdiff_t>(y) * pm->stride + x]);
  return pix;
}

}  // namespace

int main(int argc, char** argv) {
  letters::TextPageStyle style;
  style.font = "Times-Roman";
  style.first_baseline = 740;
  std::string font = style.font;
  int first = 1;
  for (; first + 1 < argc && std::string(argv[first]).rfind("--", 0) == 0; first += 2) {
    const std::string opt = argv[first];
    if (opt == "--font") {
      font = argv[first + 1];
    } else if (opt == "--size" && std::atof(argv[first + 1]) >= 4 && std::atof(argv[first + 1]) <= 40) {
      style.size = static_cast<float>(std::atof(argv[first + 1]));
      style.leading = style.size * 1.4F;
    } else {
      std::fprintf(stderr, "ocr_bench_gen: bad option %s %s\n", argv[first], argv[first + 1]);
      return 2;
    }
  }
  style.font = font.c_str();
  argc -= first - 1;
  argv += first - 1;
  if (argc < 4) {
    std::fprintf(stderr, "usage: ocr_bench_gen [--font NAME] [--size PT] OUT.pdf TRUTH.txt ANGLE...\n");
    return 2;
  }
  try {
    lept::silence_messages();
    mu::Context ctx = mu::Context::create();
    lept::Pixa pages(pixaCreate(argc - 3));
    std::string truth;
    for (int i = 3; i < argc; ++i) {
      const double degrees = std::atof(argv[i]);
      const auto lines = letter(i - 3);
      if (i > 3) truth += '\f';
      for (const auto& l : lines) truth += l + "\n";
      lept::Pix gray = render_letter(ctx, lines, style);
      lept::Pix turned(pixRotate(gray.get(), static_cast<float>(degrees * M_PI / 180.0), L_ROTATE_AREA_MAP,
                                 L_BRING_IN_WHITE, 0, 0));
      lept::Pix noisy(pixAddGaussianNoise(turned.get(), 18.0F));
      lept::Pix bilevel(pixConvertTo1(noisy.get(), 140));
      if (!bilevel) throw Failure(Error::internal("image processing failed"));
      pixSetResolution(bilevel.get(), static_cast<l_int32>(kDpi), static_cast<l_int32>(kDpi));
      pixaAddPix(pages.get(), bilevel.release(), L_INSERT);
    }
    const std::string out = argv[1];
    if (pixaConvertToPdf(pages.get(), static_cast<l_int32>(kDpi), 1.0F, L_G4_ENCODE, 0, "generated scans", out.c_str()) != 0)
      throw Failure(Error::io("cannot write " + out));
    write_file_atomic(argv[2], truth).throw_if_error();
  } catch (const Failure& f) {
    std::fprintf(stderr, "ocr_bench_gen: %s\n", f.error().describe().c_str());
    return 1;
  }
  return 0;
}
