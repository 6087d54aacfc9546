// One part of a bundle being assembled: pages copied (grafted) from source PDFs or generated,
// each stamped as it arrives, with a running estimate of the part's size so the chunker knows
// when to stop, then written with an outline and fixed metadata (no random /ID, no clock time)
// so the same inputs give the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/mupdf.h"
#include "pipeline/detail/bundle_stamp.h"

namespace redbox::pipeline::detail {

// Where a page of the bundle comes from.
constexpr int kCoverDocument = -1;
constexpr int kIndexDocument = -2;

struct PartPage {
  int global = 0;        // 1-based page number in the whole bundle
  int document = 0;      // index into the documents, or kCoverDocument / kIndexDocument
  int source_page = 0;   // 0-based page in its source (or index page number)
  std::uint64_t estimated_bytes = 0;
};

struct OutlineEntry {
  std::string title;
  int page = 0;  // 0-based page within the part
};

// A file as written: its size on disk and SHA-256 (hashed as it was written).
struct WrittenFile {
  std::uint64_t bytes = 0;
  std::string sha256;
};

struct PartMetadata {
  std::string title;
  std::int64_t created = 0;  // seconds since the epoch
  std::string id_seed;       // hashed into the trailer /ID
};

class PartBuilder {
 public:
  PartBuilder(const mu::Context& ctx, const Helvetica& helvetica);
  PartBuilder(const PartBuilder&) = delete;
  PartBuilder& operator=(const PartBuilder&) = delete;
  ~PartBuilder();

  // Copies page source_page of src to the end of the part and stamps it.
  void add_source_page(pdf_document* src, const PartPage& page, const PageGeometry& geometry, const StampText& stamp);
  // Adds a generated page (e.g. the index): mediabox and content stream drawn with /RbxHelv.
  void add_generated_page(fz_rect mediabox, const std::string& content, const PartPage& page, const StampText& stamp);
  // Downsamples the images of the last page added to dpi (see bundle_reencode.h) and updates
  // its size estimate; returns how many images were replaced.
  int reencode_last_page(int dpi, const std::string& describe);
  // Removes the last n pages (their objects are not written).
  void drop_last(int n);

  const std::vector<PartPage>& pages() const { return pages_; }
  std::uint64_t estimated_bytes() const;

  // Writes the part to path (outline, metadata, compressed streams, unreferenced objects
  // dropped) and returns its size on disk and hash. No pages may be added afterwards.
  WrittenFile write(const std::filesystem::path& path, const std::vector<OutlineEntry>& outline,
                    const PartMetadata& metadata);
  // After write: replaces the content stream of generated pages (page index -> content; pages
  // added with add_generated_page) and writes the part again to out_path, with the outline,
  // metadata and /ID it was written with. Used for part 1's index once the part numbers are
  // known: the part stays in memory, so it is not read back and parsed again.
  WrittenFile rewrite_generated_pages(const std::filesystem::path& out_path,
                                      const std::map<int, std::string>& contents_by_page);

 private:
  pdf_obj* font();
  std::uint64_t bytes_of_objects_from(int first_object) const;

  const mu::Context& ctx_;
  const Helvetica& helvetica_;
  mu::PdfDocument doc_;
  mu::PdfObj font_;
  pdf_document* graft_source_ = nullptr;
  pdf_graft_map* graft_map_ = nullptr;
  std::vector<PartPage> pages_;
  bool written_ = false;
};

// Sets the outline, Info and /ID of doc and writes it to path (shared by parts and the index).
WrittenFile write_pdf(const mu::Context& ctx, pdf_document* doc, const std::filesystem::path& path,
                      const std::vector<OutlineEntry>& outline, const PartMetadata& metadata);

}  // namespace redbox::pipeline::detail
