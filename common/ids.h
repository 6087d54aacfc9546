// Identifiers and secrets. IDs are time-ordered (sortable by creation) with random tails, so
// they index well in SQLite and never reveal counts; tokens are 256 random bits.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redbox {

// 26 characters of Crockford base32: 48-bit millisecond timestamp + 80 random bits (ULID layout).
std::string new_id();
// A prefixed ID, e.g. new_id("doc") -> "doc_01JD...". Prefixes make logs and URLs self-describing.
std::string new_id(std::string_view prefix);
// Cryptographically random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);
// True if text looks like an ID produced by new_id(prefix).
bool is_id(std::string_view text, std::string_view prefix);

}  // namespace redbox
