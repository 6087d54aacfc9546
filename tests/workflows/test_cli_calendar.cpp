// The `redbox calendar` command end to end: the date alone on the last line, explanations
// before it, JSON, a replacement bank-holiday file, and errors with exit code 2.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "workflows/calendar.h"

using namespace redbox;

namespace {

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  auto pos = s.rfind('\n');
  return pos == std::string::npos ? s : s.substr(pos + 1);
}

std::size_t line_count(const std::string& out) { return static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n')); }

}  // namespace

TEST_CASE("calendar add-working-days prints the date on its last line", "[workflows][cli]") {
  auto r = test::run_redbox({"calendar", "add-working-days", "2026-12-22", "5", "--division", "england-and-wales"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "2026-12-31\n");
  r = test::run_redbox({"calendar", "add-working-days", "2026-12-22", "7", "--division", "scotland", "--explain"});
  REQUIRE(r.exit_code == 0);
  CHECK(last_line(r.out) == "2027-01-06");
  CHECK(line_count(r.out) > 1);
  CHECK(r.out.find("2027-01-04, a bank holiday in scotland") != std::string::npos);
  r = test::run_redbox({"calendar", "add-working-days", "--division", "scotland", "--", "2027-01-06", "-7"});
  CHECK(last_line(r.out) == "2026-12-22");
}

TEST_CASE("calendar deadline explains and ends with the date", "[workflows][cli]") {
  auto r = test::run_redbox({"calendar", "deadline", "--type", "sar", "--received", "2026-01-31", "--explain"});
  REQUIRE(r.exit_code == 0);
  CHECK(last_line(r.out) == "2026-03-02");
  CHECK(r.out.find("February 2026 has no 31st") != std::string::npos);
  CHECK(r.out.find("2026-02-28 is a Saturday -> next working day 2026-03-02") != std::string::npos);

  r = test::run_redbox({"calendar", "deadline", "--type", "foi", "--received", "2025-11-20"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "2025-12-19\n");

  r = test::run_redbox({"--json", "calendar", "deadline", "--type", "pq", "--received", "2026-03-02", "--named-day",
                        "2026-03-05"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["date"] == "2026-03-05");
  CHECK(j["time"] == "12:00");
  CHECK(j["milestones"].size() == 2);

  r = test::run_redbox({"calendar", "deadline", "--type", "sar", "--received", "2026-01-05", "--clock-stop",
                        "2026-01-10:2026-01-17"});
  CHECK(last_line(r.out) == "2026-02-12");
}

TEST_CASE("calendar holidays lists a year's holidays for a division", "[workflows][cli]") {
  auto r = test::run_redbox({"--json", "calendar", "holidays", "--year", "2027", "--division", "scotland"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> dates;
  for (const auto& h : j) dates.push_back(h["date"]);
  CHECK(dates == std::vector<std::string>{"2027-01-01", "2027-01-04", "2027-03-26", "2027-05-03", "2027-05-31",
                                          "2027-08-02", "2027-11-30", "2027-12-27", "2027-12-28"});
  CHECK(j[0]["source"] == "feed");
}

TEST_CASE("a replacement bank-holiday file moves deadlines", "[workflows][cli]") {
  auto dir = test::temp_dir();
  workflows::HolidayCalendar cal = workflows::HolidayCalendar::built_in();
  REQUIRE(cal.add(workflows::Division::england_and_wales,
                  {workflows::parse_date("2026-03-02").value(), "Extra bank holiday", "", true}).ok());
  auto path = dir.path() / "bank-holidays.json";
  REQUIRE(write_file_atomic(path, cal.to_json()).ok());
  auto r = test::run_redbox({"calendar", "deadline", "--type", "sar", "--received", "2026-01-31", "--bank-holidays",
                             path.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(last_line(r.out) == "2026-03-03");
  r = test::run_redbox({"calendar", "deadline", "--type", "sar", "--received", "2026-01-31"}, "",
                       {"REDBOX_BANK_HOLIDAYS=" + path.string()});
  CHECK(last_line(r.out) == "2026-03-03");
  // A broken file is an error, never a silent fallback to the built-in calendar.
  REQUIRE(write_file_atomic(dir.path() / "bad.json", "{\"scotland\": 3}").ok());
  r = test::run_redbox({"calendar", "add-working-days", "2026-01-05", "1", "--bank-holidays",
                        (dir.path() / "bad.json").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.json") != std::string::npos);
}

TEST_CASE("calendar rejects bad input with exit code 2", "[workflows][cli]") {
  auto r = test::run_redbox({"calendar", "add-working-days", "2026-02-30", "5"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("2026-02-30") != std::string::npos);
  r = test::run_redbox({"calendar", "add-working-days", "2026-02-03", "five"});
  CHECK(r.exit_code == 2);
  r = test::run_redbox({"calendar", "deadline", "--type", "nope", "--received", "2026-01-01"});
  CHECK(r.exit_code == 4);
  r = test::run_redbox({"calendar", "holidays", "--year", "2027", "--division", "wessex"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("wessex") != std::string::npos);
  r = test::run_redbox({"calendar", "deadline", "--type", "pq", "--received", "2026-01-01"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("named day") != std::string::npos);
}
