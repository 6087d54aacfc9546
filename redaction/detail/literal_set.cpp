#include "redaction/detail/literal_set.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

namespace redbox::redaction::detail {

namespace {
// A few thousand literals of a few dozen bytes compile to far less than this; the limit only
// matters for pathological lists, which then take the plain-search path.
constexpr std::int64_t kSetMemory = 64LL << 20;
}  // namespace

struct LiteralSet::Compiled {
  std::unique_ptr<RE2::Set> set;
  std::vector<int> index;  // set pattern -> literal index (empty literals are not in the set)
};

LiteralSet::LiteralSet(std::vector<std::string> literals) : literals_(std::move(literals)) {
  auto c = std::make_unique<Compiled>();
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  options.set_max_mem(kSetMemory);
  c->set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  for (std::size_t i = 0; i < literals_.size(); ++i) {
    if (literals_[i].empty()) continue;
    if (c->set->Add(RE2::QuoteMeta(literals_[i]), nullptr) < 0) return;  // plain searches
    c->index.push_back(static_cast<int>(i));
  }
  if (c->index.empty() || !c->set->Compile()) return;
  compiled_ = std::move(c);
}

LiteralSet::~LiteralSet() = default;
LiteralSet::LiteralSet(LiteralSet&&) noexcept = default;
LiteralSet& LiteralSet::operator=(LiteralSet&&) noexcept = default;

std::vector<int> LiteralSet::find_all(std::string_view hay) const {
  std::vector<int> out;
  if (compiled_) {
    std::vector<int> hits;
    RE2::Set::ErrorInfo info{};
    const bool any = compiled_->set->Match(re2::StringPiece(hay.data(), hay.size()), &hits, &info);
    if (any || info.kind == RE2::Set::kNoError) {
      for (int h : hits) out.push_back(compiled_->index[static_cast<std::size_t>(h)]);
      std::sort(out.begin(), out.end());
      return out;
    }
    // The DFA ran out of memory on this text: answer the slow way below.
  }
  for (std::size_t i = 0; i < literals_.size(); ++i) {
    if (!literals_[i].empty() && hay.find(literals_[i]) != std::string_view::npos) out.push_back(static_cast<int>(i));
  }
  return out;
}

void fold_ascii(std::string& bytes) {
  for (char& ch : bytes) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
}

}  // namespace redbox::redaction::detail
