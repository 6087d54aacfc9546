// RAII ownership of libzip handles. An Archive opened for writing is discarded (nothing
// written) unless close() succeeds, so a failed package never leaves a file that looks complete.
#pragma once

#include <zip.h>

#include <memory>
#include <string>

#include "common/error.h"

namespace redbox::zip {

struct ArchiveDiscarder {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct SourceDeleter {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

using ArchivePtr = std::unique_ptr<zip_t, ArchiveDiscarder>;
using SourcePtr = std::unique_ptr<zip_source_t, SourceDeleter>;
using FilePtr = std::unique_ptr<zip_file_t, FileCloser>;

// Opens path with libzip flags (ZIP_CREATE | ZIP_TRUNCATE, ZIP_RDONLY | ZIP_CHECKCONS, ...).
ArchivePtr open_archive(const std::string& path, int flags);
// zip_close, which writes the archive; on failure the archive is discarded and Failure thrown.
void close_archive(ArchivePtr archive);
// libzip's error text for the archive's last error.
std::string last_error(zip_t* archive);

}  // namespace redbox::zip
