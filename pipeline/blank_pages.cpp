#include "pipeline/blank_pages.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/leptonica.h"
#include "common/mupdf.h"

namespace redbox::pipeline {
namespace {

Result<double> number_in(const nlohmann::json& obj, const char* key, double low, double high, double fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number() || it->get<double>() < low || it->get<double>() > high) {
    return Error::invalid_input(std::string("config.json: \"intake.split.") + key + "\" must be a number from " +
                                std::to_string(low) + " to " + std::to_string(high));
  }
  return it->get<double>();
}

// A MuPDF grey pixmap (1 component, no alpha) as an 8 bpp Leptonica image.
lept::Pix to_pix(fz_pixmap* pixmap) {
  const int w = pixmap->w;
  const int h = pixmap->h;
  lept::Pix pix(pixCreate(w, h, 8));
  if (!pix) fail(Error::too_large("cannot allocate a " + std::to_string(w) + "x" + std::to_string(h) + " image"));
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < h; ++y) {
    const unsigned char* src = pixmap->samples + static_cast<std::ptrdiff_t>(y) * pixmap->stride;
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, src[x]);
  }
  return pix;
}

}  // namespace

Result<BlankPageOptions> blank_page_options_from(const nlohmann::json& store_config) {
  BlankPageOptions o;
  if (!store_config.is_object()) return o;
  auto intake = store_config.find("intake");
  if (intake == store_config.end() || !intake->is_object()) return o;
  auto split = intake->find("split");
  if (split == intake->end() || split->is_null()) return o;
  if (!split->is_object()) return Error::invalid_input("config.json: \"intake.split\" must be an object");
  auto max_ink = number_in(*split, "max_ink", 0.0, 0.5, o.max_ink);
  if (!max_ink) return max_ink.error();
  auto margin = number_in(*split, "margin", 0.0, 0.4, o.margin);
  if (!margin) return margin.error();
  auto speck = number_in(*split, "max_speck_pixels", 0, 20, o.max_speck_pixels);
  if (!speck) return speck.error();
  o.max_ink = *max_ink;
  o.margin = *margin;
  o.max_speck_pixels = static_cast<int>(*speck);
  return o;
}

double ink_coverage(PIX* page, const BlankPageOptions& options) {
  if (page == nullptr || pixGetWidth(page) == 0 || pixGetHeight(page) == 0) return 0;
  // Dark = ink, at the midpoint: a grey show-through or a light background stays white.
  lept::Pix binary(pixConvertTo1(page, 128));
  if (!binary) fail(Error::internal("cannot threshold a page image for blank detection"));
  const int w = pixGetWidth(binary.get());
  const int h = pixGetHeight(binary.get());
  const int mx = static_cast<int>(std::lround(w * options.margin));
  const int my = static_cast<int>(std::lround(h * options.margin));
  if (w - 2 * mx <= 0 || h - 2 * my <= 0) return 0;
  lept::Box inner(boxCreate(mx, my, w - 2 * mx, h - 2 * my));
  lept::Pix clipped(pixClipRectangle(binary.get(), inner.get(), nullptr));
  if (!clipped) fail(Error::internal("cannot crop a page image for blank detection"));
  lept::Pix kept;
  if (options.max_speck_pixels > 0) {
    // Keep connected ink wider or taller than a speck; dust and noise go.
    kept.reset(pixSelectBySize(clipped.get(), options.max_speck_pixels, options.max_speck_pixels, 8,
                               L_SELECT_IF_EITHER, L_SELECT_IF_GT, nullptr));
    if (!kept) fail(Error::internal("cannot remove specks from a page image"));
  } else {
    kept = std::move(clipped);
  }
  l_int32 count = 0;
  pixCountPixels(kept.get(), &count, nullptr);
  const double area = static_cast<double>(pixGetWidth(kept.get())) * pixGetHeight(kept.get());
  return area > 0 ? count / area : 0;
}

Result<std::vector<PageInk>> measure_ink(const std::filesystem::path& file, const BlankPageOptions& options,
                                         const std::optional<std::string>& password) {
  return guard([&] {
    lept::silence_messages();
    mu::Context ctx = mu::Context::create(32 << 20);
    mu::Document doc = mu::open_document(ctx, file, password);
    const int pages = mu::page_count(ctx, doc);
    std::vector<PageInk> out;
    out.reserve(static_cast<std::size_t>(std::max(pages, 0)));
    for (int i = 0; i < pages; ++i) {
      const std::string what = file.filename().string() + " page " + std::to_string(i + 1);
      mu::Page page = mu::load_page(ctx, doc, i);
      fz_rect bounds = ctx.call(what, [&] { return fz_bound_page(ctx, page.get()); });
      const double pw = bounds.x1 - bounds.x0;
      const double ph = bounds.y1 - bounds.y0;
      if (!(pw > 0) || !(ph > 0)) fail(Error::invalid_input(what + " has no area"));
      double scale = options.render_dpi / 72.0;
      const double pixels = pw * ph * scale * scale;
      if (pixels > static_cast<double>(options.max_render_pixels)) {
        scale *= std::sqrt(static_cast<double>(options.max_render_pixels) / pixels);
      }
      fz_matrix m = fz_scale(static_cast<float>(scale), static_cast<float>(scale));
      fz_pixmap* raw = ctx.call("rendering " + what, [&] {
        return fz_new_pixmap_from_page(ctx, page.get(), m, fz_device_gray(ctx), 0);
      });
      mu::Pixmap pixmap(ctx, raw);
      lept::Pix pix = to_pix(pixmap.get());
      PageInk ink;
      ink.ink = ink_coverage(pix.get(), options);
      ink.blank = ink.ink < options.max_ink;
      out.push_back(ink);
    }
    return out;
  });
}

std::vector<std::vector<int>> group_letters(const std::vector<PageInk>& pages) {
  std::vector<std::vector<int>> letters;
  std::vector<int> current;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (pages[i].blank) {
      if (!current.empty()) letters.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(static_cast<int>(i));
    }
  }
  if (!current.empty()) letters.push_back(std::move(current));
  return letters;
}

}  // namespace redbox::pipeline
