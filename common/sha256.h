// Streaming SHA-256 (OpenSSL's libcrypto, which uses the CPU's SHA extensions where present).
// Not thread-safe per object; use one Sha256 per stream.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace redbox {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  Digest finish();           // the object may not be updated afterwards
  std::string finish_hex();  // lower-case hex

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string to_hex(const Digest& digest);
std::string sha256_hex(std::string_view bytes);
Result<std::string> sha256_file_hex(const std::filesystem::path& path);
bool is_sha256_hex(std::string_view text);

}  // namespace redbox
