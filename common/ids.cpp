#include "common/ids.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>

#include "common/error.h"

namespace redbox {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void fill_random(void* out, std::size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    ssize_t n = getrandom(p, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(Error::internal("getrandom failed"));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string new_id() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  std::array<unsigned char, 10> rnd{};
  fill_random(rnd.data(), rnd.size());

  std::string out(26, '0');
  for (int i = 9; i >= 0; --i) {  // 10 chars x 5 bits = 50 bits of timestamp
    out[static_cast<std::size_t>(i)] = kCrockford[ms & 31U];
    ms >>= 5;
  }
  // 80 random bits -> 16 characters.
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  for (int i = 0; i < 5; ++i) hi = (hi << 8) | rnd[static_cast<std::size_t>(i)];
  for (int i = 5; i < 10; ++i) lo = (lo << 8) | rnd[static_cast<std::size_t>(i)];
  for (int i = 17; i >= 10; --i) {
    out[static_cast<std::size_t>(i)] = kCrockford[hi & 31U];
    hi >>= 5;
  }
  for (int i = 25; i >= 18; --i) {
    out[static_cast<std::size_t>(i)] = kCrockford[lo & 31U];
    lo >>= 5;
  }
  return out;
}

std::string new_id(std::string_view prefix) {
  std::string out(prefix);
  out += '_';
  out += new_id();
  return out;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string raw(bytes, '\0');
  fill_random(raw.data(), raw.size());
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

bool is_id(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 1 + 26) return false;
  if (text.substr(0, prefix.size()) != prefix || text[prefix.size()] != '_') return false;
  for (char c : text.substr(prefix.size() + 1)) {
    bool ok = false;
    for (char k : std::string_view(kCrockford)) ok = ok || (c == k);
    if (!ok) return false;
  }
  return true;
}

}  // namespace redbox
