#include "workflows/working_days.h"

#include <cstdlib>

namespace redbox::workflows {

namespace {
// A run of non-working days longer than this means a broken calendar (every day a holiday);
// stop rather than loop for ever.
constexpr int kMaxNonWorkingRun = 366;
// About forty years of working days: more is a typing error, not a deadline.
constexpr int kMaxWorkingDaySpan = 10000;
}  // namespace

bool WorkingDays::is_working_day(Date d) const {
  return !is_weekend(d) && !calendar_->is_bank_holiday(d, divisions_);
}

std::string WorkingDays::why_not_working(Date d) const {
  if (is_weekend(d)) return "a " + weekday_name(d);
  for (Division div : divisions_.members()) {
    if (auto h = calendar_->holiday_on(d, div)) {
      std::string why = "a bank holiday in " + std::string(to_string(div)) + " (" + h->title;
      if (!h->notes.empty()) why += ", " + h->notes;
      return why + ")";
    }
  }
  return {};
}

Date WorkingDays::next_working_day(Date d) const {
  for (int i = 1; i <= kMaxNonWorkingRun; ++i) {
    Date c = add_days(d, i);
    if (is_working_day(c)) return c;
  }
  fail(Error::invalid_input("no working day within a year after " + format_date(d) + " in " + divisions_.describe()));
}

Date WorkingDays::previous_working_day(Date d) const {
  for (int i = 1; i <= kMaxNonWorkingRun; ++i) {
    Date c = add_days(d, -i);
    if (is_working_day(c)) return c;
  }
  fail(Error::invalid_input("no working day within a year before " + format_date(d) + " in " + divisions_.describe()));
}

Date WorkingDays::on_or_after(Date d) const { return is_working_day(d) ? d : next_working_day(d); }

Date WorkingDays::add_working_days(Date d, int n) const {
  if (std::abs(n) > kMaxWorkingDaySpan) {
    fail(Error::invalid_input("cannot count " + std::to_string(n) + " working days (the limit is " +
                              std::to_string(kMaxWorkingDaySpan) + ")"));
  }
  for (int i = 0; i < n; ++i) d = next_working_day(d);
  for (int i = 0; i > n; --i) d = previous_working_day(d);
  return d;
}

int WorkingDays::working_days_between(Date from, Date to) const {
  int sign = 1;
  if (days_between(from, to) < 0) {
    std::swap(from, to);
    sign = -1;
  }
  if (days_between(from, to) > 20 * 366) {
    fail(Error::invalid_input("cannot count working days across more than 20 years"));
  }
  int count = 0;
  for (Date d = add_days(from, 1); days_between(d, to) >= 0; d = add_days(d, 1)) {
    if (is_working_day(d)) ++count;
  }
  return sign * count;
}

}  // namespace redbox::workflows
