// redbox calendar: UK working days, bank holidays and case deadlines, computed the way a case
// computes them. The resulting date is printed in ISO form alone on the last line (any
// explanation comes before it), so scripts can take `| tail -n1`.
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "common/error.h"
#include "workflows/calendar.h"
#include "workflows/case_type.h"
#include "workflows/deadlines.h"
#include "workflows/working_days.h"

namespace {

using namespace redbox;
using namespace redbox::workflows;

constexpr const char* kUsage = R"(usage: redbox calendar SUBCOMMAND [OPTIONS]

Subcommands:
  add-working-days DATE N       the N-th working day after DATE (N < 0: before; write
                                "-- DATE -4" so -4 is not read as an option)
  working-days-between FROM TO  working days after FROM up to and including TO
  is-working-day DATE           prints yes/no and why (exit 0 either way)
  holidays --year YYYY          the bank holidays of a year
  deadline --type TYPE --received DATE
                                a case type's deadline and milestones
  types                         the case types and their deadline rules

Options:
  --division D        england-and-wales (default), scotland, northern-ireland, or a list
                      (scotland,northern-ireland) or uk for every division. For deadline, the
                      case's division; a type whose law fixes the divisions (FOI: uk) keeps them.
  --explain           print how the date was computed, one step a line, before it
  --named-day DATE    deadline: the named day (Parliamentary Questions, write rounds)
  --clock-stop A:B    deadline: the clock stopped on A and resumed on B (repeatable)
  --extended          deadline: apply the type's extension (SAR: two further months)
  --bank-holidays F   a bank-holidays.json in the government feed's shape (else
                      $REDBOX_BANK_HOLIDAYS, else the built-in feed)
  --case-types DIR    a folder of case type files overriding the shipped ones (repeatable;
                      also $REDBOX_CASE_TYPES)
  --json              machine-readable output
)";

Date date_arg(const std::string& text, const char* what) { return parse_date(text, what).value(); }

DivisionSet divisions_arg(const cli::ParsedArgs& args) {
  auto all = args.all("division");
  if (all.empty()) return DivisionSet(Division::england_and_wales);
  DivisionSet set;
  for (const auto& v : all) {
    auto parsed = parse_division_set(v);
    if (!parsed) fail(parsed.error().within("--division"));
    for (Division d : parsed->members()) set.add(d);
  }
  return set;
}

Division single_division(const cli::ParsedArgs& args) {
  auto set = divisions_arg(args);
  auto members = set.members();
  if (members.size() != 1) fail(Error::invalid_input("--division: give one division here, not " + set.describe()));
  return members.front();
}

HolidayCalendar calendar_arg(const cli::ParsedArgs& args) {
  std::optional<std::filesystem::path> path;
  if (auto p = args.get("bank-holidays")) path = *p;
  return load_holiday_calendar(path).value();
}

void print_result(cli::CommandContext& ctx, const cli::ParsedArgs& args, Date result,
                  const std::vector<std::string>& explanation, nlohmann::json json) {
  if (ctx.global.json) {
    json["date"] = format_date(result);
    json["explanation"] = explanation;
    ctx.out << json.dump() << "\n";
    return;
  }
  if (args.has("explain")) {
    for (const auto& line : explanation) ctx.out << line << "\n";
  }
  ctx.out << format_date(result) << "\n";
}

int add_working_days_cmd(cli::CommandContext& ctx, const cli::ParsedArgs& args) {
  const auto& pos = args.positionals();
  if (pos.size() != 3) fail(Error::invalid_input("usage: redbox calendar add-working-days DATE N [--division D]"));
  Date start = date_arg(pos[1], "DATE");
  int n = 0;
  try {
    std::size_t used = 0;
    n = std::stoi(pos[2], &used);
    if (used != pos[2].size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    fail(Error::invalid_input("N: expected a whole number of working days, not '" + pos[2] + "'"));
  }
  auto calendar = calendar_arg(args);
  WorkingDays wd(calendar, divisions_arg(args));
  Date result = wd.add_working_days(start, n);
  std::vector<std::string> steps{format_date(start) + " (" + weekday_name(start) + ") " + (n < 0 ? "- " : "+ ") +
                                 std::to_string(std::abs(n)) + " working days in " + wd.divisions().describe()};
  Date lo = n < 0 ? result : start;
  Date hi = n < 0 ? start : result;
  for (Date d = add_days(lo, 1); days_between(d, hi) > 0; d = add_days(d, 1)) {
    if (!is_weekend(d) && !wd.is_working_day(d)) steps.push_back("not counted: " + format_date(d) + ", " + wd.why_not_working(d));
  }
  steps.push_back("-> " + format_date(result) + " (" + weekday_name(result) + ")");
  print_result(ctx, args, result, steps,
               {{"start", format_date(start)}, {"working_days", n}, {"divisions", wd.divisions().describe()}});
  return 0;
}

int between_cmd(cli::CommandContext& ctx, const cli::ParsedArgs& args) {
  const auto& pos = args.positionals();
  if (pos.size() != 3) fail(Error::invalid_input("usage: redbox calendar working-days-between FROM TO [--division D]"));
  auto calendar = calendar_arg(args);
  WorkingDays wd(calendar, divisions_arg(args));
  int n = wd.working_days_between(date_arg(pos[1], "FROM"), date_arg(pos[2], "TO"));
  if (ctx.global.json) {
    ctx.out << nlohmann::json{{"from", pos[1]}, {"to", pos[2]}, {"working_days", n}}.dump() << "\n";
  } else {
    ctx.out << n << "\n";
  }
  return 0;
}

int is_working_day_cmd(cli::CommandContext& ctx, const cli::ParsedArgs& args) {
  const auto& pos = args.positionals();
  if (pos.size() != 2) fail(Error::invalid_input("usage: redbox calendar is-working-day DATE [--division D]"));
  auto calendar = calendar_arg(args);
  WorkingDays wd(calendar, divisions_arg(args));
  Date d = date_arg(pos[1], "DATE");
  std::string why = wd.why_not_working(d);
  if (ctx.global.json) {
    ctx.out << nlohmann::json{{"date", pos[1]}, {"working_day", why.empty()}, {"reason", why}}.dump() << "\n";
  } else {
    ctx.out << (why.empty() ? "yes" : "no: " + format_date(d) + " is " + why) << "\n";
  }
  return 0;
}

int holidays_cmd(cli::CommandContext& ctx, const cli::ParsedArgs& args) {
  auto year = args.get_int("year");
  if (!year) fail(Error::invalid_input("holidays needs --year YYYY"));
  if (*year < 1900 || *year > 9999) fail(Error::invalid_input("--year must be between 1900 and 9999"));
  auto calendar = calendar_arg(args);
  nlohmann::json out = nlohmann::json::array();
  for (Division div : divisions_arg(args).members()) {
    const int y = static_cast<int>(*year);
    const char* source = calendar.covers(y, div) ? "feed" : "rules";
    for (const auto& h : calendar.holidays(y, div)) {
      if (ctx.global.json) {
        out.push_back({{"division", std::string(to_string(div))}, {"date", format_date(h.date)}, {"title", h.title},
                       {"notes", h.notes}, {"bunting", h.bunting}, {"source", source}});
      } else {
        ctx.out << format_date(h.date) << "  " << weekday_name(h.date) << "  " << to_string(div) << "  " << h.title
                << (h.notes.empty() ? "" : " (" + h.notes + ")") << "\n";
      }
    }
    if (!ctx.global.json && !calendar.covers(y, div)) {
      ctx.err << "note: " << y << " is not in the bank-holiday feed for " << to_string(div)
              << "; these are the standard holidays computed by rule\n";
    }
  }
  if (ctx.global.json) ctx.out << out.dump() << "\n";
  return 0;
}

CaseTypeRegistry types_arg(const cli::ParsedArgs& args) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& d : args.all("case-types")) dirs.emplace_back(d);
  return load_case_types(dirs).value();
}

int deadline_cmd(cli::CommandContext& ctx, const cli::ParsedArgs& args) {
  auto type_id = args.get("type");
  auto received = args.get("received");
  if (!type_id || !received) fail(Error::invalid_input("deadline needs --type TYPE and --received DATE"));
  auto registry = types_arg(args);
  const CaseType* type = registry.get(*type_id).value();
  auto calendar = calendar_arg(args);

  DeadlineRequest request;
  request.received = date_arg(*received, "--received");
  request.division = single_division(args);
  request.extended = args.has("extended");
  if (auto named = args.get("named-day")) request.named_day = date_arg(*named, "--named-day");
  for (const auto& stop : args.all("clock-stop")) {
    auto colon = stop.find(':');
    if (colon == std::string::npos) fail(Error::invalid_input("--clock-stop: expected STOPPED:RESUMED, not '" + stop + "'"));
    request.clock_stops.push_back({date_arg(stop.substr(0, colon), "--clock-stop"), date_arg(stop.substr(colon + 1), "--clock-stop")});
  }
  Deadline deadline = compute_deadline(type->deadline, request, calendar).value();
  auto milestones = compute_milestones(type->milestones, deadline, request, calendar);

  std::vector<std::string> steps{type->name + ": " + type->deadline.describe()};
  steps.insert(steps.end(), deadline.explanation.begin(), deadline.explanation.end());
  for (const auto& m : milestones) {
    steps.push_back(m.name + ": " + format_date(m.due) + " (" + m.explanation.front() + ")");
  }
  if (!deadline.time.empty()) steps.push_back("due by " + deadline.time + " UK time");

  nlohmann::json json = deadline.to_json();
  json["type"] = type->id;
  json["received"] = format_date(request.received);
  json["milestones"] = nlohmann::json::array();
  for (const auto& m : milestones) {
    json["milestones"].push_back({{"id", m.id}, {"name", m.name}, {"due", format_date(m.due)}, {"explanation", m.explanation}});
  }
  print_result(ctx, args, deadline.due, steps, json);
  return 0;
}

int types_cmd(cli::CommandContext& ctx, const cli::ParsedArgs& args) {
  auto registry = types_arg(args);
  nlohmann::json out = nlohmann::json::array();
  for (const CaseType* t : registry.all()) {
    if (ctx.global.json) {
      out.push_back(t->to_json());
    } else {
      ctx.out << t->id << "  " << t->name << "  [" << t->reference.pattern() << "]  " << t->deadline.describe() << "\n";
    }
  }
  if (ctx.global.json) ctx.out << out.dump() << "\n";
  return 0;
}

int run_calendar(cli::CommandContext& ctx, const std::vector<std::string>& argv) {
  cli::ArgParser parser;
  parser.option("division").option("year").option("type").option("received").option("named-day").option("clock-stop")
      .option("bank-holidays").option("case-types").flag("explain").flag("extended");
  auto args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().empty()) fail(Error::invalid_input("calendar needs a subcommand (see redbox calendar --help)"));
  const std::string& sub = args.positionals().front();
  if (sub == "add-working-days") return add_working_days_cmd(ctx, args);
  if (sub == "working-days-between") return between_cmd(ctx, args);
  if (sub == "is-working-day") return is_working_day_cmd(ctx, args);
  if (sub == "holidays") return holidays_cmd(ctx, args);
  if (sub == "deadline") return deadline_cmd(ctx, args);
  if (sub == "types") return types_cmd(ctx, args);
  fail(Error::invalid_input("unknown calendar subcommand '" + sub + "' (see redbox calendar --help)"));
}

const cli::Registrar reg({"calendar", "UK working days, bank holidays and case deadlines", kUsage, run_calendar});

}  // namespace
