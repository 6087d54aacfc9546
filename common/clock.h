// Time behind an interface so that deadline, expiry and audit tests are deterministic:
// production code takes a Clock&, tests pass a ManualClock. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace redbox {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ms_(to_ms(start)) {}
  TimePoint now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }
  void set(TimePoint t) { ms_ = to_ms(t); }

 private:
  static std::int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }
  std::atomic<std::int64_t> ms_;
};

// "2026-11-23T09:15:02.123Z"
std::string format_utc(TimePoint t);
// Parses the format above (fraction optional); returns false on malformed input.
bool parse_utc(const std::string& text, TimePoint& out);

}  // namespace redbox
