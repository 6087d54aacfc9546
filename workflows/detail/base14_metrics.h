// Advance widths of the Helvetica family (Base-14, not embedded) for every WinAnsi code, so
// the letter PDFs wrap words where a viewer will actually draw them. Internal to workflows/.
//
// The widths are read once per process from MuPDF's built-in Base-14 fonts (URW Nimbus Sans,
// metric-compatible with Adobe's Helvetica AFM: the same advance for every glyph), which is
// also what MuPDF uses to show and extract the PDFs we write.
//
// Thread-safe (the table is built once, then only read).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace redbox::workflows::detail {

enum class Face { regular, bold, italic, bold_italic };
constexpr int kFaceCount = 4;

inline Face face_for(bool bold, bool italic) {
  if (bold) return italic ? Face::bold_italic : Face::bold;
  return italic ? Face::italic : Face::regular;
}

struct FaceMetrics {
  const char* postscript_name;             // "Helvetica-BoldOblique"
  std::array<std::uint16_t, 256> widths;   // advance per WinAnsi code, 1/1000 em; 0 = no glyph
};

// The four faces, indexed by Face. Throws redbox::Failure (internal) if MuPDF cannot load
// its built-in fonts (a broken installation); a later call tries again.
const std::array<FaceMetrics, kFaceCount>& helvetica_family();

inline const FaceMetrics& metrics_of(Face face) { return helvetica_family()[static_cast<int>(face)]; }

// Width in points of WinAnsi text set in face at size points.
double text_width(Face face, std::string_view winansi, double size);

}  // namespace redbox::workflows::detail
