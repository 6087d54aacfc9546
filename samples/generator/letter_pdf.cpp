#include "samples/generator/letter_pdf.h"

#include <podofo/podofo.h>

#include <algorithm>
#include <cmath>

#include "common/leptonica.h"
#include "common/mupdf.h"

namespace redbox::letters {
namespace {

constexpr double kMargin = 64.0;     // points
constexpr double kFontSize = 10.5;
constexpr double kLeading = 14.5;
constexpr int kMaxDpi = 400;

std::vector<std::string> split_lines(const std::string& page) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= page.size()) {
    std::size_t nl = page.find('\n', pos);
    if (nl == std::string::npos) nl = page.size();
    lines.push_back(page.substr(pos, nl - pos));
    pos = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Adds grey noise (roughly Gaussian, sigma ~ 12 levels) to every pixel and a sprinkling of
// dark specks (dust on the glass), using `unit` (uniform in [-1, 1)) so the result depends only
// on the seed.
template <typename Unit>
void add_noise_and_dust(PIX* pix, Unit& unit) {
  const int w = static_cast<int>(pixGetWidth(pix)), h = static_cast<int>(pixGetHeight(pix));
  l_uint32* data = pixGetData(pix);
  const int wpl = pixGetWpl(pix);
  for (int y = 0; y < h; ++y) {
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      const double n = (unit() + unit() + unit()) * 12.0;  // sum of uniforms: bell-shaped
      const int v = static_cast<int>(GET_DATA_BYTE(line, x)) + static_cast<int>(n);
      SET_DATA_BYTE(line, x, std::clamp(v, 0, 255));
    }
  }
  const int specks = w * h / 40000;
  for (int i = 0; i < specks; ++i) {
    const int cx = static_cast<int>((unit() + 1.0) / 2.0 * (w - 4)) + 1;
    const int cy = static_cast<int>((unit() + 1.0) / 2.0 * (h - 4)) + 1;
    const int size = unit() > 0.6 ? 2 : 1;
    for (int dy = 0; dy < size; ++dy)
      for (int dx = 0; dx < size; ++dx)
        SET_DATA_BYTE(data + static_cast<std::ptrdiff_t>(cy + dy) * wpl, cx + dx, 40);
  }
}

}  // namespace

Result<std::string> letter_pdf(const Letter& letter) {
  try {
    PoDoFo::PdfMemDocument doc;
    PoDoFo::PdfFont* font = doc.CreateFont("Helvetica", false, PoDoFo::PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                           PoDoFo::PdfFontCache::eFontCreationFlags_AutoSelectBase14, false);
    if (font == nullptr) return Error::internal("PoDoFo could not create the Helvetica base-14 font");
    font->SetFontSize(kFontSize);
    for (const auto& page_text : letter.pages) {
      PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfPage::CreateStandardPageSize(PoDoFo::ePdfPageSize_A4));
      PoDoFo::PdfPainter painter;
      painter.SetPage(page);
      painter.SetFont(font);
      double y = page->GetPageSize().GetHeight() - kMargin;
      for (const auto& line : split_lines(page_text)) {
        if (!line.empty()) painter.DrawText(kMargin, y, PoDoFo::PdfString(line.c_str()));
        y -= kLeading;
      }
      painter.FinishPage();
    }
    doc.GetInfo()->SetTitle(PoDoFo::PdfString(("Generated letter " + letter.id).c_str()));
    doc.GetInfo()->SetCreator(PoDoFo::PdfString("redbox-make-letters"));
    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), buffer.GetSize());
  } catch (const PoDoFo::PdfError& e) {
    return Error::internal(std::string("PoDoFo failed to write a letter: ") + PoDoFo::PdfError::ErrorMessage(e.GetError()));
  }
}

Result<Scan> degrade_to_scan(const std::string& pdf_bytes, const ScanOptions& options) {
  const int dpi = options.dpi;
  const bool bilevel = options.bilevel, tiff = options.tiff;
  const std::uint64_t seed = options.seed;
  return guard([&]() -> Scan {
    if (dpi < 72 || dpi > kMaxDpi) fail(Error::invalid_input("scan resolution must be 72-400 dpi"));
    auto ctx = mu::Context::create();
    auto doc = mu::open_document_from_memory(ctx, pdf_bytes, "application/pdf");
    const int pages = mu::page_count(ctx, doc);
    lept::Pixa pixa(pixaCreate(pages));
    if (!pixa) fail(Error::too_large("cannot allocate the page images"));
    Scan scan;
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
    auto next_unit = [&] {  // uniform in [-1, 1)
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      return static_cast<double>(state % 2000001) / 1000000.0 - 1.0;
    };
    for (int i = 0; i < pages; ++i) {
      auto page = mu::load_page(ctx, doc, i);
      const float scale = static_cast<float>(dpi) / 72.0f;
      fz_page* raw_page = page.get();
      mu::Pixmap pix(ctx, ctx.call("render page", [&] {
        return fz_new_pixmap_from_page(ctx, raw_page, fz_scale(scale, scale), fz_device_gray(ctx), 0);
      }));
      const int w = fz_pixmap_width(ctx, pix.get()), h = fz_pixmap_height(ctx, pix.get());
      const int stride = static_cast<int>(fz_pixmap_stride(ctx, pix.get()));
      const unsigned char* samples = fz_pixmap_samples(ctx, pix.get());
      lept::Pix grey(pixCreate(w, h, 8));
      if (!grey) fail(Error::too_large("cannot allocate a page image"));
      l_uint32* data = pixGetData(grey.get());
      const int wpl = pixGetWpl(grey.get());
      for (int y = 0; y < h; ++y) {
        l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
        for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, samples[static_cast<std::ptrdiff_t>(y) * stride + x]);
      }
      // A slight skew (up to 1.5 degrees) and scanner noise.
      const double degrees = next_unit() * 1.5;
      scan.skew_degrees.push_back(degrees);
      const auto angle = static_cast<float>(degrees * M_PI / 180.0);
      lept::Pix rotated(pixRotate(grey.get(), angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, w, h));
      if (!rotated) fail(Error::internal("Leptonica could not rotate a page"));
      // Scanner noise and dust, from our own generator (Leptonica's noise uses rand(), which is
      // neither seeded by us nor thread-safe).
      add_noise_and_dust(rotated.get(), next_unit);
      lept::Pix noisy = bilevel ? lept::Pix(pixThresholdToBinary(rotated.get(), 150)) : std::move(rotated);
      if (!noisy) fail(Error::internal("Leptonica could not binarise a page"));
      pixSetResolution(noisy.get(), dpi, dpi);
      l_uint8* png = nullptr;
      size_t png_size = 0;
      if (pixWriteMemPng(&png, &png_size, noisy.get(), 0.0f) != 0) fail(Error::internal("PNG encoding failed"));
      scan.pngs.emplace_back(reinterpret_cast<const char*>(png), png_size);
      lept_free(png);
      if (tiff) {
        l_uint8* tif = nullptr;
        size_t tif_size = 0;
        if (pixWriteMemTiff(&tif, &tif_size, noisy.get(), bilevel ? IFF_TIFF_G4 : IFF_TIFF_ZIP) != 0) fail(Error::internal("TIFF encoding failed"));
        scan.tiffs.emplace_back(reinterpret_cast<const char*>(tif), tif_size);
        lept_free(tif);
      }
      pixaAddPix(pixa.get(), noisy.release(), L_INSERT);
    }
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixaConvertToPdfData(pixa.get(), dpi, 1.0f, bilevel ? L_G4_ENCODE : L_JPEG_ENCODE, 60, "Scanned letter", &data, &size) != 0)
      fail(Error::internal("Leptonica could not write the image-only PDF"));
    scan.pdf.assign(reinterpret_cast<const char*>(data), size);
    lept_free(data);
    return scan;
  });
}

}  // namespace redbox::letters
