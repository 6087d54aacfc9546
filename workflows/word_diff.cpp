#include "workflows/word_diff.h"

#include <algorithm>

namespace redbox::workflows::word_diff {

namespace {

void push(std::vector<Edit>& out, Op op, std::size_t a, std::size_t b, std::size_t n) {
  if (n == 0) return;
  if (!out.empty() && out.back().op == op && out.back().a_pos + (op == Op::insert ? 0 : out.back().length) == a &&
      out.back().b_pos + (op == Op::remove ? 0 : out.back().length) == b) {
    out.back().length += n;
    return;
  }
  out.push_back({op, a, b, n});
}

// Myers on a[a0..a1) x b[b0..b1); appends the script to out. False if more than max_d edits.
bool myers(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, std::size_t a0, std::size_t a1, std::size_t b0,
           std::size_t b1, std::size_t max_d, std::vector<Edit>& out) {
  const auto n = static_cast<std::ptrdiff_t>(a1 - a0);
  const auto m = static_cast<std::ptrdiff_t>(b1 - b0);
  const std::ptrdiff_t limit = std::min<std::ptrdiff_t>(n + m, static_cast<std::ptrdiff_t>(max_d));
  const std::ptrdiff_t offset = limit + 1;
  std::vector<std::int32_t> v(static_cast<std::size_t>(2 * limit + 3), 0);
  std::vector<std::vector<std::int32_t>> trace;
  std::ptrdiff_t found_d = -1;
  for (std::ptrdiff_t d = 0; d <= limit; ++d) {
    trace.emplace_back(v.begin() + (offset - d - 1), v.begin() + (offset + d + 2));
    for (std::ptrdiff_t k = -d; k <= d; k += 2) {
      std::ptrdiff_t x;
      if (k == -d || (k != d && v[static_cast<std::size_t>(offset + k - 1)] < v[static_cast<std::size_t>(offset + k + 1)])) {
        x = v[static_cast<std::size_t>(offset + k + 1)];
      } else {
        x = v[static_cast<std::size_t>(offset + k - 1)] + 1;
      }
      std::ptrdiff_t y = x - k;
      while (x < n && y < m && a[a0 + static_cast<std::size_t>(x)] == b[b0 + static_cast<std::size_t>(y)]) ++x, ++y;
      v[static_cast<std::size_t>(offset + k)] = static_cast<std::int32_t>(x);
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    if (found_d >= 0) break;
  }
  if (found_d < 0) return false;
  // Walk back through the saved V arrays (trace[d] holds V before step d, indices k in [-d-1, d+1]).
  std::vector<Edit> rev;
  std::ptrdiff_t x = n, y = m;
  for (std::ptrdiff_t d = found_d; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    auto at = [&](std::ptrdiff_t k) { return static_cast<std::ptrdiff_t>(pv[static_cast<std::size_t>(k + d + 1)]); };
    std::ptrdiff_t k = x - y;
    std::ptrdiff_t prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
    std::ptrdiff_t prev_x = at(prev_k);
    std::ptrdiff_t prev_y = prev_x - prev_k;
    std::ptrdiff_t mid_x = prev_k == k + 1 ? prev_x : prev_x + 1;  // after the one edit
    std::ptrdiff_t mid_y = mid_x - k;
    if (x > mid_x) rev.push_back({Op::equal, a0 + static_cast<std::size_t>(mid_x), b0 + static_cast<std::size_t>(mid_y), static_cast<std::size_t>(x - mid_x)});
    if (prev_k == k + 1) {
      rev.push_back({Op::insert, a0 + static_cast<std::size_t>(prev_x), b0 + static_cast<std::size_t>(prev_y), 1});
    } else {
      rev.push_back({Op::remove, a0 + static_cast<std::size_t>(prev_x), b0 + static_cast<std::size_t>(prev_y), 1});
    }
    x = prev_x;
    y = prev_y;
  }
  if (x > 0) rev.push_back({Op::equal, a0, b0, static_cast<std::size_t>(x)});
  for (auto it = rev.rbegin(); it != rev.rend(); ++it) push(out, it->op, it->a_pos, it->b_pos, it->length);
  return true;
}

}  // namespace

std::vector<Edit> diff(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, std::size_t max_edits) {
  std::vector<Edit> out;
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) ++suffix;
  push(out, Op::equal, 0, 0, prefix);
  std::size_t a1 = a.size() - suffix, b1 = b.size() - suffix;
  if (prefix < a1 || prefix < b1) {
    if (prefix == a1) {
      push(out, Op::insert, prefix, prefix, b1 - prefix);
    } else if (prefix == b1) {
      push(out, Op::remove, prefix, prefix, a1 - prefix);
    } else if (!myers(a, b, prefix, a1, prefix, b1, max_edits, out)) {
      push(out, Op::remove, prefix, prefix, a1 - prefix);
      push(out, Op::insert, a1, prefix, b1 - prefix);
    }
  }
  push(out, Op::equal, a1, b1, suffix);
  return out;
}

std::vector<std::int64_t> match_b_to_a(const std::vector<Edit>& edits, std::size_t b_size) {
  std::vector<std::int64_t> out(b_size, -1);
  for (const auto& e : edits) {
    if (e.op != Op::equal) continue;
    for (std::size_t i = 0; i < e.length; ++i) out[e.b_pos + i] = static_cast<std::int64_t>(e.a_pos + i);
  }
  return out;
}

}  // namespace redbox::workflows::word_diff
