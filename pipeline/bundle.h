// Disclosure bundles from files: the released documents of a request become numbered, indexed
// parts that each fit a size and page limit, plus a manifest and optionally one ZIP package.
//
//   pipeline::BundleOptions opts;  opts.output_dir = "out";  opts.reference = "SAR-2026-0042";
//   opts.documents = {{"a.pdf"}, {"scan.png"}};  opts.stamp_pattern = "SAR-2026-0042-{page:06}";
//   auto result = pipeline::BundleJob(opts).run();
//
// The job is store-free: it reads files and writes files. Parts are written one at a time
// (peak memory follows the part size, not the bundle size) into a staging folder inside the
// output folder and moved into place only when everything has succeeded, so a failure never
// leaves a package that looks complete. The same inputs and options give byte-identical output
// (except AES-encrypted ZIPs, whose salts must be random).
//
// Thread-safety: a BundleJob runs on the calling thread with its own MuPDF context; separate
// jobs may run concurrently on different threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace redbox::pipeline {

struct BundleDocument {
  std::filesystem::path path;  // a PDF or a raster image (PNG, JPEG, TIFF, ...)
  std::string title{};         // shown in the index; empty: the PDF's /Title, else the file name
  std::string date{};          // shown in the index (free text, e.g. 2026-03-01); empty: from the file
  // Names the document in error messages and the manifest (e.g. "doc_123 (letter.pdf)" for a
  // stored document whose blob path means nothing to a reader); empty: the file name.
  std::string display_name{};
  // When set, the file's SHA-256 must match (stored blobs: verified in the same pass that
  // hashes the input anyway); a mismatch is corrupt.
  std::string expected_sha256{};
};

struct BundleOptions {
  std::vector<BundleDocument> documents;    // in bundle order
  std::optional<std::filesystem::path> cover;  // cover letter PDF placed before everything
  std::filesystem::path output_dir;
  std::string reference = "bundle";         // names the files: <reference>-part-01-of-05.pdf
  std::string stamp_pattern;                // e.g. "SAR-2026-0042-{page:06}"; empty: no stamp
  bool page_of_total = false;               // "Page N of M" beside the stamp
  bool index = false;                       // document index pages after the cover
  std::uint64_t max_part_bytes = 0;         // 0: no limit
  int max_part_pages = 0;                   // 0: no limit
  // A page that alone exceeds max_part_bytes has its images downsampled to this resolution
  // (as placed on the page); if it still does not fit it is refused (too_large).
  int reencode_dpi = 150;
  bool zip = false;                         // package everything as <reference>.zip
  bool zip_keeps_files = false;             // with zip: also keep the loose parts, index, manifest
  std::optional<std::string> zip_password;  // AES-256 for every ZIP entry (never logged)
  // Written into the manifest and every PDF's metadata. Unset: the newest input file's
  // modification time, so rebuilding from the same files gives the same bytes.
  std::optional<TimePoint> created;
};

struct BundleFile {
  std::string name;           // file name inside output_dir (or the ZIP)
  std::uint64_t bytes = 0;
  std::string sha256;
  int pages = 0;
  std::string first_stamp;    // empty for non-PDF files
  std::string last_stamp;
};

struct BundleDocumentEntry {
  std::string title;
  std::string date;
  std::string source;         // input file name (no folders)
  int pages = 0;
  int first_page = 0;         // 1-based position in the whole bundle
  int last_page = 0;
  std::string first_stamp;
  std::string last_stamp;
  int first_part = 0;         // 1-based
  int last_part = 0;
};

struct BundleResult {
  std::string reference;
  std::string created;                      // ISO-8601 UTC
  int total_pages = 0;
  int cover_pages = 0;
  int index_pages = 0;
  std::vector<BundleFile> parts;            // in order
  std::vector<BundleDocumentEntry> documents;
  std::vector<std::filesystem::path> outputs;  // what now exists in output_dir
  std::optional<std::filesystem::path> zip_path;
  std::vector<std::string> reencoded_pages;  // "page 3 of x.pdf (bundle page 12)": downsampled to fit
};

struct BundleProgress {
  int pages_done = 0;
  int pages_total = 0;
  int parts_written = 0;
};

class BundleJob {
 public:
  explicit BundleJob(BundleOptions options) : options_(std::move(options)) {}
  void on_progress(std::function<void(const BundleProgress&)> callback) { progress_ = std::move(callback); }
  // Errors: invalid_input (bad option, corrupt or non-PDF input), not_found (missing input),
  // unsupported (encrypted input), too_large (a page that cannot fit the part limit), io.
  Result<BundleResult> run();

 private:
  BundleOptions options_;
  std::function<void(const BundleProgress&)> progress_;
};

// Formats a stamp pattern for one page: {page} or {page:06} (zero-padded to 6), {ref}.
// invalid_input if the pattern has no {page} field or an unknown/ill-formed field.
Result<std::string> format_stamp(const std::string& pattern, int page, const std::string& reference);

}  // namespace redbox::pipeline
