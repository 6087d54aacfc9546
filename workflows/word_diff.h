// A minimal edit script between two sequences of hashed tokens (words of a fragment, fragment
// ids of a draft): Myers' O(ND) algorithm after trimming the common prefix and suffix. When the
// sequences differ in more than max_edits tokens, the remaining middle is reported as one
// removal plus one insertion (correct, not minimal), so a pathological pair cannot take
// quadratic memory.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace redbox::workflows::word_diff {

enum class Op { equal, insert, remove };

// A run of tokens: equal (a[a_pos..] == b[b_pos..]), insert (b[b_pos..] only), remove (a[a_pos..] only).
struct Edit {
  Op op = Op::equal;
  std::size_t a_pos = 0;
  std::size_t b_pos = 0;
  std::size_t length = 0;
};

std::vector<Edit> diff(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, std::size_t max_edits = 2000);

// For every token of b, the index of the equal token in a, or -1 if inserted.
std::vector<std::int64_t> match_b_to_a(const std::vector<Edit>& edits, std::size_t b_size);

}  // namespace redbox::workflows::word_diff
