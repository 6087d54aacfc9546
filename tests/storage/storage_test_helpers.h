// Shared helpers for the storage tests: fresh stores, generated files, sha256sum as the
// independent oracle, and raw SQLite access for tampering.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/files.h"
#include "storage/store.h"
#include "support/test_support.h"

namespace redbox::storage::testing {

inline Store fresh_store(const fs::path& root) { return init_store(root).value(); }

inline std::string random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t v = rng();
    for (std::size_t k = 0; k < 8 && i + k < n; ++k) out[i + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
  }
  return out;
}

inline fs::path write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// sha256sum's view of many files at once: path -> hex.
inline std::map<std::string, std::string> sha256sum(const std::vector<fs::path>& files) {
  std::vector<std::string> args;
  for (const auto& f : files) args.push_back(f.string());
  auto r = test::run_process("sha256sum", args);
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    auto nl = r.out.find('\n', pos);
    std::string line = r.out.substr(pos, nl - pos);
    if (line.size() > 66) out[line.substr(66)] = line.substr(0, 64);
    pos = nl == std::string::npos ? r.out.size() : nl + 1;
  }
  return out;
}

inline fs::path blob_path(const Store& store, const std::string& sha) { return *store.blobs->local_path(sha); }

// Flips one byte of a stored (read-only) blob, as disk rot or tampering would.
inline void flip_byte(const fs::path& path, std::size_t offset) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x40);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

inline std::size_t count_files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

inline std::size_t count_blob_files(const Store& store) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(store.root / "blobs")) {
    if (e.is_regular_file() && e.path().parent_path().filename() != "tmp") ++n;
  }
  return n;
}

inline void make_old(const fs::path& path) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(2));
}

}  // namespace redbox::storage::testing
