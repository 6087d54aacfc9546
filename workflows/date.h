// Civil dates (no time of day, no time zone) for deadline arithmetic. A Date is a
// std::chrono::year_month_day; these helpers parse and print the ISO form ("2026-01-31") and
// name weekdays and months for explanations. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/error.h"

namespace redbox::workflows {

using Date = std::chrono::year_month_day;

// Strict "YYYY-MM-DD" with a real calendar date (2026-02-29 is rejected), years 1900-9999.
// `what` names the field in the error message ("--received", "events[3].date").
Result<Date> parse_date(std::string_view text, std::string_view what = "date");
std::string format_date(Date d);

Date add_days(Date d, int days);
// Days from a to b (b - a); negative when b is earlier.
int days_between(Date a, Date b);
bool is_weekend(Date d);
std::string weekday_name(Date d);   // "Monday"
std::string month_name(Date d);     // "February"
int year_of(Date d);

}  // namespace redbox::workflows
