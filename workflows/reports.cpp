#include "workflows/reports.h"

#include <cstdio>
#include "common/csv.h"

namespace redbox::workflows {

namespace {

std::string csv_field(const std::string& s) { return csv::field(s); }

void case_rows(sql::Database& db, ReportTable& t, const std::string& where, const std::vector<std::string>& binds, std::size_t limit) {
  t.columns = {"due", "due_time", "reference", "type", "stage", "team", "holder", "action"};
  auto st = db.prepare("SELECT due, due_time, reference, type, stage, team, holder, action_needed FROM cases WHERE closed = 0 AND " +
                       where + " ORDER BY due, num LIMIT " + std::to_string(limit));
  for (std::size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
  while (st.step()) {
    std::vector<std::string> row;
    for (int c = 0; c < 8; ++c) row.push_back(st.text(c));
    t.rows.push_back(std::move(row));
  }
}

}  // namespace

std::string ReportTable::csv() const {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(columns[i]);
  out += "\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_field(r[i]);
    out += "\n";
  }
  return out;
}

nlohmann::json ReportTable::to_json() const {
  nlohmann::json rows_json = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json o;
    for (std::size_t i = 0; i < columns.size() && i < r.size(); ++i) o[columns[i]] = r[i];
    rows_json.push_back(o);
  }
  return {{"report", name}, {"rows", rows_json}};
}

Result<ReportTable> case_report(const storage::Catalog& catalog, const std::string& kind, Date today, std::size_t limit) {
  ReportTable t;
  t.name = kind;
  std::string today_text = format_date(today);
  Status s = catalog.read([&](sql::Database& db) {
    if (kind == "open") {
      t.columns = {"team", "holder", "open", "overdue", "due_this_week"};
      // "This week": today to the coming Sunday.
      int dow = static_cast<int>(std::chrono::weekday(std::chrono::sys_days(today)).iso_encoding());  // 1 = Monday
      std::string sunday = format_date(add_days(today, 7 - dow));
      auto st = db.prepare(
          "SELECT team, holder, COUNT(*), SUM(CASE WHEN due < ?1 AND paused_since IS NULL THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN due >= ?1 AND due <= ?2 THEN 1 ELSE 0 END) FROM cases WHERE closed = 0 GROUP BY team, holder "
          "ORDER BY team, holder");
      st.bind(1, today_text).bind(2, sunday);
      while (st.step()) {
        t.rows.push_back({st.text(0), st.text(1), std::to_string(st.int64(2)), std::to_string(st.int64(3)), std::to_string(st.int64(4))});
      }
    } else if (kind == "due-week") {
      int dow = static_cast<int>(std::chrono::weekday(std::chrono::sys_days(today)).iso_encoding());
      case_rows(db, t, "due >= ? AND due <= ?", {today_text, format_date(add_days(today, 7 - dow))}, limit);
    } else if (kind == "overdue") {
      case_rows(db, t, "due < ? AND paused_since IS NULL", {today_text}, limit);
    } else if (kind == "on-time") {
      t.columns = {"type", "month", "answered", "on_time", "percent_on_time"};
      auto st = db.prepare(
          "SELECT type, substr(closed_on, 1, 7) AS month, COUNT(*), SUM(on_time) FROM cases WHERE closed = 1 AND "
          "outcome = 'answered' GROUP BY type, month ORDER BY type, month");
      while (st.step()) {
        std::int64_t n = st.int64(2);
        std::int64_t ok = st.int64(3);
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.1f", n > 0 ? 100.0 * static_cast<double>(ok) / static_cast<double>(n) : 0.0);
        t.rows.push_back({st.text(0), st.text(1), std::to_string(n), std::to_string(ok), pct});
      }
    } else {
      fail(Error::invalid_input("report '" + kind + "': expected open, due-week, overdue or on-time"));
    }
  });
  if (!s) return s.error();
  return t;
}

}  // namespace redbox::workflows
