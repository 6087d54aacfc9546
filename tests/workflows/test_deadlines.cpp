// Deadline rules: SAR calendar month, FOI working days, clock stops, milestones, chasing, status.
#include <catch2/catch.hpp>

#include "common/clock.h"
#include "workflows/deadlines.h"

using namespace redbox;
using namespace redbox::workflows;

namespace {

Date D(const char* iso) { return parse_date(iso).value(); }

DeadlineRule rule(const char* json) { return DeadlineRule::from_json(nlohmann::json::parse(json), "rule").value(); }

const char* kSar = R"({"kind": "calendar_months", "months": 1, "extension": 2, "divisions": "case", "clarification": "pause"})";
const char* kFoi = R"({"kind": "working_days", "days": 20, "extension": 20, "divisions": "uk", "clarification": "restart"})";

Deadline compute(const char* rule_json, DeadlineRequest req, const HolidayCalendar& cal = HolidayCalendar::built_in()) {
  return compute_deadline(rule(rule_json), req, cal).value();
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("SAR: one calendar month, month ends, weekends and bank holidays", "[workflows][deadlines]") {
  auto sar = [](const char* received, Division div = Division::england_and_wales) {
    return compute(kSar, {D(received), div, std::nullopt, {}, false});
  };
  // 31 January -> 28 February (a Saturday) -> Monday 2 March.
  auto d = sar("2026-01-31");
  CHECK(format_date(d.due) == "2026-03-02");
  auto text = joined(d.explanation);
  INFO(text);
  CHECK(text.find("received 2026-01-31") != std::string::npos);
  CHECK(text.find("-> 2026-02-28") != std::string::npos);
  CHECK(text.find("February 2026 has no 31st") != std::string::npos);
  CHECK(text.find("2026-02-28 is a Saturday -> next working day 2026-03-02") != std::string::npos);
  // Leap year: 31 January 2028 -> Tuesday 29 February.
  CHECK(format_date(sar("2028-01-31").due) == "2028-02-29");
  CHECK(format_date(sar("2027-01-31").due) == "2027-03-01");  // 28 Feb 2027 is a Sunday
  // Corresponding day: 3 September -> 3 October.
  CHECK(format_date(sar("2026-09-03").due) == "2026-10-05");  // 3 Oct 2026 is a Saturday
  CHECK(format_date(sar("2026-09-08").due) == "2026-10-08");
  // Landing on Christmas Day 2026 (Friday): 26-27 weekend, 28 Boxing Day substitute -> 29.
  CHECK(format_date(sar("2026-11-25").due) == "2026-12-29");
  // Landing on Good Friday 2026: E&W also skips Easter Monday, Scotland does not.
  CHECK(format_date(sar("2026-03-03").due) == "2026-04-07");
  CHECK(format_date(sar("2026-03-03", Division::scotland).due) == "2026-04-06");
  // Extended by two further months: three months from receipt.
  auto ext = compute(kSar, {D("2026-01-31"), Division::england_and_wales, std::nullopt, {}, true});
  CHECK(format_date(ext.due) == "2026-04-30");
}

TEST_CASE("SAR: the clock stops for clarification and resumes", "[workflows][deadlines]") {
  // Received Monday 5 Jan 2026; plain deadline Thursday 5 Feb.
  DeadlineRequest req{D("2026-01-05"), Division::england_and_wales, std::nullopt, {}, false};
  CHECK(format_date(compute(kSar, req).due) == "2026-02-05");
  // Stopped on the 10th, resumed on the 17th: 7 days do not count -> Thursday 12 Feb.
  req.clock_stops = {{D("2026-01-10"), D("2026-01-17")}};
  auto d = compute(kSar, req);
  CHECK(format_date(d.due) == "2026-02-12");
  CHECK(joined(d.explanation).find("7 days paused") != std::string::npos);
  // Two stops add up; order given does not matter.
  req.clock_stops = {{D("2026-01-20"), D("2026-01-22")}, {D("2026-01-10"), D("2026-01-17")}};
  CHECK(format_date(compute(kSar, req).due) == "2026-02-16");  // 14 Feb is a Saturday
  // Overlapping or inverted stops are refused.
  req.clock_stops = {{D("2026-01-10"), D("2026-01-17")}, {D("2026-01-15"), D("2026-01-20")}};
  CHECK(compute_deadline(rule(kSar), req, HolidayCalendar::built_in()).error().message.find("overlaps") != std::string::npos);
  req.clock_stops = {{D("2026-01-10"), D("2026-01-08")}};
  CHECK_FALSE(compute_deadline(rule(kSar), req, HolidayCalendar::built_in()).ok());
  req.clock_stops = {{D("2026-01-01"), D("2026-01-08")}};
  CHECK(compute_deadline(rule(kSar), req, HolidayCalendar::built_in()).error().message.find("before receipt") != std::string::npos);
}

TEST_CASE("FOI: 20 working days with every UK division's bank holidays", "[workflows][deadlines]") {
  // Day 1 is Friday 21 Nov 2025; Monday 1 Dec (St Andrew's Day substitute, Scotland only) does not count.
  auto d = compute(kFoi, {D("2025-11-20"), Division::england_and_wales, std::nullopt, {}, false});
  CHECK(format_date(d.due) == "2025-12-19");
  auto text = joined(d.explanation);
  INFO(text);
  CHECK(text.find("day 1 is 2025-11-21") != std::string::npos);
  CHECK(text.find("2025-12-01") != std::string::npos);
  // The same count with England and Wales holidays only would be a day earlier.
  const char* ew_only = R"({"kind": "working_days", "days": 20, "divisions": "england-and-wales"})";
  CHECK(format_date(compute(ew_only, {D("2025-11-20"), Division::scotland, std::nullopt, {}, false}).due) == "2025-12-18");
  // Across Christmas and New Year: 4 Jan 2027 (Scotland's 2nd January substitute) counts UK-wide.
  CHECK(format_date(compute(kFoi, {D("2026-12-22"), Division::england_and_wales, std::nullopt, {}, false}).due) ==
        "2027-01-25");
  CHECK(format_date(compute(ew_only, {D("2026-12-22"), Division::england_and_wales, std::nullopt, {}, false}).due) ==
        "2027-01-22");
  // Public interest extension: 20 more working days.
  CHECK(format_date(compute(kFoi, {D("2025-11-20"), Division::england_and_wales, std::nullopt, {}, true}).due) ==
        "2026-01-22");
}

TEST_CASE("FOI: clarification restarts the count, pause rules skip stopped working days", "[workflows][deadlines]") {
  DeadlineRequest req{D("2026-02-02"), Division::england_and_wales, std::nullopt, {{D("2026-02-04"), D("2026-02-10")}}, false};
  auto d = compute(kFoi, req);
  CHECK(format_date(d.due) == "2026-03-10");
  CHECK(joined(d.explanation).find("clarification received 2026-02-10") != std::string::npos);
  const char* pause10 = R"({"kind": "working_days", "days": 10, "divisions": "case", "clarification": "pause"})";
  req.clock_stops.clear();
  CHECK(format_date(compute(pause10, req).due) == "2026-02-16");
  req.clock_stops = {{D("2026-02-04"), D("2026-02-06")}};  // Thursday 5 and Friday 6 do not count
  auto paused = compute(pause10, req);
  CHECK(format_date(paused.due) == "2026-02-18");
  CHECK(joined(paused.explanation).find("2 working days while the clock was stopped") != std::string::npos);
}

TEST_CASE("a newly announced bank holiday moves a computed deadline", "[workflows][deadlines]") {
  HolidayCalendar cal = HolidayCalendar::built_in();
  DeadlineRequest foi{D("2026-12-22"), Division::england_and_wales, std::nullopt, {}, false};
  DeadlineRequest sar{D("2026-06-05"), Division::england_and_wales, std::nullopt, {}, false};
  CHECK(format_date(compute(kFoi, foi, cal).due) == "2027-01-25");
  CHECK(format_date(compute(kSar, sar, cal).due) == "2026-07-06");  // 5 July is a Sunday
  REQUIRE(cal.add(Division::northern_ireland, {D("2027-01-12"), "Extra bank holiday", "", true}).ok());
  REQUIRE(cal.add(Division::england_and_wales, {D("2026-07-06"), "Extra bank holiday", "", true}).ok());
  auto moved = compute(kFoi, foi, cal);
  CHECK(format_date(moved.due) == "2027-01-26");
  CHECK(joined(moved.explanation).find("2027-01-12, a bank holiday in northern-ireland (Extra bank holiday)") !=
        std::string::npos);
  CHECK(format_date(compute(kSar, sar, cal).due) == "2026-07-07");
}

TEST_CASE("named-day deadlines, extension limits and rule validation", "[workflows][deadlines]") {
  const char* pq = R"({"kind": "named_day", "time": "12:00"})";
  auto d = compute(pq, {D("2026-03-02"), Division::england_and_wales, D("2026-03-05"), {}, false});
  CHECK(format_date(d.due) == "2026-03-05");
  CHECK(d.time == "12:00");
  DeadlineRequest no_day;
  no_day.received = D("2026-03-02");
  CHECK_FALSE(compute_deadline(rule(pq), no_day, HolidayCalendar::built_in()).ok());
  CHECK_FALSE(compute_deadline(rule(pq), {D("2026-03-02"), Division::scotland, D("2026-03-01"), {}, false},
                               HolidayCalendar::built_in()).ok());
  const char* no_ext = R"({"kind": "working_days", "days": 20})";
  auto r = compute_deadline(rule(no_ext), {D("2026-03-02"), Division::scotland, std::nullopt, {}, true},
                            HolidayCalendar::built_in());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("cannot be extended") != std::string::npos);

  auto bad = [](const char* json) {
    auto r = DeadlineRule::from_json(nlohmann::json::parse(json), "x.json: deadline");
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK(bad(R"({"kind": "fortnights"})").find("x.json: deadline.kind: unknown kind") == 0);
  CHECK(bad(R"({"kind": "working_days"})").find("deadline.days: missing") != std::string::npos);
  CHECK(bad(R"({"kind": "working_days", "days": -3})").find("deadline.days") != std::string::npos);
  CHECK(bad(R"({"kind": "working_days", "days": 20, "dayz": 1})").find("deadline.dayz: unknown field") != std::string::npos);
  CHECK(bad(R"({"kind": "named_day", "time": "25:00"})").find("deadline.time") != std::string::npos);
  CHECK(bad(R"({"kind": "working_days", "days": 20, "divisions": "wessex"})").find("deadline.divisions") != std::string::npos);
  CHECK(bad(R"({"kind": "calendar_months", "months": 1, "days": 3})").find("deadline.days") != std::string::npos);
}

TEST_CASE("add_months clamps to the month's last day", "[workflows][deadlines]") {
  CHECK(format_date(add_months(D("2026-01-31"), 1)) == "2026-02-28");
  CHECK(format_date(add_months(D("2028-01-31"), 1)) == "2028-02-29");
  CHECK(format_date(add_months(D("2026-03-31"), 1)) == "2026-04-30");
  CHECK(format_date(add_months(D("2026-12-15"), 1)) == "2027-01-15");
  CHECK(format_date(add_months(D("2026-01-30"), 3)) == "2026-04-30");
}

TEST_CASE("internal milestones and chasing", "[workflows][deadlines]") {
  const auto& cal = HolidayCalendar::built_in();
  DeadlineRequest req{D("2026-01-31"), Division::england_and_wales, std::nullopt, {}, false};
  auto deadline = compute(kSar, req);
  std::vector<MilestoneRule> rules = {
      MilestoneRule::from_json(nlohmann::json::parse(R"({"id": "draft_due", "working_days_before_deadline": 4})"), "m").value(),
      MilestoneRule::from_json(nlohmann::json::parse(R"({"id": "qa_due", "working_days_before_deadline": 2})"), "m").value(),
      MilestoneRule::from_json(nlohmann::json::parse(R"({"id": "ack", "working_days_after_receipt": 2})"), "m").value(),
      MilestoneRule::from_json(nlohmann::json::parse(R"({"id": "early", "working_days_before_deadline": 40})"), "m").value()};
  auto ms = compute_milestones(rules, deadline, req, cal);
  REQUIRE(ms.size() == 4);
  CHECK(format_date(ms[0].due) == "2026-02-24");
  CHECK(format_date(ms[1].due) == "2026-02-26");
  CHECK(format_date(ms[2].due) == "2026-02-03");
  CHECK(format_date(ms[3].due) == "2026-01-31");  // clamped to receipt
  CHECK(ms[3].explanation.back().find("before receipt") != std::string::npos);
  CHECK_FALSE(MilestoneRule::from_json(nlohmann::json::parse(R"({"id": "x"})"), "m").ok());

  // Chase every 4 working days, escalate after the second chase, over Christmas 2026 (E&W).
  auto chase = ChaseRule::from_json(nlohmann::json::parse(R"({"every_working_days": 4, "escalate_after_chases": 2})"), "c").value();
  auto plan = plan_chases(chase, D("2026-12-22"), WorkingDays(cal, Division::england_and_wales));
  REQUIRE(plan.chases.size() == 2);
  CHECK(format_date(plan.chases[0]) == "2026-12-30");
  CHECK(format_date(plan.chases[1]) == "2027-01-06");
  CHECK(format_date(plan.escalation) == "2027-01-12");
}

TEST_CASE("deadline status against a fixed clock in UK time", "[workflows][deadlines]") {
  const auto& cal = HolidayCalendar::built_in();
  auto at = [](const char* utc) {
    TimePoint t;
    REQUIRE(parse_utc(utc, t));
    return t;
  };
  auto d = compute(kSar, {D("2026-01-31"), Division::england_and_wales, std::nullopt, {}, false});  // due 2 March
  ManualClock clock(at("2026-02-26T10:00:00Z"));
  auto s = deadline_status(d, clock.now(), cal);
  CHECK(s.state == DeadlineState::on_track);
  CHECK(s.working_days_left == 2);
  clock.set(at("2026-03-02T23:30:00Z"));  // GMT: still 2 March
  CHECK(deadline_status(d, clock.now(), cal).state == DeadlineState::due_today);
  clock.advance(std::chrono::hours(1));
  s = deadline_status(d, clock.now(), cal);
  CHECK(s.state == DeadlineState::overdue);
  CHECK(s.working_days_left == -1);

  // A PQ due at 12:00 on a summer day: 12:00 BST is 11:00 UTC.
  auto pq = compute(R"({"kind": "named_day", "time": "12:00"})",
                    {D("2026-06-01"), Division::england_and_wales, D("2026-06-04"), {}, false});
  clock.set(at("2026-06-04T10:59:00Z"));
  CHECK(deadline_status(pq, clock.now(), cal).state == DeadlineState::due_today);
  clock.set(at("2026-06-04T11:01:00Z"));
  CHECK(deadline_status(pq, clock.now(), cal).state == DeadlineState::overdue);
  // BST changes at 01:00 UTC on the last Sunday of March (29 March 2026).
  CHECK(uk_local_time(at("2026-03-29T00:59:00Z")).minutes == 59);
  CHECK(uk_local_time(at("2026-03-29T01:00:00Z")).minutes == 120);
  CHECK(format_date(uk_local_time(at("2026-07-01T23:30:00Z")).date) == "2026-07-02");
}
