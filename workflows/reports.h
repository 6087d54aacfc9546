// Management reports over the case tables, as tables (header + rows) that print as CSV or JSON:
//   open      open cases by team and holder
//   due-week  open cases due from today to the coming Sunday (UK dates), by deadline
//   overdue   open cases past their deadline (the clock not stopped), by deadline
//   on-time   answered cases by type and month closed: how many, how many on time, percentage
// Reports name cases by reference, type, team and holder; never the requester.
// Thread-safety: reads only; safe from several threads.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "storage/catalog.h"
#include "workflows/date.h"

namespace redbox::workflows {

struct ReportTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::string csv() const;
  nlohmann::json to_json() const;
};

// kind: open, due-week, overdue, on-time. limit caps the case lists (due-week, overdue).
Result<ReportTable> case_report(const storage::Catalog& catalog, const std::string& kind, Date today, std::size_t limit = 10000);

}  // namespace redbox::workflows
