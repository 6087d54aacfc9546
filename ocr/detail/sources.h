// Inputs of an OCR job, checked before any page is decoded: the media type is sniffed from
// the bytes, PDFs are opened (encryption, page count) and image headers are read so that
// hostile dimensions are refused before a single pixel is allocated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/leptonica.h"
#include "common/mupdf.h"

namespace redbox::ocr::detail {

enum class SourceKind { pdf, tiff, image };

struct Source {
  std::filesystem::path path;
  std::string name;   // file name, for messages
  SourceKind kind = SourceKind::pdf;
  std::string bytes;  // image inputs only (PDFs are reopened from path by each worker)
  int pages = 0;
  // TIFF only: the directory (IFD) index of each page that decodes. A directory neither
  // Leptonica nor MuPDF can decode (e.g. old-style JPEG) is left out with a warning.
  std::vector<int> tiff_directories;
  std::vector<std::string> warnings;  // named after the file; no document content
};

struct SourceLimits {
  std::uint64_t max_image_pixels = 0;
  std::optional<std::string> password;
};

// Throws Failure naming the file: not_found, invalid_input (empty, not a page format,
// unreadable), unsupported (encrypted), too_large (image over the pixel limit).
Source open_source(const mu::Context& ctx, const std::filesystem::path& path, const SourceLimits& limits);

// Decodes page (0-based) of an image source with Leptonica, after checking its header.
lept::Pix decode_image_page(const Source& source, int page, std::uint64_t max_image_pixels);

// Resolution of an image page: the file's own if plausible, else 300 dpi. Horizontal and
// vertical resolution may differ (fax modes); an implausible one takes the other's value.
struct Resolution {
  double x = 300;
  double y = 300;
};
Resolution image_resolution(const PIX* pix);

}  // namespace redbox::ocr::detail
