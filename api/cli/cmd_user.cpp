// redbox user add|list: manage API users from the command line (the admin bootstrap).
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "api/http/views.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] user add NAME --role ROLE\n"
    "       redbox [--data DIR] [--json] user list\n"
    "\n"
    "user add   creates an API user and prints its token ONCE. Only a hash of the token is\n"
    "           stored: copy it now; a lost token means a new user.\n"
    "           Clients send it as 'Authorization: Bearer TOKEN'.\n"
    "user list  the users, their roles and whether they are disabled.\n"
    "\n"
    "Roles:\n"
    "  admin        everything, including users and the audit check\n"
    "  intake       upload documents, read metadata, download\n"
    "  caseworker   upload documents, read metadata, download\n"
    "  reviewer     read metadata, download\n"
    "  contributor  nothing yet (will see only the cases they are asked about)\n"
    "\n"
    "The CLI itself needs no token: it runs as the local operator \"cli\" with full rights,\n"
    "because anyone who can run it on the data folder can read the folder's files anyway.\n"
    "Every change it makes is audited under the actor \"cli\". This is how the first admin\n"
    "is created.\n";

int user_add(CommandContext& ctx, const ParsedArgs& parsed) {
  if (parsed.positionals().size() != 2) fail(Error::invalid_input("user add needs exactly one NAME (see --help)"));
  const std::string& name = parsed.positionals()[1];
  auto role_text = parsed.get("role");
  if (!role_text) fail(Error::invalid_input("user add needs --role ROLE (admin, intake, caseworker, reviewer, contributor)"));
  auto role = storage::parse_role(*role_text);
  if (!role) {
    fail(Error::invalid_input("unknown role '" + *role_text + "' (use admin, intake, caseworker, reviewer or contributor)"));
  }
  storage::Store store = open_data_folder(ctx.global);
  auto created = store.catalog->create_user(name, *role, kCliActor);
  if (!created.ok()) fail(created.error());
  if (ctx.global.json) {
    ctx.out << nlohmann::json{{"user", api::to_json(created->user)}, {"token", created->token}}.dump() << "\n";
  } else {
    ctx.out << "Created user " << created->user.name << " (" << storage::to_string(created->user.role) << ", "
            << created->user.id << ")\n"
            << "API token (shown only now, store it safely):\n"
            << created->token << "\n";
  }
  return 0;
}

int user_list(CommandContext& ctx) {
  storage::Store store = open_data_folder(ctx.global);
  auto users = store.catalog->list_users();
  if (!users.ok()) fail(users.error());
  if (ctx.global.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : *users) out.push_back(api::to_json(u));
    ctx.out << nlohmann::json{{"users", out}}.dump() << "\n";
    return 0;
  }
  for (const auto& u : *users) {
    ctx.out << u.id << "  " << storage::to_string(u.role) << "  " << u.name << (u.disabled ? "  (disabled)" : "")
            << "\n";
  }
  return 0;
}

int run_user(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed = ArgParser().option("role").parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (parsed.positionals().empty()) fail(Error::invalid_input("user needs a subcommand: add or list (see --help)"));
  const std::string& sub = parsed.positionals()[0];
  if (sub == "add") return user_add(ctx, parsed);
  if (sub == "list") {
    if (parsed.positionals().size() != 1 || parsed.has("role")) fail(Error::invalid_input("user list takes no arguments"));
    return user_list(ctx);
  }
  fail(Error::invalid_input("unknown user subcommand '" + sub + "' (use add or list)"));
}

const Registrar reg({"user", "create and list API users (prints new tokens once)", kUsage, run_user});

}  // namespace
}  // namespace redbox::cli
