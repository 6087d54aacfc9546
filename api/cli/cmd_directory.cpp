// redbox directory: the versioned topic directory (workflows/directory.h).
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/files.h"
#include "workflows/directory.h"

namespace redbox::cli {
namespace {

using namespace redbox::workflows;

constexpr const char* kUsage = R"(usage: redbox directory SUBCOMMAND [OPTIONS]

Subcommands:
  import FILE.csv [--note N]    replace the directory with the CSV's topics (a new version)
  export [--version N] [-o FILE]  the directory as CSV (header topic,name,team,officials,deputies,keywords;
                                lists separated by ';')
  list [--version N]            topics with their team, officials and deputies
  set TOPIC [--name N] [--team T] [--official U]... [--deputy U]... [--keyword K]... [--note N]
                                add or replace one topic (a new version)
  remove TOPIC [--note N]       remove a topic (a new version)
  resolve TOPIC                 the team and officials a topic maps to (inherited from parents)
  versions                      every version, who made it and when
Every change is audited.
)";

int run_directory(CommandContext& ctx, const std::vector<std::string>& argv) {
  ParsedArgs args = ArgParser()
                        .option("note").option("version").option("output", "o").option("name").option("team")
                        .option("official").option("deputy").option("keyword")
                        .parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  const auto& pos = args.positionals();
  if (pos.empty()) fail(Error::invalid_input("directory needs a subcommand (see redbox directory --help)"));
  storage::Store store = open_data_folder(ctx.global);
  TopicDirectory dir(*store.catalog);
  const std::string& sub = pos[0];
  std::optional<int> version;
  if (auto v = args.get_int("version")) version = static_cast<int>(*v);
  auto print_version = [&](const DirectoryVersion& v) {
    if (ctx.global.json) {
      ctx.out << v.to_json().dump() << "\n";
    } else {
      ctx.out << "directory version " << v.version << "\n";
    }
  };
  if (sub == "import") {
    if (pos.size() != 2) fail(Error::invalid_input("usage: redbox directory import FILE.csv"));
    std::string csv = read_file(pos[1], 16ULL << 20).value();
    print_version(dir.import_csv(kCliActor, csv, args.get_or("note", "imported from " + pos[1])).value());
    return 0;
  }
  if (sub == "export") {
    std::string csv = directory_csv(dir.topics(version).value());
    if (auto out = args.get("output")) {
      write_file_atomic(*out, csv).throw_if_error();
    } else {
      ctx.out << csv;
    }
    return 0;
  }
  if (sub == "list") {
    auto topics = dir.topics(version).value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& t : topics) j.push_back(t.to_json());
      ctx.out << nlohmann::json{{"topics", j}}.dump() << "\n";
    } else {
      for (const auto& t : topics) {
        ctx.out << t.path << "  team: " << t.team << "  officials: ";
        for (const auto& o : t.officials) ctx.out << o << " ";
        ctx.out << " deputies: ";
        for (const auto& d : t.deputies) ctx.out << d << " ";
        ctx.out << "\n";
      }
    }
    return 0;
  }
  if (sub == "set") {
    if (pos.size() != 2) fail(Error::invalid_input("usage: redbox directory set TOPIC [--team T] [--official U]..."));
    Topic t{pos[1], args.get_or("name", ""), args.get_or("team", ""), args.all("official"), args.all("deputy"), args.all("keyword")};
    print_version(dir.set_topic(kCliActor, t, args.get_or("note", "")).value());
    return 0;
  }
  if (sub == "remove") {
    if (pos.size() != 2) fail(Error::invalid_input("usage: redbox directory remove TOPIC"));
    print_version(dir.remove_topic(kCliActor, pos[1], args.get_or("note", "")).value());
    return 0;
  }
  if (sub == "resolve") {
    if (pos.size() != 2) fail(Error::invalid_input("usage: redbox directory resolve TOPIC"));
    Topic t = dir.resolve(pos[1]).value();
    if (ctx.global.json) {
      ctx.out << t.to_json().dump() << "\n";
    } else {
      ctx.out << t.path << ": team " << t.team << "\n";
      for (const auto& o : t.officials) ctx.out << "official: " << o << "\n";
      for (const auto& d : t.deputies) ctx.out << "deputy: " << d << "\n";
    }
    return 0;
  }
  if (sub == "versions") {
    auto versions = dir.versions().value();
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : versions) {
      j.push_back(v.to_json());
      if (!ctx.global.json) ctx.out << v.version << "  " << v.created << "  " << v.created_by << "  " << v.note << "\n";
    }
    if (ctx.global.json) ctx.out << nlohmann::json{{"versions", j}}.dump() << "\n";
    return 0;
  }
  fail(Error::invalid_input("unknown directory subcommand '" + sub + "' (see redbox directory --help)"));
}

const Registrar reg({"directory", "the topic directory: teams, officials and deputies by topic", kUsage, run_directory});

}  // namespace
}  // namespace redbox::cli
