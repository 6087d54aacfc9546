// BlobStore: content-addressed storage of immutable bytes, named by SHA-256.
//
// Guarantees: a blob is visible only once complete and durable (temp file in the store,
// fsync, rename, fsync folder); identical content is stored once; every read verifies the
// hash and reports corruption (ErrorKind::corrupt) instead of serving bad bytes.
// The local implementation keeps blobs under <root>/<aa>/<bb>/<sha256>. Other backends (an
// S3-compatible store) can implement the same interface later without touching callers.
//
// Thread-safety: all methods may be called concurrently from many threads and processes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace redbox::storage {

struct BlobRef {
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
};

// Bytes streaming into the store. Destroying an uncommitted writer removes its temporary file,
// so a failed or abandoned upload leaves nothing behind.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  // too_large once more than the writer's max_bytes have been written; io on disk errors.
  virtual Status write(const void* data, std::size_t size) = 0;
  Status write(std::string_view bytes) { return write(bytes.data(), bytes.size()); }
  virtual std::uint64_t bytes_written() const = 0;
  // Makes the blob durable and visible under its hash (a no-op move if it already exists).
  virtual Result<BlobRef> commit() = 0;
};

// Receives a blob's bytes in order; return false to stop early (the read then succeeds).
using BlobSink = std::function<bool(std::string_view chunk)>;

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Result<std::unique_ptr<BlobWriter>> create_writer(
      std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max()) = 0;
  virtual bool contains(const std::string& sha256) const = 0;
  // not_found if absent.
  virtual Result<std::uint64_t> size_of(const std::string& sha256) const = 0;
  // Streams the blob to sink while hashing; corrupt if the hash does not match at the end.
  // Callers that must not release unverified bytes (HTTP downloads) call verify() first.
  virtual Status read(const std::string& sha256, const BlobSink& sink) const = 0;
  // Re-hashes the stored bytes: ok, not_found, or corrupt.
  virtual Status verify(const std::string& sha256) const = 0;
  // Every stored blob (for fsck). Stops at the first error the visitor returns.
  virtual Status for_each(const std::function<Status(const BlobRef&)>& visit) const = 0;
  // Removes a blob (fsck's orphan repair only; the catalog never deletes originals).
  virtual Status remove(const std::string& sha256) = 0;
  // Leftover temporary files from writers killed mid-write, removed by fsck / startup.
  virtual Result<std::uint64_t> remove_stale_temporaries() = 0;
  // A path the bytes can be opened at directly (MuPDF, Leptonica), when the backend is local;
  // nullopt for remote backends (callers then copy_to_file into a temporary folder).
  virtual std::optional<std::filesystem::path> local_path(const std::string& sha256) const = 0;

  // Group commit: commits every writer (all created by this store) with one durability barrier
  // for the batch instead of one per blob. When it returns, every blob is durable and visible,
  // exactly as after commit(); on error none of the results may be relied on. The default
  // commits one by one.
  virtual Result<std::vector<BlobRef>> commit_all(std::vector<std::unique_ptr<BlobWriter>>& writers);

  // Conveniences built on the methods above.
  Result<BlobRef> put(std::string_view bytes);
  Result<BlobRef> put_file(const std::filesystem::path& path);
  Result<std::string> read_all(const std::string& sha256,
                               std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max()) const;
  // Verified copy, written atomically to destination.
  Status copy_to_file(const std::string& sha256, const std::filesystem::path& destination) const;
};

// The embedded default: files under root (created if missing).
Result<std::unique_ptr<BlobStore>> open_local_blob_store(const std::filesystem::path& root);

}  // namespace redbox::storage
