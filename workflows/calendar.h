// UK bank holidays for the three divisions (England and Wales, Scotland, Northern Ireland).
//
// Where the dates come from: a calendar holds the events of a feed in the same JSON shape as
// the government's published bank-holidays feed ({"england-and-wales": {"division": ...,
// "events": [{"title", "date", "notes", "bunting"}]}, "scotland": ..., "northern-ireland": ...}).
// For a year the feed lists (any event that year in that division), the feed is authoritative,
// so one-off holidays (a jubilee, a state funeral, a moved early-May holiday) are honoured.
// For a year it does not list, the rules engine (standard_holidays) computes the standard
// holidays with their substitute days, so deadlines far ahead are still right unless a special
// holiday is announced; when one is, replace the data file (or call add()) and recompute.
//
// The built-in feed (workflows/data/bank-holidays.json, official dates 2018-2027) is compiled
// into the binary so an installation never runs without it; a replacement file is loaded from
// a path given by the caller, or by $REDBOX_BANK_HOLIDAYS (see load_holiday_calendar).
//
// Thread-safety: const methods may be called from several threads at once; add() needs
// exclusive access.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "workflows/date.h"

namespace redbox::workflows {

enum class Division : std::uint8_t { england_and_wales = 1, scotland = 2, northern_ireland = 4 };

// The feed's key: "england-and-wales", "scotland", "northern-ireland".
std::string_view to_string(Division d);
// Accepts the feed keys and the short forms "ew", "sc"/"scot", "ni".
Result<Division> parse_division(std::string_view text);
constexpr Division kAllDivisions[] = {Division::england_and_wales, Division::scotland, Division::northern_ireland};

// A set of divisions whose bank holidays are non-working days. FOI (FOIA 2000 s10(6)) counts
// a bank holiday in ANY part of the UK: DivisionSet::uk().
class DivisionSet {
 public:
  constexpr DivisionSet() = default;
  constexpr DivisionSet(Division d) : bits_(static_cast<std::uint8_t>(d)) {}  // NOLINT(google-explicit-constructor)
  static constexpr DivisionSet uk() {
    DivisionSet s;
    s.bits_ = 7;
    return s;
  }
  DivisionSet& add(Division d) {
    bits_ |= static_cast<std::uint8_t>(d);
    return *this;
  }
  bool contains(Division d) const { return (bits_ & static_cast<std::uint8_t>(d)) != 0; }
  bool empty() const { return bits_ == 0; }
  bool operator==(const DivisionSet&) const = default;
  std::vector<Division> members() const;
  // "england-and-wales", "england-and-wales+scotland", "all UK divisions".
  std::string describe() const;

 private:
  std::uint8_t bits_ = 0;
};

// Parses "england-and-wales", "scotland,northern-ireland", "uk" / "all".
Result<DivisionSet> parse_division_set(std::string_view text);

struct BankHoliday {
  Date date;
  std::string title;
  std::string notes;   // "Substitute day" for a weekend holiday moved to a weekday
  bool bunting = true;
  bool operator==(const BankHoliday&) const = default;
};

// Easter Sunday in the Gregorian calendar (anonymous Gregorian / Meeus-Jones-Butcher).
Date easter_sunday(int year);

// The standard bank holidays of a year in one division, computed from the rules (including
// substitute days), sorted by date. Knows nothing of one-off holidays: a feed does.
std::vector<BankHoliday> standard_holidays(int year, Division division);

class HolidayCalendar {
 public:
  // Parses a feed. source names it in errors ("bank-holidays.json: scotland.events[4].date: ...").
  static Result<HolidayCalendar> from_json(std::string_view text, std::string_view source);
  static Result<HolidayCalendar> load_file(const std::filesystem::path& path);
  // The compiled-in copy of workflows/data/bank-holidays.json.
  static const HolidayCalendar& built_in();
  // A calendar with no feed data: every year comes from the rules engine.
  static HolidayCalendar rules_only();

  // The holiday on date in division, if any (feed for a listed year, rules otherwise).
  std::optional<BankHoliday> holiday_on(Date date, Division division) const;
  // True if date is a bank holiday in any division of the set.
  bool is_bank_holiday(Date date, DivisionSet divisions) const;
  // Every holiday of a year in a division, sorted by date.
  std::vector<BankHoliday> holidays(int year, Division division) const;
  // True if the feed lists the year for the division (else the rules engine answers).
  bool covers(int year, Division division) const;
  // Years the feed lists for a division, ascending.
  std::vector<int> years(Division division) const;

  // Adds a newly announced holiday. If the feed did not list that year, the year's standard
  // holidays are written in first, so the year stays complete. conflict if the date is already
  // a holiday in that division.
  Status add(Division division, BankHoliday holiday);

  // The feed in the government's JSON shape (what from_json reads).
  std::string to_json() const;
  const std::string& source() const { return source_; }

 private:
  using Events = std::map<int, BankHoliday>;  // keyed by days since epoch
  const Events& events(Division d) const;
  Events& events(Division d);

  std::string source_;
  Events england_and_wales_;
  Events scotland_;
  Events northern_ireland_;
  std::map<Division, std::set<int>> years_;
};

// The calendar an installation uses: path if given, else $REDBOX_BANK_HOLIDAYS if set, else
// the built-in copy. A missing or malformed file is an error (never a silent fallback, since a
// wrong calendar gives wrong statutory deadlines).
Result<HolidayCalendar> load_holiday_calendar(const std::optional<std::filesystem::path>& path = std::nullopt);

}  // namespace redbox::workflows
