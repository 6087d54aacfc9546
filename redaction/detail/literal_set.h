// Which of many byte strings occur in a text, in one pass: the verifier looks for every redacted
// value (in several byte forms) in every page's text and every decoded stream, and one search
// per value per page was its cost on documents with many distinct values.
//
// The literals are compiled into one RE2::Set (Latin-1, so any byte sequence is a literal,
// case-sensitive: callers fold case themselves when they need it). Should the set not compile
// or its DFA run out of memory on some text, find_all() falls back to one plain search per
// literal, so the answer never depends on memory.
//
// Thread-safety: immutable after construction; find_all() may run on many threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace redbox::redaction::detail {

class LiteralSet {
 public:
  explicit LiteralSet(std::vector<std::string> literals);
  ~LiteralSet();
  LiteralSet(LiteralSet&&) noexcept;
  LiteralSet& operator=(LiteralSet&&) noexcept;

  // Indexes (into the constructor's list, ascending) of the literals that occur in hay.
  // Empty literals never match.
  std::vector<int> find_all(std::string_view hay) const;

  std::size_t size() const { return literals_.size(); }

 private:
  struct Compiled;
  std::vector<std::string> literals_;
  std::unique_ptr<Compiled> compiled_;  // null: plain searches
};

// ASCII lower-casing in place (the "case-insensitive" of PDF byte scans: bytes >= 0x80 are left
// alone, so UTF-8 and UTF-16 bytes never fold into each other).
void fold_ascii(std::string& bytes);

}  // namespace redbox::redaction::detail
