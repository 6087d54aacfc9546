#include <cstdio>
#include <memory>

#include "common/leptonica.h"
#include "common/mupdf.h"
#include "storage/store.h"

namespace redbox::storage {
namespace {

std::optional<int> pdf_pages(const std::filesystem::path& path) {
  try {
    // A fresh context per call: page counting is rare next to the I/O it follows, and an
    // independent context keeps this safe on any thread.
    auto ctx = mu::Context::create(16 << 20);
    auto doc = mu::open_document(ctx, path);
    int n = mu::page_count(ctx, doc);
    if (n < 0) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;  // encrypted, damaged or hostile: intake reports it, the add still succeeds
  }
}

std::optional<int> tiff_pages(const std::filesystem::path& path) {
  struct Closer {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return std::nullopt;
  l_int32 n = 0;
  if (tiffGetCount(file.get(), &n) != 0 || n <= 0) return std::nullopt;
  return n;
}

}  // namespace

std::optional<int> count_pages(const std::filesystem::path& path, std::string_view media_type) {
  if (media_type == "application/pdf") return pdf_pages(path);
  if (media_type == "image/tiff") return tiff_pages(path);
  if (media_type.rfind("image/", 0) == 0) return 1;
  return std::nullopt;
}

}  // namespace redbox::storage
