// Working-day arithmetic: a working day is a weekday that is not a bank holiday in any of the
// chosen divisions. FOI counts every UK division (DivisionSet::uk()); Scotland's FOI law
// (FOISA s73) counts Scottish bank holidays only; a unit's own deadlines usually use its
// division.
//
// Counting convention (the one statutes use): the day of the event is day 0 and the next
// working day is day 1, so add_working_days(received, 20) is an FOI deadline.
//
// A WorkingDays keeps a reference to its HolidayCalendar, which must outlive it. Const
// methods are thread-safe.
#pragma once

#include "workflows/calendar.h"
#include "workflows/date.h"

namespace redbox::workflows {

class WorkingDays {
 public:
  WorkingDays(const HolidayCalendar& calendar, DivisionSet divisions) : calendar_(&calendar), divisions_(divisions) {}

  bool is_working_day(Date d) const;
  // The first working day strictly after d.
  Date next_working_day(Date d) const;
  // d itself if it is a working day, else the next one.
  Date on_or_after(Date d) const;
  // The last working day strictly before d.
  Date previous_working_day(Date d) const;
  // n > 0: the n-th working day after d (at most 10000, else invalid_input). n < 0: the |n|-th working day before d (internal
  // milestones: "draft due 4 working days before the deadline"). n == 0: d.
  Date add_working_days(Date d, int n) const;
  // Working days in (from, to]: how many add_working_days steps lead from `from` to `to`
  // when `to` is a working day. Negative if to < from.
  int working_days_between(Date from, Date to) const;

  // Why d is not a working day ("Saturday", "bank holiday in scotland: St Andrew's Day"), or
  // empty if it is one. For explanations.
  std::string why_not_working(Date d) const;

  const HolidayCalendar& calendar() const { return *calendar_; }
  DivisionSet divisions() const { return divisions_; }

 private:
  const HolidayCalendar* calendar_;
  DivisionSet divisions_;
};

}  // namespace redbox::workflows
