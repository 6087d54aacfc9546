// redbox detect-text end to end: stdin and files, terms files, --regex, --json, bad input.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "support/test_support.h"

using redbox::test::run_redbox;

TEST_CASE("detect-text prints matches as JSON", "[detect][cli]") {
  auto tmp = redbox::test::temp_dir();
  const auto terms = tmp.path() / "terms.txt";
  REQUIRE(redbox::write_file_atomic(terms, "# case 42\nJohn Smith,data_subject\nAcme Widgets,third_party,s43 commercial interests\n"));
  const std::string text = "Dear Mr Smith,\nYour NI number AB 12 34 56 C and Acme\nWidgets quote Q-7781.\n";
  auto r = run_redbox({"--json", "detect-text", "-", "--terms", terms.string(), "--regex", R"(\bQ-\d{4}\b)"}, text);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["count"] == 4);
  CHECK(j["matches"][0]["text"] == "Mr Smith");
  CHECK(j["matches"][0]["reason"] == "s40(1) personal data of the requester");
  CHECK(j["matches"][1]["detector"] == "uk_nino");
  CHECK(j["matches"][2]["text"] == "Acme\nWidgets");
  CHECK(j["matches"][2]["reason"] == "s43 commercial interests");
  CHECK(j["matches"][3]["detector"] == "regex");
}

TEST_CASE("detect-text reads a file and prints lines", "[detect][cli]") {
  auto tmp = redbox::test::temp_dir();
  const auto file = tmp.path() / "letter.txt";
  REQUIRE(redbox::write_file_atomic(file, "Call 07700 900123.\n"));
  auto r = run_redbox({"detect-text", file.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "5-17\tphone\ts40(2) personal data of a third party\t07700 900123\n");
}

TEST_CASE("detect-text rejects bad input with clear errors", "[detect][cli]") {
  auto bad_regex = run_redbox({"detect-text", "-", "--regex", "(unclosed"}, "x");
  CHECK(bad_regex.exit_code == 2);
  CHECK(bad_regex.err.find("regex 1") != std::string::npos);
  auto missing = run_redbox({"detect-text", "/nonexistent/letter.txt"});
  CHECK(missing.exit_code == 4);
  auto bad_only = run_redbox({"detect-text", "-", "--only", "nope"}, "x");
  CHECK(bad_only.exit_code == 2);
}
