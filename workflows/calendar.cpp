#include "workflows/calendar.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "workflows/detail/embedded_data.h"

namespace redbox::workflows {

namespace {

using namespace std::chrono;

constexpr const char* kSubstitute = "Substitute day";

int day_key(Date d) { return static_cast<int>(sys_days(d).time_since_epoch().count()); }

Date first_monday(int y, month m) { return Date{sys_days(year_month_weekday{year(y) / m / Monday[1]})}; }
Date last_monday(int y, month m) { return Date{sys_days(year_month_weekday_last{year(y) / m / Monday[last]})}; }
Date ymd(int y, unsigned m, unsigned d) { return Date{year(y), month(m), day(d)}; }

struct Fixed {
  Date date;
  const char* title;
  bool bunting;
};

// Places fixed-date holidays that may need substitute days, following the published lists:
// a holiday on a weekend moves to the next weekday not already a holiday.
//  - weekdays_first (Christmas/Boxing Day): holidays already on a weekday keep their date and
//    weekend ones take the next free weekday, so Christmas on a Sunday gives Boxing Day on
//    Monday 26 and Christmas's substitute on Tuesday 27.
//  - otherwise (Scotland's 1 and 2 January): in order, so New Year's Day on a Sunday takes
//    Monday 2 January and "2nd January" moves to Tuesday 3.
void place(std::vector<BankHoliday>& out, const std::vector<Fixed>& group, bool weekdays_first) {
  std::vector<Date> taken;
  auto is_taken = [&](Date d) { return std::find(taken.begin(), taken.end(), d) != taken.end(); };
  std::vector<bool> placed(group.size(), false);
  if (weekdays_first) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (!is_weekend(group[i].date)) {
        out.push_back({group[i].date, group[i].title, "", group[i].bunting});
        taken.push_back(group[i].date);
        placed[i] = true;
      }
    }
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (placed[i]) continue;
    Date d = group[i].date;
    while (is_weekend(d) || is_taken(d)) d = add_days(d, 1);
    out.push_back({d, group[i].title, d == group[i].date ? "" : kSubstitute, group[i].bunting});
    taken.push_back(d);
  }
}

std::string describe_json_error(const nlohmann::json::exception& e) {
  std::string what = e.what();
  // nlohmann prefixes "[json.exception.parse_error.101] "; keep the human part.
  auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

}  // namespace

std::string_view to_string(Division d) {
  switch (d) {
    case Division::england_and_wales: return "england-and-wales";
    case Division::scotland: return "scotland";
    case Division::northern_ireland: return "northern-ireland";
  }
  return "unknown";
}

Result<Division> parse_division(std::string_view text) {
  if (text == "england-and-wales" || text == "ew" || text == "england" || text == "wales") return Division::england_and_wales;
  if (text == "scotland" || text == "sc" || text == "scot") return Division::scotland;
  if (text == "northern-ireland" || text == "ni") return Division::northern_ireland;
  return Error::invalid_input("unknown division '" + std::string(text) +
                              "' (expected england-and-wales, scotland or northern-ireland)");
}

std::vector<Division> DivisionSet::members() const {
  std::vector<Division> out;
  for (Division d : kAllDivisions) {
    if (contains(d)) out.push_back(d);
  }
  return out;
}

std::string DivisionSet::describe() const {
  if (*this == uk()) return "all UK divisions";
  std::string out;
  for (Division d : members()) {
    if (!out.empty()) out += "+";
    out += to_string(d);
  }
  return out.empty() ? "no division" : out;
}

Result<DivisionSet> parse_division_set(std::string_view text) {
  if (text == "uk" || text == "all") return DivisionSet::uk();
  DivisionSet set;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",+", start);
    if (end == std::string_view::npos) end = text.size();
    auto part = text.substr(start, end - start);
    auto d = parse_division(part);
    if (!d) return d.error();
    set.add(*d);
    start = end + 1;
  }
  return set;
}

Date easter_sunday(int y) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = y % 19;
  int b = y / 100;
  int c = y % 100;
  int d = b / 4;
  int e = b % 4;
  int f = (b + 8) / 25;
  int g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4;
  int k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month_number = (h + l - 7 * m + 114) / 31;
  int day_number = (h + l - 7 * m + 114) % 31 + 1;
  return ymd(y, static_cast<unsigned>(month_number), static_cast<unsigned>(day_number));
}

std::vector<BankHoliday> standard_holidays(int y, Division division) {
  std::vector<BankHoliday> out;
  const bool scotland = division == Division::scotland;
  const bool ni = division == Division::northern_ireland;

  if (scotland) {
    place(out, {{ymd(y, 1, 1), "New Year\u2019s Day", true}, {ymd(y, 1, 2), "2nd January", true}}, false);
  } else {
    place(out, {{ymd(y, 1, 1), "New Year\u2019s Day", true}}, false);
  }
  if (ni) {
    place(out, {{ymd(y, 3, 17), "St Patrick\u2019s Day", true}}, false);
    place(out, {{ymd(y, 7, 12), "Battle of the Boyne (Orangemen\u2019s Day)", false}}, false);
  }
  Date easter = easter_sunday(y);
  out.push_back({add_days(easter, -2), "Good Friday", "", false});
  if (!scotland) out.push_back({add_days(easter, 1), "Easter Monday", "", true});
  out.push_back({first_monday(y, May), "Early May bank holiday", "", true});
  out.push_back({last_monday(y, May), "Spring bank holiday", "", true});
  out.push_back({scotland ? first_monday(y, August) : last_monday(y, August), "Summer bank holiday", "", true});
  if (scotland) place(out, {{ymd(y, 11, 30), "St Andrew\u2019s Day", true}}, false);
  place(out, {{ymd(y, 12, 25), "Christmas Day", true}, {ymd(y, 12, 26), "Boxing Day", true}}, true);
  std::sort(out.begin(), out.end(), [](const BankHoliday& a, const BankHoliday& b) {
    return sys_days(a.date) < sys_days(b.date);
  });
  return out;
}

const HolidayCalendar::Events& HolidayCalendar::events(Division d) const {
  switch (d) {
    case Division::scotland: return scotland_;
    case Division::northern_ireland: return northern_ireland_;
    case Division::england_and_wales: break;
  }
  return england_and_wales_;
}

HolidayCalendar::Events& HolidayCalendar::events(Division d) {
  return const_cast<Events&>(static_cast<const HolidayCalendar*>(this)->events(d));
}

Result<HolidayCalendar> HolidayCalendar::from_json(std::string_view text, std::string_view source) {
  const std::string src(source);
  auto bad = [&](const std::string& where, const std::string& why) {
    return Error::invalid_input(src + ": " + where + (where.empty() ? "" : ": ") + why);
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return bad("", "not valid JSON (" + describe_json_error(e) + ")");
  }
  if (!doc.is_object()) return bad("", "expected an object keyed by division");
  for (const auto& [key, value] : doc.items()) {
    if (!parse_division(key) || key != to_string(*parse_division(key))) {
      return bad(key, "unknown division (expected england-and-wales, scotland, northern-ireland)");
    }
  }
  HolidayCalendar cal;
  cal.source_ = src;
  for (Division division : kAllDivisions) {
    const std::string key(to_string(division));
    if (!doc.contains(key)) return bad(key, "missing (every division must be listed)");
    const auto& div = doc[key];
    if (!div.is_object()) return bad(key, "expected an object with \"division\" and \"events\"");
    if (div.contains("division") && (!div["division"].is_string() || div["division"].get<std::string>() != key)) {
      return bad(key + ".division", "must be \"" + key + "\"");
    }
    if (!div.contains("events") || !div["events"].is_array()) return bad(key + ".events", "missing or not an array");
    auto& events = cal.events(division);
    std::size_t index = 0;
    for (const auto& ev : div["events"]) {
      const std::string where = key + ".events[" + std::to_string(index++) + "]";
      if (!ev.is_object()) return bad(where, "expected an object");
      if (!ev.contains("date") || !ev["date"].is_string()) return bad(where + ".date", "missing or not a string");
      auto date = parse_date(ev["date"].get<std::string>(), src + ": " + where + ".date");
      if (!date) return date.error();
      if (!ev.contains("title") || !ev["title"].is_string() || ev["title"].get<std::string>().empty()) {
        return bad(where + ".title", "missing or empty");
      }
      BankHoliday h{*date, ev["title"].get<std::string>(), "", true};
      if (ev.contains("notes")) {
        if (!ev["notes"].is_string()) return bad(where + ".notes", "not a string");
        h.notes = ev["notes"].get<std::string>();
      }
      if (ev.contains("bunting")) {
        if (!ev["bunting"].is_boolean()) return bad(where + ".bunting", "not true or false");
        h.bunting = ev["bunting"].get<bool>();
      }
      if (!events.emplace(day_key(h.date), h).second) {
        return bad(where + ".date", format_date(h.date) + " is listed twice");
      }
      cal.years_[division].insert(year_of(h.date));
    }
  }
  return cal;
}

Result<HolidayCalendar> HolidayCalendar::load_file(const std::filesystem::path& path) {
  auto text = read_file(path, 4u << 20);
  if (!text) return text.error().within("bank holidays file " + path.string());
  return from_json(*text, path.string());
}

const HolidayCalendar& HolidayCalendar::built_in() {
  static const HolidayCalendar cal = from_json(embedded::bank_holidays_json(), "built-in bank-holidays.json").value();
  return cal;
}

HolidayCalendar HolidayCalendar::rules_only() {
  HolidayCalendar cal;
  cal.source_ = "rules";
  return cal;
}

bool HolidayCalendar::covers(int y, Division division) const {
  auto it = years_.find(division);
  return it != years_.end() && it->second.count(y) != 0;
}

std::vector<int> HolidayCalendar::years(Division division) const {
  auto it = years_.find(division);
  if (it == years_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::optional<BankHoliday> HolidayCalendar::holiday_on(Date date, Division division) const {
  const int y = year_of(date);
  if (covers(y, division)) {
    const auto& ev = events(division);
    auto it = ev.find(day_key(date));
    if (it == ev.end()) return std::nullopt;
    return it->second;
  }
  for (auto& h : standard_holidays(y, division)) {
    if (h.date == date) return h;
  }
  return std::nullopt;
}

bool HolidayCalendar::is_bank_holiday(Date date, DivisionSet divisions) const {
  for (Division d : divisions.members()) {
    if (holiday_on(date, d)) return true;
  }
  return false;
}

std::vector<BankHoliday> HolidayCalendar::holidays(int y, Division division) const {
  if (!covers(y, division)) return standard_holidays(y, division);
  std::vector<BankHoliday> out;
  const auto& ev = events(division);
  for (auto it = ev.lower_bound(day_key(ymd(y, 1, 1))); it != ev.end() && year_of(it->second.date) == y; ++it) {
    out.push_back(it->second);
  }
  return out;
}

Status HolidayCalendar::add(Division division, BankHoliday holiday) {
  if (!holiday.date.ok()) return Error::invalid_input("bank holiday date is not a calendar date");
  if (holiday.title.empty()) return Error::invalid_input("bank holiday needs a title");
  const int y = year_of(holiday.date);
  auto& ev = events(division);
  if (!covers(y, division)) {
    for (auto& h : standard_holidays(y, division)) ev.emplace(day_key(h.date), h);
    years_[division].insert(y);
  }
  if (ev.count(day_key(holiday.date)) != 0) {
    return Error::conflict(format_date(holiday.date) + " is already a bank holiday in " + std::string(to_string(division)));
  }
  ev.emplace(day_key(holiday.date), std::move(holiday));
  return Status::success();
}

std::string HolidayCalendar::to_json() const {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (Division division : kAllDivisions) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& [key, h] : events(division)) {
      list.push_back({{"title", h.title}, {"date", format_date(h.date)}, {"notes", h.notes}, {"bunting", h.bunting}});
    }
    doc[std::string(to_string(division))] = {{"division", std::string(to_string(division))}, {"events", list}};
  }
  return doc.dump(1) + "\n";
}

Result<HolidayCalendar> load_holiday_calendar(const std::optional<std::filesystem::path>& path) {
  if (path) return HolidayCalendar::load_file(*path);
  if (const char* env = std::getenv("REDBOX_BANK_HOLIDAYS"); env != nullptr && *env != '\0') {
    return HolidayCalendar::load_file(env);
  }
  return HolidayCalendar::built_in();
}

}  // namespace redbox::workflows
