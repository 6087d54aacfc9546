// redbox init: create (or re-open) a data folder.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "storage/store.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] init\n"
    "\n"
    "Creates the data folder (default: $REDBOX_DATA or ./redbox-data) with its catalog,\n"
    "blob store and config.json. Running it on an existing data folder changes nothing.\n"
    "\n"
    "Next steps:\n"
    "  redbox user add alice --role admin     # prints alice's API token once\n"
    "  redbox serve                           # the HTTP API on 127.0.0.1:8080\n"
    "\n"
    "With --json prints {\"data_dir\": \"...\", \"config\": \"...\"}.\n";

int run_init(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed = ArgParser().parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (!parsed.positionals().empty()) fail(Error::invalid_input("init takes no arguments (use --data DIR)"));
  auto store = storage::init_store(ctx.global.data_dir);
  if (!store.ok()) fail(store.error());
  std::error_code ec;
  std::filesystem::path where = std::filesystem::absolute(ctx.global.data_dir, ec);
  if (ec) where = ctx.global.data_dir;
  where = where.lexically_normal();
  if (ctx.global.json) {
    ctx.out << nlohmann::json{{"data_dir", where.string()}, {"config", (where / "config.json").string()}}.dump() << "\n";
  } else {
    ctx.out << "Redbox data folder ready at " << where.string() << "\n"
            << "Next: redbox --data " << where.string() << " user add NAME --role admin\n";
  }
  return 0;
}

const Registrar reg({"init", "create a data folder", kUsage, run_init});

}  // namespace
}  // namespace redbox::cli
