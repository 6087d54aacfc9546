// Input documents of a bundle: checked and described up front (pages, title, date, hash), then
// opened one at a time as PDFs while their pages are copied. Images become one PDF page per
// image (per subimage for multi-page TIFFs) at the image's own resolution.
#pragma once

#include <filesystem>
#include <string>

#include "common/mupdf.h"
#include "pipeline/bundle.h"

namespace redbox::pipeline::detail {

struct SourceInfo {
  std::filesystem::path path;
  std::string display_name;  // file name only, sanitised: used in messages and the index
  std::string title;
  std::string date;          // YYYY-MM-DD or caller-supplied text
  std::string sha256;
  std::int64_t mtime = 0;    // seconds since the epoch
  std::uint64_t bytes = 0;   // file size
  int pages = 0;
  bool is_image = false;
};

// Checks that doc exists, is a PDF or a raster image, opens without a password and has pages.
// Errors name the file: not_found, invalid_input (corrupt, not a document, no pages),
// unsupported (encrypted), too_large (an image over the pixel limit).
SourceInfo inspect_source(const mu::Context& ctx, const BundleDocument& doc);

// Text for the index and outline: control characters become spaces, runs of spaces collapse,
// at most max_bytes of UTF-8; never empty.
std::string clean_text(std::string_view text, std::size_t max_bytes = 200);

// Opens an inspected source as a PDF (images are converted in memory). PDFs of up to 16 MB are
// read into memory first: MuPDF reads a file object by object with a seek and a small read
// each, which cost more than the parsing on documents with many small objects.
mu::PdfDocument open_source_pdf(const mu::Context& ctx, const SourceInfo& info);

// A source opened for copying its pages (MuPDF's cached page map is not used: see the .cpp).
class OpenSource {
 public:
  OpenSource(const mu::Context& ctx, const SourceInfo& info);
  OpenSource(const OpenSource&) = delete;
  OpenSource& operator=(const OpenSource&) = delete;
  ~OpenSource();
  pdf_document* get() const { return doc_.get(); }

 private:
  const mu::Context& ctx_;
  mu::PdfDocument doc_;
};

// The whole file in one MuPDF buffer, read in one go into a buffer of its size (fz_read_file
// reads 4 KB at a time into a buffer that keeps doubling). io errors name the file.
mu::Buffer read_whole_file(const mu::Context& ctx, const std::filesystem::path& path);

}  // namespace redbox::pipeline::detail
