// Creates N cases (default 1,000,000) with 4 history events each in a fresh data folder, then
// times, through CaseService (the code the CLI and API run):
//   - a team's open cases sorted by deadline (first page of 100, and a page deep via cursor)
//   - one case's full history (a case with 40 events)
//   - showing one case
// and, side by side, the same team listing with the index bypassed (NOT INDEXED: what a
// spreadsheet-style full scan costs). Bulk rows are generated in SQL (like an import), not
// through CaseService, and have no per-row audit events; the timed calls are the real ones.
//   usage: bench_cases DATA_DIR [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/support/timing.h"
#include "storage/store.h"
#include "workflows/case_store.h"

using namespace redbox;
using namespace redbox::workflows;
using Clock_ = bench::BenchClock;
using bench::median_ms;
using bench::ms_since;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_cases DATA_DIR [N]\n");
    return 2;
  }
  long n = argc > 2 ? std::stol(argv[2]) : 1000000;
  try {
    storage::Store store = storage::init_store(argv[1]).value();
    auto types = CaseTypeRegistry::built_in().value();
    CaseService svc(*store.catalog, types, HolidayCalendar::built_in());
    Actor worker = Actor::cli_operator("bench");
    worker.operator_ = false;
    worker.roles = {Role::caseworker};

    // One real case made through the service, with a long history.
    NewCase nc;
    nc.type = "sar";
    nc.received = svc.today();
    nc.team = "Team 7";
    Case real = svc.create(worker, nc).value();
    for (int i = 0; i < 39; ++i) svc.comment(worker, real.id, "note " + std::to_string(i)).value();

    auto t0 = Clock_::now();
    store.catalog->write([&](storage::CatalogWriter& w) {
      auto& db = w.db();
      db.prepare(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1) "
            "INSERT INTO cases (id, reference, type, stage, closed, outcome, division, received, extended, requester_name, "
            "match_name, team, owner, holder, holder_since, action_needed, due, deadline, created, created_by, updated, closed_on, on_time) "
            "SELECT printf('case_bench%016d', i), printf('BENCH-%07d', i), CASE i % 3 WHEN 0 THEN 'sar' WHEN 1 THEN 'foi' ELSE 'mp-official' END, "
            "CASE WHEN i % 10 < 7 THEN 'closed' ELSE 'draft' END, CASE WHEN i % 10 < 7 THEN 1 ELSE 0 END, "
            "CASE WHEN i % 10 < 7 THEN 'answered' END, 'england-and-wales', date('2024-01-01', '+' || (i % 1000) || ' days'), 0, "
            "'Requester ' || i, 'requester ' || i, 'Team ' || (i % 50), 'official' || (i % 400), 'official' || (i % 400), "
            "'2026-01-01T00:00:00.000Z', 'draft the reply', date('2024-02-01', '+' || (i % 1000) || ' days'), '{}', "
            "'2026-01-01T00:00:00.000Z', 'bench', '2026-01-01T00:00:00.000Z', "
            "CASE WHEN i % 10 < 7 THEN date('2024-01-25', '+' || (i % 1000) || ' days') END, CASE WHEN i % 10 < 7 THEN (i % 13 <> 0) END "
            "FROM seq")
          .bind(1, static_cast<std::int64_t>(n))
          .run();
      db.exec(
          "INSERT INTO case_events (case_id, time, actor, role, action, from_stage, to_stage) "
          "SELECT c.id, '2026-01-01T00:00:00.000Z', 'bench', 'caseworker', e.action, '', '' FROM cases c "
          "CROSS JOIN (SELECT 'create' AS action UNION ALL SELECT 'transition:start_triage' UNION ALL SELECT 'transition:accept' "
          "UNION ALL SELECT 'transition:allocate') e WHERE c.id LIKE 'case_bench%'");
    }).throw_if_error();
    double load_s = ms_since(t0) / 1000.0;
    std::int64_t events = 0;
    store.catalog->read([&](sql::Database& db) {
      auto st = db.prepare("SELECT COUNT(*) FROM case_events");
      st.step();
      events = st.int64(0);
    }).throw_if_error();
    std::printf("loaded %ld cases, %lld history events in %.1f s\n", n + 1, static_cast<long long>(events), load_s);

    CaseFilter f;
    f.team = "Team 7";
    f.limit = 100;
    CasePage first;
    double list_ms = median_ms(9, [&] { first = svc.list(worker, f).value(); });
    // A page deep into the team's list: follow the cursor 10 pages.
    CaseFilter deep = f;
    for (int i = 0; i < 10 && first.next_cursor; ++i) {
      deep.cursor = first.next_cursor;
      first = svc.list(worker, deep).value();
    }
    double deep_ms = median_ms(9, [&] { (void)svc.list(worker, deep).value(); });
    char middle[32];
    std::snprintf(middle, sizeof middle, "BENCH-%07ld", n / 2 + 1);
    std::size_t history_len = 0;
    double history_ms = median_ms(9, [&] { history_len = svc.history(worker, real.reference).value().size(); });
    double history_bulk_ms = median_ms(9, [&] { (void)svc.history(worker, middle).value(); });
    double show_ms = median_ms(9, [&] { (void)svc.get(worker, middle).value(); });
    std::int64_t team_open = 0;
    double scan_ms = median_ms(3, [&] {
      store.catalog->read([&](sql::Database& db) {
        auto st = db.prepare("SELECT COUNT(*) FROM (SELECT id FROM cases NOT INDEXED WHERE team = 'Team 7' AND closed = 0 ORDER BY due, num LIMIT 100)");
        st.step();
        auto all = db.prepare("SELECT COUNT(*) FROM cases WHERE team = 'Team 7' AND closed = 0");
        all.step();
        team_open = all.int64(0);
      }).throw_if_error();
    });
    std::printf("team 'Team 7' has %lld open cases\n", static_cast<long long>(team_open));
    std::printf("%-58s %8.2f ms  (goal < 50 ms)\n", "list a team's open cases by deadline (first 100, indexed)", list_ms);
    std::printf("%-58s %8.2f ms\n", "the same, 11th page via cursor", deep_ms);
    std::printf("%-58s %8.2f ms  ratio %.0fx\n", "the same with the index bypassed (full scan)", scan_ms, scan_ms / std::max(list_ms, 0.001));
    std::printf("%-58s %8.2f ms  (%zu events; goal < 50 ms)\n", "one case's full history", history_ms, history_len);
    std::printf("%-58s %8.2f ms\n", "a bulk case's history (4 events)", history_bulk_ms);
    std::printf("%-58s %8.2f ms\n", "show one case", show_ms);
  } catch (const Failure& e) {
    std::fprintf(stderr, "bench_cases: %s\n", e.error().describe().c_str());
    return 1;
  }
  return 0;
}
