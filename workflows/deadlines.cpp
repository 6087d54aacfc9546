#include "workflows/deadlines.h"

#include <algorithm>
#include <set>

namespace redbox::workflows {

namespace {

using namespace std::chrono;

std::string dated(Date d) { return format_date(d) + " (" + weekday_name(d) + ")"; }

std::string ordinal(unsigned n) {
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

std::string plural(int n, const std::string& unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

Error bad_field(std::string_view where, std::string_view field, const std::string& why) {
  return Error::invalid_input(std::string(where) + "." + std::string(field) + ": " + why);
}

// Reads a non-negative integer field; false and an error if present and not one.
Result<int> int_field(const nlohmann::json& j, std::string_view where, const char* field, int min, int max) {
  if (!j.contains(field)) return bad_field(where, field, "missing");
  const auto& v = j.at(field);
  if (!v.is_number_integer()) return bad_field(where, field, "must be a whole number");
  auto n = v.get<long long>();
  if (n < min || n > max) {
    return bad_field(where, field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return static_cast<int>(n);
}

bool parse_time_of_day(const std::string& t, int& minutes) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (int i : {0, 1, 3, 4}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  int h = (t[0] - '0') * 10 + (t[1] - '0');
  int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) return false;
  minutes = h * 60 + m;
  return true;
}

Status check_keys(const nlohmann::json& j, std::string_view where, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) return Error::invalid_input(std::string(where) + "." + key + ": unknown field");
  }
  return Status::success();
}

// Moves a due date to the next working day when it is not one, saying why.
Date roll_forward(Date due, const WorkingDays& wd, std::vector<std::string>& steps) {
  if (wd.is_working_day(due)) return due;
  Date moved = wd.next_working_day(due);
  steps.push_back(format_date(due) + " is " + wd.why_not_working(due) + " -> next working day " + dated(moved));
  return moved;
}

bool in_stop(Date d, const std::vector<ClockStop>& stops) {
  for (const auto& s : stops) {
    if (days_between(s.stopped, d) > 0 && days_between(d, s.resumed) >= 0) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::calendar_months: return "calendar_months";
    case DeadlineKind::calendar_days: return "calendar_days";
    case DeadlineKind::working_days: return "working_days";
    case DeadlineKind::named_day: return "named_day";
  }
  return "unknown";
}

std::string_view to_string(DeadlineState state) {
  switch (state) {
    case DeadlineState::on_track: return "on_track";
    case DeadlineState::due_today: return "due_today";
    case DeadlineState::overdue: return "overdue";
  }
  return "unknown";
}

Date add_months(Date d, int months) {
  year_month ym = year_month{d.year(), d.month()} + std::chrono::months(months);
  auto last_day = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return Date{ym.year(), ym.month(), std::min(d.day(), last_day)};
}

Result<DeadlineRule> DeadlineRule::from_json(const nlohmann::json& j, std::string_view where) {
  if (!j.is_object()) return Error::invalid_input(std::string(where) + ": must be an object with a \"kind\"");
  if (auto s = check_keys(j, where, {"kind", "months", "days", "extension", "if_not_working_day", "divisions",
                                     "clarification", "time"});
      !s) {
    return s.error();
  }
  DeadlineRule rule;
  if (!j.contains("kind") || !j["kind"].is_string()) return bad_field(where, "kind", "missing or not a string");
  const std::string kind = j["kind"].get<std::string>();
  const char* unit = "days";
  if (kind == "calendar_months") {
    rule.kind = DeadlineKind::calendar_months;
    unit = "months";
  } else if (kind == "calendar_days") {
    rule.kind = DeadlineKind::calendar_days;
  } else if (kind == "working_days") {
    rule.kind = DeadlineKind::working_days;
  } else if (kind == "named_day") {
    rule.kind = DeadlineKind::named_day;
  } else {
    return bad_field(where, "kind",
                     "unknown kind '" + kind + "' (expected calendar_months, calendar_days, working_days, named_day)");
  }
  if (rule.kind != DeadlineKind::named_day) {
    const int max = rule.kind == DeadlineKind::calendar_months ? 120 : 3650;
    auto amount = int_field(j, where, unit, 1, max);
    if (!amount) return amount.error();
    rule.amount = *amount;
    const char* other = rule.kind == DeadlineKind::calendar_months ? "days" : "months";
    if (j.contains(other)) return bad_field(where, other, std::string("not used by kind ") + kind);
    if (j.contains("extension")) {
      auto ext = int_field(j, where, "extension", 0, max);
      if (!ext) return ext.error();
      rule.extension = *ext;
    }
  } else {
    for (const char* f : {"months", "days", "extension"}) {
      if (j.contains(f)) return bad_field(where, f, "not used by kind named_day");
    }
  }
  if (j.contains("if_not_working_day")) {
    const auto& v = j["if_not_working_day"];
    if (!v.is_string() || (v != "next_working_day" && v != "keep")) {
      return bad_field(where, "if_not_working_day", "must be \"next_working_day\" or \"keep\"");
    }
    rule.roll_forward = v == "next_working_day";
  }
  if (j.contains("divisions")) {
    const auto& v = j["divisions"];
    if (v.is_string() && v == "case") {
      rule.divisions_from_case = true;
    } else if (v.is_string()) {
      auto set = parse_division_set(v.get<std::string>());
      if (!set) return bad_field(where, "divisions", set.error().message);
      rule.divisions_from_case = false;
      rule.fixed_divisions = *set;
    } else if (v.is_array() && !v.empty()) {
      rule.divisions_from_case = false;
      for (const auto& item : v) {
        if (!item.is_string()) return bad_field(where, "divisions", "entries must be division names");
        auto d = parse_division(item.get<std::string>());
        if (!d) return bad_field(where, "divisions", d.error().message);
        rule.fixed_divisions.add(*d);
      }
    } else {
      return bad_field(where, "divisions", "must be \"case\", \"uk\", a division or a list of divisions");
    }
  }
  if (j.contains("clarification")) {
    const auto& v = j["clarification"];
    if (!v.is_string() || (v != "pause" && v != "restart")) {
      return bad_field(where, "clarification", "must be \"pause\" or \"restart\"");
    }
    rule.clarification = v == "pause" ? ClarificationMode::pause : ClarificationMode::restart;
  }
  if (j.contains("time")) {
    int minutes = 0;
    if (!j["time"].is_string() || !parse_time_of_day(j["time"].get<std::string>(), minutes)) {
      return bad_field(where, "time", "must be a time of day as HH:MM");
    }
    rule.time = j["time"].get<std::string>();
  }
  return rule;
}

nlohmann::json DeadlineRule::to_json() const {
  nlohmann::json j;
  j["kind"] = std::string(to_string(kind));
  if (kind == DeadlineKind::calendar_months) j["months"] = amount;
  if (kind == DeadlineKind::calendar_days || kind == DeadlineKind::working_days) j["days"] = amount;
  if (extension != 0) j["extension"] = extension;
  if (kind == DeadlineKind::calendar_months || kind == DeadlineKind::calendar_days) {
    j["if_not_working_day"] = roll_forward ? "next_working_day" : "keep";
  }
  if (divisions_from_case) {
    j["divisions"] = "case";
  } else {
    nlohmann::json list = nlohmann::json::array();
    for (Division d : fixed_divisions.members()) list.push_back(std::string(to_string(d)));
    j["divisions"] = list;
  }
  j["clarification"] = clarification == ClarificationMode::pause ? "pause" : "restart";
  if (!time.empty()) j["time"] = time;
  return j;
}

std::string DeadlineRule::describe() const {
  std::string out;
  switch (kind) {
    case DeadlineKind::calendar_months:
      out = plural(amount, "calendar month") + " from receipt";
      break;
    case DeadlineKind::calendar_days:
      out = plural(amount, "calendar day") + " from receipt";
      break;
    case DeadlineKind::working_days:
      out = plural(amount, "working day") + " from receipt";
      break;
    case DeadlineKind::named_day:
      out = "the named day";
      break;
  }
  if (!time.empty()) out += " at " + time;
  if ((kind == DeadlineKind::calendar_months || kind == DeadlineKind::calendar_days) && roll_forward) {
    out += " (next working day if not one)";
  }
  if (extension != 0) {
    out += ", extendable by " + std::to_string(extension) +
           (kind == DeadlineKind::calendar_months  ? " further month(s)"
            : kind == DeadlineKind::working_days ? " further working day(s)"
                                                 : " further day(s)");
  }
  return out;
}

nlohmann::json Deadline::to_json() const {
  nlohmann::json j;
  j["due"] = format_date(due);
  if (!time.empty()) j["time"] = time;
  j["divisions"] = divisions.describe();
  j["explanation"] = explanation;
  return j;
}

Result<Deadline> compute_deadline(const DeadlineRule& rule, const DeadlineRequest& request,
                                  const HolidayCalendar& calendar) {
  return guard([&]() -> Deadline {
    Deadline out;
    out.divisions = rule.divisions_for(request.division);
    out.time = rule.time;
    WorkingDays wd(calendar, out.divisions);
    auto& steps = out.explanation;
    steps.push_back("received " + dated(request.received));

    // Clock stops: sorted, inside the life of the case, not overlapping.
    std::vector<ClockStop> stops = request.clock_stops;
    std::sort(stops.begin(), stops.end(),
              [](const ClockStop& a, const ClockStop& b) { return days_between(a.stopped, b.stopped) > 0; });
    for (std::size_t i = 0; i < stops.size(); ++i) {
      const auto& s = stops[i];
      const std::string which = "clock stop " + format_date(s.stopped) + " to " + format_date(s.resumed);
      if (days_between(request.received, s.stopped) < 0) fail(Error::invalid_input(which + " starts before receipt"));
      if (days_between(s.stopped, s.resumed) < 0) fail(Error::invalid_input(which + " resumes before it stops"));
      if (i > 0 && days_between(stops[i - 1].resumed, s.stopped) < 0) {
        fail(Error::invalid_input(which + " overlaps the clock stop before it"));
      }
    }
    if (request.extended && rule.extension == 0) {
      fail(Error::invalid_input("this deadline (" + rule.describe() + ") cannot be extended"));
    }

    if (rule.kind == DeadlineKind::named_day) {
      if (!request.named_day) fail(Error::invalid_input("this deadline is a named day: give the named day"));
      out.due = *request.named_day;
      if (days_between(request.received, out.due) < 0) {
        fail(Error::invalid_input("the named day " + format_date(out.due) + " is before receipt"));
      }
      steps.push_back("named day " + dated(out.due) + (out.time.empty() ? "" : " at " + out.time));
      if (!wd.is_working_day(out.due)) steps.push_back("note: " + format_date(out.due) + " is " + wd.why_not_working(out.due));
      return out;
    }

    Date start = request.received;
    if (rule.clarification == ClarificationMode::restart && !stops.empty()) {
      start = stops.back().resumed;
      steps.push_back("clarification received " + dated(start) + ": the time limit runs again from that day");
      stops.clear();
    }
    const int amount = rule.amount + (request.extended ? rule.extension : 0);
    const std::string extension_note =
        request.extended ? " (" + std::to_string(rule.amount) + " + " + std::to_string(rule.extension) + " extension)" : "";

    if (rule.kind == DeadlineKind::calendar_months || rule.kind == DeadlineKind::calendar_days) {
      Date due;
      if (rule.kind == DeadlineKind::calendar_months) {
        due = add_months(start, amount);
        std::string step = "+" + plural(amount, "month") + extension_note + " -> " + dated(due);
        if (due.day() != start.day()) {
          step += " (" + month_name(due) + " " + std::to_string(year_of(due)) + " has no " +
                  ordinal(static_cast<unsigned>(start.day())) + ": its last day)";
        }
        steps.push_back(step);
      } else {
        due = add_days(start, amount);
        steps.push_back("+" + plural(amount, "calendar day") + extension_note + " -> " + dated(due));
      }
      for (const auto& s : stops) {
        if (days_between(s.stopped, due) <= 0) {
          steps.push_back("clock stop " + format_date(s.stopped) + " to " + format_date(s.resumed) +
                          " is after the deadline: ignored");
          continue;
        }
        int paused = days_between(s.stopped, s.resumed);
        if (paused == 0) continue;
        due = add_days(due, paused);
        steps.push_back("clock stopped " + format_date(s.stopped) + ", resumed " + format_date(s.resumed) + ": " +
                        plural(paused, "day") + " paused -> " + dated(due));
      }
      if (rule.roll_forward) due = roll_forward(due, wd, steps);
      out.due = due;
      return out;
    }

    // working_days: the first working day after receipt is day 1.
    Date d = start;
    int counted = 0;
    int paused_days = 0;
    std::vector<std::string> holidays_skipped;
    while (counted < amount) {
      d = wd.next_working_day(d);
      if (in_stop(d, stops)) {
        ++paused_days;
        continue;
      }
      ++counted;
      if (counted == 1) steps.push_back("day 1 is " + dated(d) + ", the first working day after " + format_date(start));
    }
    // Bank holidays passed over (weekends go without saying).
    for (Date x = add_days(start, 1); days_between(x, d) > 0; x = add_days(x, 1)) {
      if (!is_weekend(x) && !wd.is_working_day(x)) holidays_skipped.push_back(format_date(x) + ", " + wd.why_not_working(x));
    }
    if (!holidays_skipped.empty()) {
      std::string step = "not counted: ";
      for (std::size_t i = 0; i < holidays_skipped.size(); ++i) step += (i ? "; " : "") + holidays_skipped[i];
      steps.push_back(step);
    }
    if (paused_days > 0) steps.push_back("not counted: " + plural(paused_days, "working day") + " while the clock was stopped");
    steps.push_back("day " + std::to_string(amount) + extension_note + " (not counting weekends or bank holidays in " +
                    out.divisions.describe() + ") -> " + dated(d));
    out.due = d;
    return out;
  });
}

Result<MilestoneRule> MilestoneRule::from_json(const nlohmann::json& j, std::string_view where) {
  if (!j.is_object()) return Error::invalid_input(std::string(where) + ": must be an object");
  if (auto s = check_keys(j, where, {"id", "name", "working_days_before_deadline", "working_days_after_receipt"}); !s) {
    return s.error();
  }
  MilestoneRule rule;
  if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty()) {
    return bad_field(where, "id", "missing or empty");
  }
  rule.id = j["id"].get<std::string>();
  rule.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : rule.id;
  const bool before = j.contains("working_days_before_deadline");
  const bool after = j.contains("working_days_after_receipt");
  if (before == after) {
    return Error::invalid_input(std::string(where) +
                                ": give exactly one of working_days_before_deadline, working_days_after_receipt");
  }
  rule.before_deadline = before;
  auto n = int_field(j, where, before ? "working_days_before_deadline" : "working_days_after_receipt", 0, 365);
  if (!n) return n.error();
  rule.working_days = *n;
  return rule;
}

nlohmann::json MilestoneRule::to_json() const {
  return {{"id", id},
          {"name", name},
          {before_deadline ? "working_days_before_deadline" : "working_days_after_receipt", working_days}};
}

std::vector<Milestone> compute_milestones(const std::vector<MilestoneRule>& rules, const Deadline& deadline,
                                          const DeadlineRequest& request, const HolidayCalendar& calendar) {
  WorkingDays wd(calendar, deadline.divisions);
  std::vector<Milestone> out;
  for (const auto& r : rules) {
    Milestone m{r.id, r.name, {}, {}};
    if (r.before_deadline) {
      m.due = wd.add_working_days(deadline.due, -r.working_days);
      m.explanation.push_back("deadline " + dated(deadline.due) + " - " + plural(r.working_days, "working day") + " -> " +
                              dated(m.due));
      if (days_between(request.received, m.due) < 0) {
        m.due = request.received;
        m.explanation.push_back("that is before receipt: due on receipt, " + format_date(m.due));
      }
    } else {
      m.due = wd.add_working_days(request.received, r.working_days);
      m.explanation.push_back("received " + dated(request.received) + " + " + plural(r.working_days, "working day") +
                              " -> " + dated(m.due));
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<ChaseRule> ChaseRule::from_json(const nlohmann::json& j, std::string_view where) {
  if (!j.is_object()) return Error::invalid_input(std::string(where) + ": must be an object");
  if (auto s = check_keys(j, where, {"every_working_days", "escalate_after_chases"}); !s) return s.error();
  ChaseRule rule;
  auto every = int_field(j, where, "every_working_days", 1, 365);
  if (!every) return every.error();
  auto after = int_field(j, where, "escalate_after_chases", 0, 20);
  if (!after) return after.error();
  rule.every_working_days = *every;
  rule.escalate_after_chases = *after;
  return rule;
}

nlohmann::json ChaseRule::to_json() const {
  return {{"every_working_days", every_working_days}, {"escalate_after_chases", escalate_after_chases}};
}

ChasePlan plan_chases(const ChaseRule& rule, Date sent, const WorkingDays& wd) {
  ChasePlan plan;
  plan.explanation.push_back("requested " + dated(sent));
  Date d = sent;
  for (int i = 1; i <= rule.escalate_after_chases; ++i) {
    d = wd.add_working_days(d, rule.every_working_days);
    plan.chases.push_back(d);
    plan.explanation.push_back("chase " + std::to_string(i) + " after " + plural(rule.every_working_days, "working day") +
                               " -> " + dated(d));
  }
  plan.escalation = wd.add_working_days(d, rule.every_working_days);
  plan.explanation.push_back(
      (rule.escalate_after_chases == 0 ? std::string("no chases;")
                                       : "chase " + std::to_string(rule.escalate_after_chases) + " unanswered;") +
      " escalate after " + plural(rule.every_working_days, "more working day") + " -> " + dated(plan.escalation));
  return plan;
}

UkLocalTime uk_local_time(TimePoint t) {
  auto secs = floor<seconds>(t);
  Date utc_date{floor<days>(secs)};
  const int y = year_of(utc_date);
  // BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
  auto bst_start = sys_days(year_month_weekday_last{year(y) / March / Sunday[last]}) + hours(1);
  auto bst_end = sys_days(year_month_weekday_last{year(y) / October / Sunday[last]}) + hours(1);
  auto local = secs;
  if (secs >= bst_start && secs < bst_end) local += hours(1);
  auto day_start = floor<days>(local);
  return {Date{day_start}, static_cast<int>(duration_cast<minutes>(local - day_start).count())};
}

DeadlineStatus deadline_status(const Deadline& deadline, TimePoint now, const HolidayCalendar& calendar) {
  WorkingDays wd(calendar, deadline.divisions);
  UkLocalTime local = uk_local_time(now);
  DeadlineStatus status;
  const int diff = days_between(local.date, deadline.due);
  if (diff > 0) {
    status.state = DeadlineState::on_track;
    status.working_days_left = wd.working_days_between(local.date, deadline.due);
  } else if (diff == 0) {
    int limit = 24 * 60;
    if (!deadline.time.empty()) {
      int minutes = 0;
      if (parse_time_of_day(deadline.time, minutes)) limit = minutes;
    }
    status.state = local.minutes < limit ? DeadlineState::due_today : DeadlineState::overdue;
    status.working_days_left = 0;
  } else {
    status.state = DeadlineState::overdue;
    status.working_days_left = -wd.working_days_between(deadline.due, local.date);
  }
  return status;
}

}  // namespace redbox::workflows
