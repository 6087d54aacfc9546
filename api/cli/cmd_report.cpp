// redbox report: case management reports (workflows/reports.h) as a table, CSV or JSON.
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/files.h"
#include "workflows/case_store.h"
#include "workflows/reports.h"

namespace redbox::cli {
namespace {

using namespace redbox::workflows;

constexpr const char* kUsage = R"(usage: redbox report KIND [--csv] [-o FILE] [--today DATE]

Kinds:
  open       open cases by team and holder (with overdue and due-this-week counts)
  due-week   open cases due from today to Sunday, by deadline
  overdue    open cases past their deadline (clock not stopped), by deadline
  on-time    answered cases by type and month closed, and the percentage on time
Options:
  --csv        CSV instead of a table
  -o FILE      write to FILE (atomically)
  --today D    report as of this date (default: today in the UK)
  --json       machine-readable output
)";

int run_report(CommandContext& ctx, const std::vector<std::string>& argv) {
  ParsedArgs args = ArgParser().flag("csv").option("output", "o").option("today").parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().size() != 1) fail(Error::invalid_input("usage: redbox report open|due-week|overdue|on-time"));
  storage::Store store = open_data_folder(ctx.global);
  Date today = uk_local_time(SystemClock::instance().now()).date;
  if (auto t = args.get("today")) today = parse_date(*t, "--today").value();
  ReportTable table = case_report(*store.catalog, args.positionals()[0], today).value();
  std::string text;
  if (ctx.global.json) {
    text = table.to_json().dump() + "\n";
  } else if (args.has("csv") || args.has("output")) {
    text = table.csv();
  } else {
    for (const auto& c : table.columns) text += c + "\t";
    text += "\n";
    for (const auto& r : table.rows) {
      for (const auto& v : r) text += v + "\t";
      text += "\n";
    }
  }
  if (auto out = args.get("output")) {
    write_file_atomic(*out, text).throw_if_error();
  } else {
    ctx.out << text;
  }
  return 0;
}

const Registrar reg({"report", "case reports: open, due this week, overdue, on time", kUsage, run_report});

}  // namespace
}  // namespace redbox::cli
