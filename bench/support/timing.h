// Timing for the benchmark programs: the median of several runs (robust to the odd slow run on
// a shared machine), in milliseconds of wall time.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace redbox::bench {

using BenchClock = std::chrono::steady_clock;

inline double ms_since(BenchClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(BenchClock::now() - t0).count();
}

template <typename Fn>
double median_ms(int runs, Fn&& fn) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = BenchClock::now();
    fn();
    t.push_back(ms_since(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace redbox::bench
