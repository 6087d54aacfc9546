#include "samples/generator/letter_pdf.h"

#include <podofo/podofo.h>

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

Result<Scan> degrade_to_scan(const std::string& pdf_bytes, int dpi, std::uint64_t seed) {
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
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) pixSetPixel(grey.get(), x, y, samples[y * stride + x]);
      // A slight skew (up to 1.5 degrees) and scanner noise.
      const auto angle = static_cast<float>(next_unit() * 1.5 * M_PI / 180.0);
      lept::Pix rotated(pixRotate(grey.get(), angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, w, h));
      if (!rotated) fail(Error::internal("Leptonica could not rotate a page"));
      lept::Pix noisy(pixAddGaussianNoise(rotated.get(), 14.0f));
      if (!noisy) fail(Error::internal("Leptonica could not add noise"));
      pixSetResolution(noisy.get(), dpi, dpi);
      l_uint8* png = nullptr;
      size_t png_size = 0;
      if (pixWriteMemPng(&png, &png_size, noisy.get(), 0.0f) != 0) fail(Error::internal("PNG encoding failed"));
      scan.pngs.emplace_back(reinterpret_cast<const char*>(png), png_size);
      lept_free(png);
      pixaAddPix(pixa.get(), noisy.release(), L_INSERT);
    }
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixaConvertToPdfData(pixa.get(), dpi, 1.0f, L_JPEG_ENCODE, 60, "Scanned letter", &data, &size) != 0)
      fail(Error::internal("Leptonica could not write the image-only PDF"));
    scan.pdf.assign(reinterpret_cast<const char*>(data), size);
    lept_free(data);
    return scan;
  });
}

}  // namespace redbox::letters
