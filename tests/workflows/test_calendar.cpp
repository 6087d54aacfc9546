// Bank-holiday feed, rules engine and working-day arithmetic.
#include <catch2/catch.hpp>

#include <set>

#include "support/test_support.h"
#include "workflows/calendar.h"
#include "workflows/working_days.h"

using namespace redbox;
using namespace redbox::workflows;

namespace {

Date D(const char* iso) { return parse_date(iso).value(); }

std::set<std::string> dates_of(const std::vector<BankHoliday>& hs) {
  std::set<std::string> out;
  for (const auto& h : hs) out.insert(format_date(h.date));
  return out;
}

}  // namespace

TEST_CASE("easter sunday by the anonymous Gregorian algorithm", "[workflows][calendar]") {
  CHECK(format_date(easter_sunday(2018)) == "2018-04-01");
  CHECK(format_date(easter_sunday(2019)) == "2019-04-21");
  CHECK(format_date(easter_sunday(2024)) == "2024-03-31");
  CHECK(format_date(easter_sunday(2026)) == "2026-04-05");
  CHECK(format_date(easter_sunday(2027)) == "2027-03-28");
  CHECK(format_date(easter_sunday(2000)) == "2000-04-23");
  CHECK(format_date(easter_sunday(2038)) == "2038-04-25");
  CHECK(format_date(easter_sunday(2285)) == "2285-03-22");  // earliest possible date
}

TEST_CASE("the feed agrees with the rules engine for 2018-2027 apart from the known special cases",
          "[workflows][calendar]") {
  const auto& cal = HolidayCalendar::built_in();
  // One-off holidays, identical in every division.
  const std::set<std::string> extra = {"2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08"};
  // Standard dates that those replaced: early May 2020 (moved to VE day), spring 2022 (moved).
  const std::set<std::string> replaced = {"2020-05-04", "2022-05-30"};
  for (Division div : kAllDivisions) {
    INFO(to_string(div));
    std::set<std::string> only_feed;
    std::set<std::string> only_rules;
    for (int y = 2018; y <= 2027; ++y) {
      REQUIRE(cal.covers(y, div));
      auto feed = dates_of(cal.holidays(y, div));
      auto rules = dates_of(standard_holidays(y, div));
      for (const auto& d : feed) {
        if (rules.count(d) == 0) only_feed.insert(d);
      }
      for (const auto& d : rules) {
        if (feed.count(d) == 0) only_rules.insert(d);
      }
    }
    CHECK(only_feed == extra);
    CHECK(only_rules == replaced);
  }
}

TEST_CASE("the compiled-in feed is the data file in the source tree", "[workflows][calendar]") {
  auto from_disk = HolidayCalendar::load_file(test::source_path("workflows/data/bank-holidays.json"));
  REQUIRE(from_disk.ok());
  for (Division div : kAllDivisions) {
    for (int y = 2018; y <= 2027; ++y) CHECK(from_disk->holidays(y, div) == HolidayCalendar::built_in().holidays(y, div));
  }
  // And it round-trips through to_json.
  auto again = HolidayCalendar::from_json(from_disk->to_json(), "round trip");
  REQUIRE(again.ok());
  CHECK(again->holidays(2022, Division::scotland) == from_disk->holidays(2022, Division::scotland));
}

TEST_CASE("division-specific holidays and substitute days", "[workflows][calendar]") {
  const auto& cal = HolidayCalendar::built_in();
  auto title = [&](const char* d, Division div) {
    auto h = cal.holiday_on(D(d), div);
    return h ? h->title : std::string("-");
  };
  // Scotland: no Easter Monday, 2 January, first Monday of August, St Andrew's Day.
  CHECK_FALSE(cal.holiday_on(D("2026-04-06"), Division::scotland));
  CHECK(cal.holiday_on(D("2026-04-06"), Division::england_and_wales));
  CHECK(title("2026-01-02", Division::scotland) == "2nd January");
  CHECK_FALSE(cal.holiday_on(D("2026-01-02"), Division::england_and_wales));
  CHECK(cal.holiday_on(D("2026-08-03"), Division::scotland));
  CHECK_FALSE(cal.holiday_on(D("2026-08-31"), Division::scotland));
  CHECK(cal.holiday_on(D("2026-08-31"), Division::england_and_wales));
  CHECK(cal.holiday_on(D("2019-12-02"), Division::scotland)->notes == "Substitute day");
  CHECK(cal.holiday_on(D("2025-12-01"), Division::scotland));
  CHECK(cal.holiday_on(D("2027-01-04"), Division::scotland)->notes == "Substitute day");
  // Northern Ireland: St Patrick's Day and the Boyne, with substitutes.
  CHECK(cal.holiday_on(D("2024-03-18"), Division::northern_ireland)->notes == "Substitute day");
  CHECK(cal.holiday_on(D("2025-07-14"), Division::northern_ireland));
  CHECK_FALSE(cal.holiday_on(D("2025-07-14"), Division::england_and_wales));
  // Christmas on a Saturday (2027): Monday and Tuesday substitutes everywhere.
  for (Division div : kAllDivisions) {
    CHECK(cal.holiday_on(D("2027-12-27"), div));
    CHECK(cal.holiday_on(D("2027-12-28"), div));
  }
  // Boxing Day on a Saturday (2020): Monday 28.
  CHECK(cal.holiday_on(D("2020-12-28"), Division::england_and_wales)->title == "Boxing Day");
}

TEST_CASE("the rules engine covers years beyond the feed", "[workflows][calendar]") {
  const auto& cal = HolidayCalendar::built_in();
  CHECK_FALSE(cal.covers(2033, Division::england_and_wales));
  // 2033: Christmas on a Sunday -> Boxing Day Monday 26, Christmas substitute Tuesday 27.
  auto h26 = cal.holiday_on(D("2033-12-26"), Division::england_and_wales);
  auto h27 = cal.holiday_on(D("2033-12-27"), Division::england_and_wales);
  REQUIRE(h26);
  REQUIRE(h27);
  CHECK(h26->title == "Boxing Day");
  CHECK(h27->title == "Christmas Day");
  CHECK(h27->notes == "Substitute day");
  // 2034: 1 January a Sunday -> Scotland Monday 2 (New Year's Day) and Tuesday 3 (2nd January).
  CHECK(cal.holiday_on(D("2034-01-02"), Division::scotland)->title == "New Year\u2019s Day");
  CHECK(cal.holiday_on(D("2034-01-03"), Division::scotland)->title == "2nd January");
  CHECK_FALSE(cal.holiday_on(D("2034-01-03"), Division::england_and_wales));
  // 2028: St Andrew's Day on a Thursday; 2031: the Boyne on a Saturday -> Monday 14.
  CHECK(cal.holiday_on(D("2028-11-30"), Division::scotland));
  CHECK(cal.holiday_on(D("2031-07-14"), Division::northern_ireland)->notes == "Substitute day");
  CHECK(standard_holidays(2030, Division::england_and_wales).size() == 8);
  CHECK(standard_holidays(2030, Division::scotland).size() == 9);
  CHECK(standard_holidays(2030, Division::northern_ireland).size() == 10);
}

TEST_CASE("working days across Christmas and New Year in each division", "[workflows][calendar]") {
  const auto& cal = HolidayCalendar::built_in();
  WorkingDays ew(cal, Division::england_and_wales);
  WorkingDays sc(cal, Division::scotland);
  WorkingDays ni(cal, Division::northern_ireland);
  // By hand: 23, 24, (25 Christmas, 26-27 weekend, 28 Boxing Day substitute), 29, 30, 31.
  CHECK(format_date(ew.add_working_days(D("2026-12-22"), 5)) == "2026-12-31");
  CHECK(format_date(sc.add_working_days(D("2026-12-22"), 5)) == "2026-12-31");
  // 6th and 7th: E&W 4 and 5 January; Scotland loses 4 January (2nd January substitute).
  CHECK(format_date(ew.add_working_days(D("2026-12-22"), 7)) == "2027-01-05");
  CHECK(format_date(ni.add_working_days(D("2026-12-22"), 7)) == "2027-01-05");
  CHECK(format_date(sc.add_working_days(D("2026-12-22"), 7)) == "2027-01-06");
  // 2027: Christmas on Saturday, substitutes 27 and 28.
  CHECK(format_date(ew.add_working_days(D("2027-12-24"), 1)) == "2027-12-29");
  CHECK(format_date(sc.add_working_days(D("2027-12-24"), 1)) == "2027-12-29");
  // Subtraction retraces the same days.
  CHECK(format_date(ew.add_working_days(D("2027-01-05"), -7)) == "2026-12-22");
  CHECK(format_date(sc.add_working_days(D("2027-01-06"), -7)) == "2026-12-22");
  CHECK(ew.working_days_between(D("2026-12-22"), D("2026-12-31")) == 5);
  CHECK(ew.working_days_between(D("2026-12-31"), D("2026-12-22")) == -5);
  CHECK(ew.add_working_days(D("2026-12-25"), 0) == D("2026-12-25"));
  CHECK_FALSE(ew.is_working_day(D("2026-12-28")));
  CHECK(ew.next_working_day(D("2026-12-24")) == D("2026-12-29"));
  CHECK(ew.on_or_after(D("2026-12-24")) == D("2026-12-24"));
  CHECK(ew.previous_working_day(D("2026-12-29")) == D("2026-12-24"));
}

TEST_CASE("working days across Easter in each division", "[workflows][calendar]") {
  const auto& cal = HolidayCalendar::built_in();
  // Thursday 2 April 2026; Good Friday 3, Easter Monday 6 (not Scotland).
  CHECK(format_date(WorkingDays(cal, Division::england_and_wales).add_working_days(D("2026-04-02"), 1)) == "2026-04-07");
  CHECK(format_date(WorkingDays(cal, Division::northern_ireland).add_working_days(D("2026-04-02"), 1)) == "2026-04-07");
  CHECK(format_date(WorkingDays(cal, Division::scotland).add_working_days(D("2026-04-02"), 1)) == "2026-04-06");
  // St Patrick's Day 2026 (Tuesday) only stops Northern Ireland.
  CHECK(format_date(WorkingDays(cal, Division::northern_ireland).add_working_days(D("2026-03-16"), 1)) == "2026-03-18");
  CHECK(format_date(WorkingDays(cal, Division::england_and_wales).add_working_days(D("2026-03-16"), 1)) == "2026-03-17");
}

TEST_CASE("a UK-wide division set counts a holiday in any division", "[workflows][calendar]") {
  const auto& cal = HolidayCalendar::built_in();
  WorkingDays uk(cal, DivisionSet::uk());
  CHECK_FALSE(uk.is_working_day(D("2025-12-01")));  // St Andrew's Day substitute (Scotland)
  CHECK_FALSE(uk.is_working_day(D("2026-03-17")));  // St Patrick's Day (NI)
  CHECK_FALSE(uk.is_working_day(D("2026-04-06")));  // Easter Monday (not Scotland)
  CHECK(WorkingDays(cal, Division::england_and_wales).is_working_day(D("2025-12-01")));
  CHECK(uk.why_not_working(D("2025-12-01")).find("scotland") != std::string::npos);
  CHECK(parse_division_set("scotland,northern-ireland")->describe() == "scotland+northern-ireland");
  CHECK(*parse_division_set("uk") == DivisionSet::uk());
  CHECK_FALSE(parse_division_set("wales-and-england").ok());
}

TEST_CASE("a newly announced holiday moves working-day counts", "[workflows][calendar]") {
  HolidayCalendar cal = HolidayCalendar::built_in();
  CHECK(format_date(WorkingDays(cal, Division::england_and_wales).add_working_days(D("2026-06-01"), 5)) == "2026-06-08");
  REQUIRE(cal.add(Division::england_and_wales, {D("2026-06-05"), "Extra bank holiday", "", true}).ok());
  CHECK(format_date(WorkingDays(cal, Division::england_and_wales).add_working_days(D("2026-06-01"), 5)) == "2026-06-09");
  // Not in Scotland.
  CHECK(format_date(WorkingDays(cal, Division::scotland).add_working_days(D("2026-06-01"), 5)) == "2026-06-08");
  // Adding twice is a conflict; adding in a year beyond the feed keeps that year's rule holidays.
  CHECK(cal.add(Division::england_and_wales, {D("2026-06-05"), "Again", "", true}).error().kind == ErrorKind::conflict);
  REQUIRE(cal.add(Division::england_and_wales, {D("2030-06-14"), "Extra", "", true}).ok());
  CHECK(cal.covers(2030, Division::england_and_wales));
  CHECK(cal.holidays(2030, Division::england_and_wales).size() == 9);
  CHECK(cal.holiday_on(D("2030-12-25"), Division::england_and_wales));
}

TEST_CASE("malformed bank-holiday feeds are rejected naming the field", "[workflows][calendar]") {
  auto err = [](const std::string& text) {
    auto r = HolidayCalendar::from_json(text, "feed.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::invalid_input);
    return r.error().message;
  };
  auto feed = [&](const std::string& ew_events) {
    return R"({"england-and-wales": {"division": "england-and-wales", "events": )" + ew_events +
           R"(}, "scotland": {"division": "scotland", "events": []}, "northern-ireland": {"events": []}})";
  };
  CHECK(HolidayCalendar::from_json(feed("[]"), "feed.json").ok());
  CHECK(err("{not json").find("feed.json: not valid JSON") == 0);
  CHECK(err(R"({"england-and-wales": {"events": []}})").find("scotland: missing") != std::string::npos);
  CHECK(err(feed(R"([{"title": "X", "date": "2026-02-30"}])")).find("england-and-wales.events[0].date") != std::string::npos);
  CHECK(err(feed(R"([{"title": "X", "date": "26-02-01"}])")).find("YYYY-MM-DD") != std::string::npos);
  CHECK(err(feed(R"([{"date": "2026-02-02"}])")).find("events[0].title: missing") != std::string::npos);
  CHECK(err(feed(R"([{"title": "X", "date": "2026-02-02"}, {"title": "Y", "date": "2026-02-02"}])"))
            .find("listed twice") != std::string::npos);
  CHECK(err(feed(R"([{"title": "X", "date": "2026-02-02", "bunting": "yes"}])")).find("bunting") != std::string::npos);
  CHECK(err(R"({"wales": {}})").find("unknown division") != std::string::npos);
  auto missing = HolidayCalendar::load_file("/nonexistent/bank-holidays.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("/nonexistent/bank-holidays.json") != std::string::npos);
}
