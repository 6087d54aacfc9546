// redbox audit verify | audit list [--object ID] [--after SEQ] [--limit N]
#include <nlohmann/json.hpp>
#include <ostream>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "storage/store.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox audit verify\n"
    "       redbox audit list [--object ID] [--after SEQ] [--limit N]\n\n"
    "verify  re-computes the audit log's hash chain; exit 0 when intact, 1 when an event was\n"
    "        edited, deleted or reordered (the first bad sequence number is named).\n"
    "list    prints events oldest first: all (--after SEQ, --limit N, default 100), or every\n"
    "        event about one object (--object doc_..., ver_..., usr_...).\n";

nlohmann::json to_json(const storage::AuditEvent& e) {
  return {{"seq", e.seq},         {"time", format_utc(e.time)}, {"actor", e.actor},         {"action", e.action},
          {"object", e.object},   {"details", e.details},       {"prev_hash", e.prev_hash}, {"hash", e.hash}};
}

int run_verify(CommandContext& ctx, storage::Store& store) {
  auto v = store.catalog->audit().verify().value();
  if (ctx.global.json) {
    nlohmann::json j = {{"ok", v.ok}, {"events_checked", v.events_checked}};
    if (v.first_bad_seq) {
      j["first_bad_seq"] = *v.first_bad_seq;
      j["problem"] = v.problem;
    }
    ctx.out << j.dump(2) << "\n";
  } else if (v.ok) {
    ctx.out << "audit chain intact: " << v.events_checked << " events verified\n";
  } else {
    ctx.out << "AUDIT CHAIN BROKEN at seq " << v.first_bad_seq.value_or(0) << ": " << v.problem << " ("
            << v.events_checked << " events before it verified)\n";
  }
  return v.ok ? 0 : 1;
}

int run_list(CommandContext& ctx, storage::Store& store, const ParsedArgs& args) {
  std::vector<storage::AuditEvent> events;
  if (auto object = args.get("object")) {
    events = store.catalog->audit().events_for(*object).value();
  } else {
    std::int64_t after = args.get_int("after").value_or(0);
    std::int64_t limit = args.get_int("limit").value_or(100);
    if (limit < 1 || limit > 10000) fail(Error::invalid_input("--limit must be between 1 and 10000"));
    events = store.catalog->audit().events(after, static_cast<std::size_t>(limit)).value();
  }
  if (ctx.global.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : events) j.push_back(to_json(e));
    ctx.out << j.dump(2) << "\n";
  } else {
    for (const auto& e : events) {
      ctx.out << e.seq << "  " << format_utc(e.time) << "  " << e.actor << "  " << e.action << "  " << e.object << "  "
              << e.details.dump() << "\n";
    }
  }
  return 0;
}

int run_audit(CommandContext& ctx, const std::vector<std::string>& argv) {
  auto args = ArgParser().option("object").option("after").option("limit").parse(argv);
  const auto& pos = args.positionals();
  if (pos.size() != 1 || (pos[0] != "verify" && pos[0] != "list")) {
    fail(Error::invalid_input("audit needs a subcommand: verify or list (see redbox audit --help)"));
  }
  auto store = storage::open_store(ctx.global.data_dir).value();
  if (pos[0] == "verify") return run_verify(ctx, store);
  return run_list(ctx, store, args);
}

const Registrar reg({"audit", "Verify the audit log's hash chain, or list events", kUsage, run_audit});

}  // namespace
}  // namespace redbox::cli
