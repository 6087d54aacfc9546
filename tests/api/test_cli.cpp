// The CLI end to end: init, doc add/list/show/get, user add with a token that works.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;

TEST_CASE("CLI: init, doc add/list/show/get round trip", "[cli]") {
  auto dir = temp_dir();
  const std::string data = (dir.path() / "data").string();
  auto init = run_redbox({"--data", data, "--json", "init"});
  REQUIRE(init.exit_code == 0);
  CHECK(nlohmann::json::parse(init.out)["data_dir"].get<std::string>().find("data") != std::string::npos);
  CHECK(std::filesystem::exists(dir.path() / "data" / "config.json"));

  const auto pdf = data_path("corpus/pdfs/vector.pdf");
  const auto png = data_path("corpus/scans/linn.png");
  auto add = run_redbox({"--data", data, "--json", "doc", "add", pdf.string(), png.string(), "--source", "scan-batch"});
  REQUIRE(add.exit_code == 0);
  auto added = nlohmann::json::parse(add.out);
  REQUIRE(added["added"].size() == 2);
  CHECK(added["failed"].empty());
  CHECK(added["added"][0]["sha256"] == sha256_file_hex(pdf).value());
  CHECK(added["added"][0]["source"] == "scan-batch");
  const std::string pdf_id = added["added"][0]["id"];

  // Plain output: one "ID  SHA256  FILE" line per document.
  auto add_plain = run_redbox({"--data", data, "doc", "add", png.string()});
  REQUIRE(add_plain.exit_code == 0);
  CHECK(add_plain.out.rfind("doc_", 0) == 0);
  CHECK(add_plain.out.find(sha256_file_hex(png).value()) != std::string::npos);

  auto list = run_redbox({"--data", data, "--json", "doc", "list", "--limit", "2"});
  REQUIRE(list.exit_code == 0);
  auto page = nlohmann::json::parse(list.out);
  CHECK(page["documents"].size() == 2);
  REQUIRE(page["next_cursor"].is_string());
  auto rest = run_redbox({"--data", data, "--json", "doc", "list", "--cursor", page["next_cursor"]});
  REQUIRE(rest.exit_code == 0);
  CHECK(nlohmann::json::parse(rest.out)["documents"].size() == 1);

  auto show = run_redbox({"--data", data, "--json", "doc", "show", pdf_id});
  REQUIRE(show.exit_code == 0);
  auto doc = nlohmann::json::parse(show.out);
  CHECK(doc["file_name"] == "vector.pdf");
  CHECK(doc["media_type"] == "application/pdf");

  const auto out = dir.path() / "copy.pdf";
  auto get = run_redbox({"--data", data, "doc", "get", pdf_id, "-o", out.string()});
  REQUIRE(get.exit_code == 0);
  CHECK(read_file(out).value() == read_file(pdf).value());

  // The download is in the audit log, as the local operator "cli".
  auto store = storage::open_store(dir.path() / "data").value();
  auto events = store.catalog->audit().events_for(doc["versions"][0]["id"]).value();
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().action == "version.download");
  CHECK(events.back().actor == "cli");
}

TEST_CASE("CLI: bad files, unknown IDs and bad usage give the documented exit codes", "[cli]") {
  auto dir = temp_dir();
  const std::string data = (dir.path() / "data").string();
  REQUIRE(run_redbox({"--data", data, "init"}).exit_code == 0);

  // One good file among bad ones: the good one is added, the exit code is non-zero.
  const auto pdf = data_path("corpus/pdfs/vector.pdf");
  auto add = run_redbox({"--data", data, "--json", "doc", "add", (dir.path() / "missing.pdf").string(), pdf.string(),
                         dir.path().string()});
  CHECK(add.exit_code == 4);
  auto result = nlohmann::json::parse(add.out);
  CHECK(result["added"].size() == 1);
  REQUIRE(result["failed"].size() == 2);
  CHECK(result["failed"][0]["error"]["code"] == "not_found");
  CHECK(result["failed"][1]["error"]["message"].get<std::string>().find("folder") != std::string::npos);
  auto plain = run_redbox({"--data", data, "doc", "add", dir.path().string()});
  CHECK(plain.exit_code == 2);
  CHECK(plain.err.find("is a folder") != std::string::npos);

  // --recursive: every regular file below the folder, in path order; links are not followed.
  const auto tree = dir.path() / "tree";
  std::filesystem::create_directories(tree / "sub");
  std::filesystem::copy_file(pdf, tree / "b.pdf");
  std::filesystem::copy_file(data_path("corpus/scans/linn.png"), tree / "sub" / "a.png");
  { std::ofstream(tree / "a.txt") << "a letter"; }
  std::filesystem::create_symlink(pdf, tree / "link.pdf");
  std::filesystem::create_directory_symlink(dir.path() / "data", tree / "data-link");
  auto recursive = run_redbox({"--data", data, "--json", "doc", "add", "-r", tree.string()});
  CHECK(recursive.exit_code == 0);
  auto rec = nlohmann::json::parse(recursive.out);
  REQUIRE(rec["added"].size() == 3);
  CHECK(rec["added"][0]["path"] == (tree / "a.txt").string());
  CHECK(rec["added"][1]["path"] == (tree / "b.pdf").string());
  CHECK(rec["added"][2]["path"] == (tree / "sub" / "a.png").string());

  CHECK(run_redbox({"--data", data, "doc", "show", "doc_01M83XBJMCVF9AKJ0GH8BGZWCY"}).exit_code == 4);
  CHECK(run_redbox({"--data", data, "doc", "show", "nonsense"}).exit_code == 4);
  CHECK(run_redbox({"--data", data, "doc", "get", "doc_01M83XBJMCVF9AKJ0GH8BGZWCY", "-o",
                    (dir.path() / "x").string()}).exit_code == 4);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "x"));
  CHECK(run_redbox({"--data", data, "doc"}).exit_code == 2);
  CHECK(run_redbox({"--data", data, "doc", "frobnicate"}).exit_code == 2);
  CHECK(run_redbox({"--data", data, "doc", "list", "--limit", "many"}).exit_code == 2);
  CHECK(run_redbox({"--data", data, "doc", "list", "--bogus"}).exit_code == 2);
  CHECK(run_redbox({"--data", data, "doc", "get", "doc_01M83XBJMCVF9AKJ0GH8BGZWCY"}).exit_code == 2);
  CHECK(run_redbox({"--data", data, "user", "add", "x", "--role", "overlord"}).exit_code == 2);
  CHECK(run_redbox({"--data", data, "serve", "--listen", "nonsense:port"}).exit_code == 2);
  // A data folder that was never initialised: not found, with a hint.
  auto uninit = run_redbox({"--data", (dir.path() / "nowhere").string(), "doc", "list"});
  CHECK(uninit.exit_code == 4);
  CHECK(uninit.err.find("init") != std::string::npos);
  // Usage texts.
  for (const char* cmd : {"init", "serve", "doc", "user"}) {
    auto help = run_redbox({cmd, "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: redbox") == 0);
  }
}

TEST_CASE("CLI: user add prints a token that works against the server", "[cli]") {
  auto dir = temp_dir();
  const auto data = dir.path() / "data";
  REQUIRE(run_redbox({"--data", data.string(), "init"}).exit_code == 0);
  auto add = run_redbox({"--data", data.string(), "user", "add", "alice", "--role", "caseworker"});
  REQUIRE(add.exit_code == 0);
  // The token is the last line of the plain output.
  std::string out = add.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const std::string token = out.substr(out.rfind('\n') + 1);
  CHECK(token.size() >= 32);

  auto store = storage::open_store(data).value();
  api::ServerOptions options;
  options.port = 0;
  api::ApiServer server(store, options);
  server.start().throw_if_error();
  httplib::Client c("127.0.0.1", server.port());
  auto ok = c.Get("/api/v1/documents", {{"Authorization", "Bearer " + token}});
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto forbidden = c.Post("/api/v1/users", {{"Authorization", "Bearer " + token}}, R"({"name":"x","role":"admin"})",
                          "application/json");
  REQUIRE(forbidden);
  CHECK(forbidden->status == 403);
  server.stop();
  CHECK(run_redbox({"--data", data.string(), "user", "add", "alice", "--role", "admin"}).exit_code == 5);
}

TEST_CASE("CLI: every command answers --help without touching the data folder", "[cli]") {
  auto dir = redbox::test::temp_dir();
  auto missing = (dir.path() / "never-created").string();
  auto overview = redbox::test::run_redbox({"--help"});
  REQUIRE(overview.exit_code == 0);
  std::istringstream lines(overview.out);
  std::string line;
  bool in_commands = false;
  int checked = 0;
  while (std::getline(lines, line)) {
    if (line == "Commands:") {
      in_commands = true;
      continue;
    }
    if (in_commands && line.empty()) break;
    if (!in_commands) continue;
    std::string name = line.substr(2, line.find(' ', 2) - 2);
    INFO(name);
    auto help = redbox::test::run_redbox({"--data", missing, name, "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::StartsWith("usage: redbox"));
    ++checked;
  }
  CHECK(checked >= 10);
  CHECK_FALSE(std::filesystem::exists(missing));
}
