// `redbox draft` end to end over a real data folder: a draft built by the operator and a
// contributor (--as), blame and compare output, a refusal (exit 3), an export written to a file.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "support/test_support.h"

using redbox::test::run_redbox;

TEST_CASE("redbox draft: fragments, a contribution, blame, compare, refusal and export") {
  auto dir = redbox::test::temp_dir();
  std::string data = (dir.path() / "data").string();
  std::vector<std::string> env{"REDBOX_DATA=" + data};
  REQUIRE(run_redbox({"init"}, "", env).exit_code == 0);
  REQUIRE(run_redbox({"user", "add", "colin", "--role", "contributor"}, "", env).exit_code == 0);
  REQUIRE(run_redbox({"user", "add", "olive", "--role", "contributor"}, "", env).exit_code == 0);
  auto created = run_redbox({"--json", "case", "new", "--type", "foi", "--received", "2026-03-02", "--name", "Jane Doe", "--owner", "cli"}, "", env);
  REQUIRE(created.exit_code == 0);
  std::string ref = nlohmann::json::parse(created.out)["reference"];

  REQUIRE(run_redbox({"draft", "new", ref}, "", env).exit_code == 0);
  auto added = run_redbox({"--json", "draft", "add", ref, "--title", "Opening", "--text", "Thank you for your request of 2 March."}, "", env);
  REQUIRE(added.exit_code == 0);
  std::string opening = nlohmann::json::parse(added.out)["id"];
  auto asked = run_redbox({"--json", "draft", "request", ref, "--user", "colin", "--due", "2099-01-01", "--title", "Figures", "--instructions",
                           "Bus numbers"},
                          "", env);
  INFO(asked.err);
  REQUIRE(asked.exit_code == 0);
  auto request = nlohmann::json::parse(asked.out);
  std::string fragment = request["fragment"];
  redbox::write_file_atomic(dir.path() / "figures.txt", "There were **42** buses.").throw_if_error();
  auto submitted = run_redbox({"draft", "submit", ref, request["id"], "--text-file", (dir.path() / "figures.txt").string(), "--as", "colin"}, "", env);
  INFO(submitted.err);
  REQUIRE(submitted.exit_code == 0);
  CHECK(submitted.out.find("submitted") != std::string::npos);
  // colin may not touch the opening; olive sees nothing.
  auto refused = run_redbox({"draft", "edit", ref, opening, "--text", "Hi.", "--as", "colin"}, "", env);
  CHECK(refused.exit_code == 3);
  CHECK(run_redbox({"draft", "show", ref, "--as", "olive"}, "", env).exit_code == 3);
  REQUIRE(run_redbox({"draft", "accept", ref, request["id"]}, "", env).exit_code == 0);
  REQUIRE(run_redbox({"draft", "edit", ref, fragment, "--text", "There were **44** buses."}, "", env).exit_code == 0);

  auto blame = run_redbox({"draft", "blame", ref}, "", env);
  REQUIRE(blame.exit_code == 0);
  CHECK(blame.out.find("[colin v2 ") != std::string::npos);
  CHECK(blame.out.find("] 44\n") != std::string::npos);
  auto compare = run_redbox({"draft", "compare", ref, "--from", "1"}, "", env);
  REQUIRE(compare.exit_code == 0);
  CHECK(compare.out.find("+ added \"Figures\"") != std::string::npos);
  CHECK(run_redbox({"draft", "move", ref, fragment, "--position", "1"}, "", env).exit_code == 0);
  CHECK(run_redbox({"draft", "move", ref, fragment, "--position", "0"}, "", env).exit_code == 2);

  auto pdf = dir.path() / "final.pdf";
  auto exported = run_redbox({"--json", "draft", "export", ref, "--kind", "final", "-o", pdf.string()}, "", env);
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(redbox::read_file(pdf).value().rfind("%PDF-", 0) == 0);
  auto doc = run_redbox({"--json", "doc", "show", nlohmann::json::parse(exported.out)["document"]}, "", env);
  CHECK(doc.exit_code == 0);
}
