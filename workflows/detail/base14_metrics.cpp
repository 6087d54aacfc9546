#include "workflows/detail/base14_metrics.h"

#include <cmath>

#include "common/mupdf.h"
#include "workflows/detail/winansi.h"

namespace redbox::workflows::detail {
namespace {

constexpr std::array<const char*, kFaceCount> kNames = {"Helvetica", "Helvetica-Bold", "Helvetica-Oblique",
                                                         "Helvetica-BoldOblique"};

std::array<FaceMetrics, kFaceCount> load_family() {
  mu::Context ctx = mu::Context::create(4 << 20);
  // The code -> code point map, built outside the MuPDF calls (plain data only inside them).
  std::array<int, 256> unicode{};
  for (int code = 0; code < 256; ++code) unicode[code] = static_cast<int>(winansi_to_unicode(static_cast<unsigned char>(code)));
  std::array<FaceMetrics, kFaceCount> family{};
  for (int f = 0; f < kFaceCount; ++f) {
    const char* name = kNames[f];
    mu::Font font(ctx, ctx.call(std::string("loading the built-in font ") + name,
                                [&] { return fz_new_base14_font(ctx, name); }, ErrorKind::internal));
    std::uint16_t* widths = family[f].widths.data();
    fz_font* raw = font.get();
    ctx.call(std::string("measuring ") + name, [&] {
      for (int code = 0; code < 256; ++code) {
        if (unicode[code] == 0) continue;
        const int glyph = fz_encode_character(ctx, raw, unicode[code]);
        // A missing glyph would be drawn as .notdef; measure it the same way.
        widths[code] = static_cast<std::uint16_t>(std::lround(fz_advance_glyph(ctx, raw, glyph, 0) * 1000.0f));
      }
    }, ErrorKind::internal);
    family[f].postscript_name = name;
  }
  return family;
}

}  // namespace

const std::array<FaceMetrics, kFaceCount>& helvetica_family() {
  static const std::array<FaceMetrics, kFaceCount> family = load_family();
  return family;
}

double text_width(Face face, std::string_view winansi, double size) {
  const auto& widths = metrics_of(face).widths;
  long units = 0;
  for (char c : winansi) units += widths[static_cast<unsigned char>(c)];
  return static_cast<double>(units) * size / 1000.0;
}

}  // namespace redbox::workflows::detail
