#include "workflows/date.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace redbox::workflows {

namespace {

bool parse_digits(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return ec == std::errc() && ptr == text.data() + pos + len;
}

}  // namespace

Result<Date> parse_date(std::string_view text, std::string_view what) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !parse_digits(text, 0, 4, y) ||
      !parse_digits(text, 5, 2, m) || !parse_digits(text, 8, 2, d)) {
    return Error::invalid_input(std::string(what) + ": expected a date as YYYY-MM-DD, not '" + std::string(text) + "'");
  }
  Date date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)), std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok() || y < 1900) {
    return Error::invalid_input(std::string(what) + ": '" + std::string(text) + "' is not a calendar date");
  }
  return date;
}

std::string format_date(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

Date add_days(Date d, int days) { return Date{std::chrono::sys_days(d) + std::chrono::days(days)}; }

int days_between(Date a, Date b) {
  return static_cast<int>((std::chrono::sys_days(b) - std::chrono::sys_days(a)).count());
}

bool is_weekend(Date d) {
  std::chrono::weekday wd{std::chrono::sys_days(d)};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

std::string weekday_name(Date d) {
  static constexpr std::array<const char*, 7> kNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                        "Thursday", "Friday", "Saturday"};
  return kNames[std::chrono::weekday{std::chrono::sys_days(d)}.c_encoding()];
}

std::string month_name(Date d) {
  static constexpr std::array<const char*, 12> kNames = {"January", "February", "March",     "April",
                                                         "May",     "June",     "July",      "August",
                                                         "September", "October", "November", "December"};
  return kNames[static_cast<unsigned>(d.month()) - 1];
}

int year_of(Date d) { return static_cast<int>(d.year()); }

}  // namespace redbox::workflows
