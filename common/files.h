// File-system helpers that keep data safe: every output is written to a temporary file in the
// destination folder, fsynced, renamed into place and the folder fsynced, so a reader sees
// either the old state or the complete new file, never a half-written one, even after SIGKILL
// or power loss. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace redbox {

namespace fs = std::filesystem;

// A file being written under a temporary name beside its destination. commit() makes it
// durable and visible under the final name; destroying it uncommitted removes the temporary.
class AtomicFile {
 public:
  static Result<AtomicFile> create(const fs::path& destination);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  Status write(const void* data, std::size_t size);
  Status write(std::string_view bytes) { return write(bytes.data(), bytes.size()); }
  // fsync, rename over the destination, fsync the folder.
  Status commit();
  // Like commit(), but fails with conflict if the destination already exists (link + unlink).
  Status commit_no_replace();
  void discard();

  const fs::path& temp_path() const { return temp_path_; }
  const fs::path& destination() const { return destination_; }
  std::uint64_t bytes_written() const { return bytes_written_; }
  int fd() const { return fd_; }

 private:
  AtomicFile(fs::path destination, fs::path temp_path, int fd);
  Status flush_and_close();

  fs::path destination_;
  fs::path temp_path_;
  int fd_ = -1;
  std::uint64_t bytes_written_ = 0;
};

// Writes bytes to path atomically (see AtomicFile).
Status write_file_atomic(const fs::path& path, std::string_view bytes);
// Reads a whole file; refuses files larger than max_bytes with too_large.
Result<std::string> read_file(const fs::path& path, std::uint64_t max_bytes = 1ULL << 31);
// fsync a folder so that a rename or create inside it is durable.
Status fsync_directory(const fs::path& dir);
// Creates dir and parents; io error naming the path on failure.
Status ensure_directory(const fs::path& dir);

// A user-supplied file name made safe to show and to store as metadata: the last path
// component only, no control characters, no leading dots, at most 200 bytes of UTF-8, never
// empty. It is never used as a path by Redbox; blobs are named by their hash.
std::string sanitize_file_name(std::string_view name);

// A temporary folder removed (recursively) on destruction. For jobs and tests.
class TempDir {
 public:
  static Result<TempDir> create(std::string_view prefix = "redbox-");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const fs::path& path() const { return path_; }

 private:
  explicit TempDir(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

}  // namespace redbox
