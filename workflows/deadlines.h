// Deadline rules: how a case's statutory or unit deadline follows from the day it was received,
// with an explanation of every step, so each case can show how its deadline was computed and
// recomputing with a newer calendar (a newly announced bank holiday) moves it.
//
// Rule kinds (the "deadline" object of a case type, see case_type.h):
//   calendar_months  SAR: one calendar month from receipt, to the corresponding day of the
//                    month or that month's last day when it has none (received 31 January ->
//                    28/29 February), moved to the next working day when it is not one (ICO).
//                    Extension: "extension": {"months": 2} gives three months from receipt.
//   working_days     FOI (FOIA s10): 20 working days, the day after receipt being day 1, not
//                    counting weekends or bank holidays anywhere in the UK. MP letters: the
//                    unit's target in working days.
//   calendar_days    N calendar days, optionally moved to the next working day.
//   named_day        Parliamentary Questions, write rounds: a date given with the case (the
//                    named day), optionally at a time ("12:00").
// Divisions: "divisions": "case" uses the case's division; a fixed list ("uk", "scotland",
// ["england-and-wales", "scotland"]) is fixed by the law whatever the case says (FOI: "uk").
// Stopping the clock (clarification): a list of ClockStop intervals. "clarification": "pause"
// (SAR) means the stopped days do not count and the deadline moves later by them;
// "restart" (FOI: s1(3) - the request is treated as received when the clarification arrives)
// means the count starts again from the day the clock resumed.
//
// Pure functions over their arguments; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "workflows/calendar.h"
#include "workflows/date.h"
#include "workflows/working_days.h"

namespace redbox::workflows {

enum class DeadlineKind { calendar_months, calendar_days, working_days, named_day };
enum class ClarificationMode { pause, restart };

std::string_view to_string(DeadlineKind kind);

struct DeadlineRule {
  DeadlineKind kind = DeadlineKind::working_days;
  int amount = 0;                  // months or days; unused for named_day
  int extension = 0;               // further months/days when extended (0: not extendable)
  bool roll_forward = true;        // calendar kinds: a non-working due day moves to the next working day
  bool divisions_from_case = true; // else fixed_divisions
  DivisionSet fixed_divisions;
  ClarificationMode clarification = ClarificationMode::pause;
  std::string time;                // "HH:MM" when the deadline is at a time of day (PQ: "12:00")

  // Parses the JSON form; `where` names the file and field for errors ("sar.json: deadline").
  static Result<DeadlineRule> from_json(const nlohmann::json& j, std::string_view where);
  nlohmann::json to_json() const;
  // "1 calendar month from receipt (next working day if not one)".
  std::string describe() const;
  DivisionSet divisions_for(Division case_division) const {
    return divisions_from_case ? DivisionSet(case_division) : fixed_divisions;
  }
};

// The clock stopped on `stopped` (that day still counts) and resumed on `resumed` (counting
// carries on from the day after). Days d with stopped < d <= resumed do not count.
struct ClockStop {
  Date stopped;
  Date resumed;
};

struct DeadlineRequest {
  Date received;
  Division division = Division::england_and_wales;  // the case's division
  std::optional<Date> named_day;                     // required by named_day rules
  std::vector<ClockStop> clock_stops;                // in any order; must not overlap
  bool extended = false;                             // the rule's extension has been applied
};

struct Deadline {
  Date due;
  std::string time;  // "" for end of day, else "HH:MM" (UK local time)
  DivisionSet divisions;
  std::vector<std::string> explanation;
  nlohmann::json to_json() const;
};

Result<Deadline> compute_deadline(const DeadlineRule& rule, const DeadlineRequest& request,
                                  const HolidayCalendar& calendar);

// Adds calendar months to a date; a day the target month lacks becomes its last day.
Date add_months(Date d, int months);

// Internal milestones, counted in working days from the deadline or from receipt:
//   {"id": "draft_due", "name": "Draft due", "working_days_before_deadline": 4}
//   {"id": "acknowledge", "name": "Acknowledge", "working_days_after_receipt": 2}
struct MilestoneRule {
  std::string id;
  std::string name;
  bool before_deadline = true;
  int working_days = 0;
  static Result<MilestoneRule> from_json(const nlohmann::json& j, std::string_view where);
  nlohmann::json to_json() const;
};

struct Milestone {
  std::string id;
  std::string name;
  Date due;
  std::vector<std::string> explanation;
};

// Milestones use the deadline's divisions. A milestone that would fall before receipt is
// clamped to the day of receipt, and says so.
std::vector<Milestone> compute_milestones(const std::vector<MilestoneRule>& rules, const Deadline& deadline,
                                          const DeadlineRequest& request, const HolidayCalendar& calendar);

// Chasing a request for a contribution: a chase every N working days after it was sent, and
// escalation when the last allowed chase has gone unanswered for another N working days.
//   {"every_working_days": 4, "escalate_after_chases": 2}: chases at +4 and +8, escalation at +12.
struct ChaseRule {
  int every_working_days = 0;
  int escalate_after_chases = 0;
  static Result<ChaseRule> from_json(const nlohmann::json& j, std::string_view where);
  nlohmann::json to_json() const;
};

struct ChasePlan {
  std::vector<Date> chases;
  Date escalation;
  std::vector<std::string> explanation;
};

ChasePlan plan_chases(const ChaseRule& rule, Date sent, const WorkingDays& working_days);

// Where a deadline stands at an instant: the instant is turned into the UK civil date and time
// (GMT, or BST between the last Sundays of March and October at 01:00 UTC).
enum class DeadlineState { on_track, due_today, overdue };
std::string_view to_string(DeadlineState state);
struct DeadlineStatus {
  DeadlineState state = DeadlineState::on_track;
  int working_days_left = 0;  // negative when overdue
};
DeadlineStatus deadline_status(const Deadline& deadline, TimePoint now, const HolidayCalendar& calendar);

// UK civil date and minutes after midnight for a UTC instant.
struct UkLocalTime {
  Date date;
  int minutes = 0;
};
UkLocalTime uk_local_time(TimePoint t);

}  // namespace redbox::workflows
