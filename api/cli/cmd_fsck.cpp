// redbox fsck [--repair]: checks every blob against its hash and every catalog row against the
// blobs, and verifies the audit chain. Exit 0 when clean, 1 when problems were found.
#include <nlohmann/json.hpp>
#include <ostream>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "storage/store.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox fsck [--repair]\n\n"
    "Checks the data folder: re-hashes every blob, checks every version's blob is present,\n"
    "lists orphan blobs (stored but referenced by nothing), removes temporaries left by killed\n"
    "writers, checks the catalog's integrity and verifies the audit log's hash chain.\n\n"
    "  --repair   remove orphan blobs older than 10 minutes (younger ones may belong to an\n"
    "             upload in progress). Referenced blobs are never removed.\n\n"
    "Exit status: 0 clean, 1 problems found.\n";

void print_list(std::ostream& out, const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out << title << " (" << items.size() << "):\n";
  for (const auto& item : items) out << "  " << item << "\n";
}

int run_fsck(CommandContext& ctx, const std::vector<std::string>& argv) {
  auto args = ArgParser().flag("repair").parse(argv);
  if (!args.positionals().empty()) fail(Error::invalid_input("fsck takes no arguments (see redbox fsck --help)"));
  auto store = storage::open_store(ctx.global.data_dir).value();
  if (ctx.err_is_terminal) ctx.err << "checking " << ctx.global.data_dir.string() << " ...\n";
  auto report = storage::fsck(store, args.has("repair")).value();
  if (ctx.global.json) {
    ctx.out << report.to_json().dump(2) << "\n";
  } else {
    auto& out = ctx.out;
    out << "blobs checked:      " << report.blobs_checked << "\n"
        << "versions checked:   " << report.versions_checked << "\n"
        << "audit events:       " << report.audit_events_checked << "\n"
        << "stale temporaries removed: " << report.stale_temporaries_removed << "\n";
    print_list(out, "CORRUPT blobs (bytes do not match their hash)", report.corrupt_blobs);
    print_list(out, "MISSING blobs (referenced by a version, not stored)", report.missing_blobs);
    print_list(out, "orphan blobs (stored, referenced by nothing)", report.orphan_blobs);
    print_list(out, "orphan blobs removed", report.orphans_removed);
    print_list(out, "orphan blobs kept (younger than 10 minutes)", report.orphans_kept_recent);
    print_list(out, "catalog problems", report.catalog_problems);
    if (!report.audit_chain_ok) {
      out << "AUDIT CHAIN BROKEN at seq " << report.audit_first_bad_seq.value_or(0) << ": " << report.audit_problem << "\n";
    }
    out << (report.clean() ? "clean\n" : "PROBLEMS FOUND\n");
  }
  return report.clean() ? 0 : 1;
}

const Registrar reg({"fsck", "Check stored blobs, catalog and audit chain (--repair removes orphans)", kUsage, run_fsck});

}  // namespace
}  // namespace redbox::cli
