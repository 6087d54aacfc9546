#include "ocr/detail/sources.h"

#include <fstream>

#include "common/files.h"
#include "common/media_type.h"

namespace redbox::ocr::detail {
namespace {

// An image file larger than this is refused (a scanned page is a few MB; a PDF is not read
// into memory at all).
constexpr std::uint64_t kMaxImageFileBytes = 256ULL << 20;
constexpr std::size_t kSniffBytes = 8192;

void check_dimensions(const std::string& what, long long w, long long h, std::uint64_t limit) {
  if (w <= 0 || h <= 0) fail(Error::invalid_input(what + " has invalid dimensions " + std::to_string(w) + "x" + std::to_string(h)));
  auto pixels = static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h);
  if (pixels > limit)
    fail(Error::too_large(what + " is " + std::to_string(w) + "x" + std::to_string(h) + " pixels (" +
                          std::to_string(pixels / 1'000'000) + " Mpixel), over the limit of " +
                          std::to_string(limit / 1'000'000) + " Mpixel"));
}

const l_uint8* data_of(const std::string& bytes) { return reinterpret_cast<const l_uint8*>(bytes.data()); }

void check_tiff_page(const Source& s, int page, std::uint64_t limit) {
  l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
  if (readHeaderMemTiff(data_of(s.bytes), s.bytes.size(), page, &w, &h, &bps, &spp, &res, &cmap, &format) != 0)
    fail(Error::invalid_input(s.name + ": cannot read the header of TIFF page " + std::to_string(page + 1)));
  check_dimensions(s.name + " page " + std::to_string(page + 1), w, h, limit);
}

void check_image_header(const Source& s, std::uint64_t limit) {
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (pixReadHeaderMem(data_of(s.bytes), s.bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0)
    fail(Error::invalid_input(s.name + ": cannot read the image header (damaged or not an image)"));
  check_dimensions(s.name, w, h, limit);
}

// The first bytes of a file, enough to sniff its type.
std::string read_head(const std::filesystem::path& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(Error::io(name + ": cannot be read"));
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

}  // namespace

Source open_source(const mu::Context& ctx, const std::filesystem::path& path, const SourceLimits& limits) {
  Source s;
  s.path = path;
  s.name = path.filename().string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) fail(Error::not_found(path.string() + ": no such file"));
  if (std::filesystem::is_directory(status)) fail(Error::invalid_input(s.name + " is a folder, not a file"));
  // PDFs are read by MuPDF from the file; only image files are held in memory.
  const std::string head = read_head(path, s.name);
  if (head.empty()) fail(Error::invalid_input(s.name + " is empty"));
  std::string type = sniff_media_type(head);
  if (type == "application/pdf") {
    s.kind = SourceKind::pdf;
    mu::Document doc = mu::open_document(ctx, path, limits.password);
    s.pages = mu::page_count(ctx, doc);
    if (s.pages <= 0) fail(Error::invalid_input(s.name + " has no pages"));
    return s;
  }
  if (type != "image/tiff" && type != "image/png" && type != "image/jpeg")
    fail(Error::invalid_input(s.name + " is not a PDF, TIFF, PNG or JPEG file (detected " + type + ")"));
  auto bytes = read_file(path, kMaxImageFileBytes);
  if (!bytes) fail(bytes.error().within(s.name));
  s.bytes = std::move(*bytes);
  if (type == "image/tiff") {
    s.kind = SourceKind::tiff;
    const auto* data = reinterpret_cast<const unsigned char*>(s.bytes.data());
    std::size_t size = s.bytes.size();
    const int directories =
        ctx.call(s.name + ": not a readable TIFF", [&] { return fz_load_tiff_subimage_count(ctx, data, size); });
    if (directories <= 0) fail(Error::invalid_input(s.name + ": the TIFF has no pages"));
    // Every page is checked (size first, then a trial decode) before any recognition, so a
    // damaged page is known before work starts. Decoding a TIFF page takes milliseconds.
    for (int i = 0; i < directories; ++i) {
      check_tiff_page(s, i, limits.max_image_pixels);
      lept::Pix trial(pixReadMemTiff(data_of(s.bytes), s.bytes.size(), i));
      if (trial) {
        s.tiff_directories.push_back(i);
      } else {
        s.warnings.push_back(s.name + ": page " + std::to_string(i + 1) + " of " + std::to_string(directories) +
                             " left out: its image data cannot be decoded (unsupported compression or damaged)");
      }
    }
    if (s.tiff_directories.empty()) fail(Error::invalid_input(s.name + ": no page of the TIFF can be decoded"));
    s.pages = static_cast<int>(s.tiff_directories.size());
    return s;
  }
  if (type == "image/png" || type == "image/jpeg") {
    s.kind = SourceKind::image;
    s.pages = 1;
    check_image_header(s, limits.max_image_pixels);
    return s;
  }
  fail(Error::invalid_input(s.name + " is not a PDF, TIFF, PNG or JPEG file (detected " + type + ")"));
}

lept::Pix decode_image_page(const Source& s, int page, std::uint64_t max_image_pixels) {
  lept::Pix pix;
  if (s.kind == SourceKind::tiff) {
    const int directory = s.tiff_directories.at(static_cast<std::size_t>(page));
    check_tiff_page(s, directory, max_image_pixels);
    pix.reset(pixReadMemTiff(data_of(s.bytes), s.bytes.size(), directory));
  } else {
    check_image_header(s, max_image_pixels);
    pix.reset(pixReadMem(data_of(s.bytes), s.bytes.size()));
  }
  if (!pix) fail(Error::invalid_input(s.name + ": page " + std::to_string(page + 1) + " cannot be decoded (damaged image data)"));
  check_dimensions(s.name, pixGetWidth(pix.get()), pixGetHeight(pix.get()), max_image_pixels);
  return pix;
}

Resolution image_resolution(const PIX* pix) {
  // Below 50 dpi the "resolution" is a default (72, 1) or junk, not a scanner setting.
  auto plausible = [](l_int32 r) { return r >= 50 && r <= 2400; };
  const l_int32 x = pixGetXRes(const_cast<PIX*>(pix)), y = pixGetYRes(const_cast<PIX*>(pix));
  if (plausible(x) && plausible(y)) return {static_cast<double>(x), static_cast<double>(y)};
  if (plausible(x)) return {static_cast<double>(x), static_cast<double>(x)};
  if (plausible(y)) return {static_cast<double>(y), static_cast<double>(y)};
  return {};
}

}  // namespace redbox::ocr::detail
