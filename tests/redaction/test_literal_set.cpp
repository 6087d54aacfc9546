// The verifier's multi-value search: the compiled set must answer exactly what one plain search
// per value answers, for any bytes (UTF-16 forms hold NULs, UTF-8 holds bytes >= 0x80).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "redaction/detail/literal_set.h"

using redbox::redaction::detail::fold_ascii;
using redbox::redaction::detail::LiteralSet;

namespace {
std::vector<int> plain_search(const std::vector<std::string>& literals, std::string_view hay) {
  std::vector<int> out;
  for (std::size_t i = 0; i < literals.size(); ++i) {
    if (!literals[i].empty() && hay.find(literals[i]) != std::string_view::npos) out.push_back(static_cast<int>(i));
  }
  return out;
}
}  // namespace

TEST_CASE("literal set finds the same literals as one search per literal", "[verify]") {
  std::vector<std::string> literals{"margaret holloway", "AB 12 34 56 C", std::string("\0M\0a\0r", 6),
                                    "caf\xc3\xa9", "a.b*c(d)[e]", "", "\\x41", "holloway"};
  const LiteralSet set(literals);
  const std::string hay = std::string("Dear margaret holloway, caf\xc3\xa9 a.b*c(d)[e] ") + std::string("\0M\0a\0r\0g", 8);
  CHECK(set.find_all(hay) == plain_search(literals, hay));
  CHECK(set.find_all(hay) == std::vector<int>{0, 2, 3, 4, 7});
  CHECK(set.find_all("nothing here").empty());
  CHECK(set.find_all("AB 12 34 56 c").empty());  // case-sensitive: callers fold
  std::string folded = "AB 12 34 56 C \xc3\x89";
  fold_ascii(folded);
  CHECK(folded == "ab 12 34 56 c \xc3\x89");  // bytes >= 0x80 untouched

  // Random bytes against random literals cut from them.
  std::mt19937 rng(20261123);
  std::string text(4096, '\0');
  for (char& c : text) c = static_cast<char>(rng() % 6 == 0 ? 0 : 'a' + rng() % 4);
  std::vector<std::string> cuts;
  for (int i = 0; i < 200; ++i) {
    std::size_t at = rng() % (text.size() - 12);
    std::string cut = text.substr(at, 3 + rng() % 8);
    if (i % 3 == 0) cut[cut.size() / 2] = 'z';  // some never occur
    cuts.push_back(cut);
  }
  const LiteralSet many(cuts);
  CHECK(many.find_all(text) == plain_search(cuts, text));
  CHECK(many.size() == cuts.size());
}
