// `redbox case`, `redbox directory` and `redbox report` end to end over a real data folder.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using redbox::test::run_redbox;

namespace {

std::string last_line(const std::string& s) {
  auto end = s.find_last_not_of('\n');
  auto start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace

TEST_CASE("redbox case: log, clarify with a PDF letter, reply, allocate from the directory, history, refusals exit 3") {
  auto dir = redbox::test::temp_dir();
  std::string data = (dir.path() / "data").string();
  std::vector<std::string> env{"REDBOX_DATA=" + data};
  REQUIRE(run_redbox({"init"}, "", env).exit_code == 0);
  REQUIRE(run_redbox({"user", "add", "colin", "--role", "contributor"}, "", env).exit_code == 0);
  redbox::write_file_atomic(dir.path() / "dir.csv", "topic,team,officials\nhealth,Health Policy,carla\n").throw_if_error();
  REQUIRE(run_redbox({"directory", "import", (dir.path() / "dir.csv").string()}, "", env).exit_code == 0);
  redbox::write_file_atomic(dir.path() / "letter.txt", "Please send me my records.").throw_if_error();

  auto created = run_redbox({"--json", "case", "new", "--type", "sar", "--received", "2026-01-31", "--name", "Jane Doe", "--address",
                             "1 Main Rd, Leeds LS1 1AA", "--topic", "health", "--file", (dir.path() / "letter.txt").string()},
                            "", env);
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  auto c = nlohmann::json::parse(created.out);
  CHECK(c["reference"] == "SAR-2026-0001");
  CHECK(c["due"] == "2026-03-02");  // 28 Feb is a Saturday: next working day
  CHECK(c["team"] == "Health Policy");
  CHECK(c["documents"].size() == 1);

  auto clar = run_redbox({"case", "clarify", "SAR-2026-0001", "--reason", "which years?", "--on", "2026-02-02", "--letter-out",
                          (dir.path() / "clar.pdf").string()},
                         "", env);
  INFO(clar.err);
  REQUIRE(clar.exit_code == 0);
  auto pdf = redbox::read_file(dir.path() / "clar.pdf").value();
  CHECK(pdf.rfind("%PDF-", 0) == 0);
  auto reply = run_redbox({"--json", "case", "reply", "SAR-2026-0001", "--on", "2026-02-09"}, "", env);
  REQUIRE(reply.exit_code == 0);
  CHECK(nlohmann::json::parse(reply.out)["due"] == "2026-03-09");  // 7 days stopped
  REQUIRE(run_redbox({"case", "triage", "SAR-2026-0001", "accept"}, "", env).exit_code == 0);
  auto alloc = run_redbox({"--json", "case", "allocate", "SAR-2026-0001"}, "", env);
  REQUIRE(alloc.exit_code == 0);
  CHECK(nlohmann::json::parse(alloc.out)["holder"]["who"] == "carla");

  auto refused = run_redbox({"case", "show", "SAR-2026-0001", "--as", "colin"}, "", env);
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("may not see case SAR-2026-0001") != std::string::npos);
  auto audit = run_redbox({"--json", "audit", "list"}, "", env);
  if (audit.exit_code == 0) CHECK(audit.out.find("case.refused") != std::string::npos);

  auto history = run_redbox({"--json", "case", "history", "SAR-2026-0001"}, "", env);
  REQUIRE(history.exit_code == 0);
  auto events = nlohmann::json::parse(history.out)["events"];
  // create, letter_indexed (the plain-text letter attached with --file), start_triage,
  // clarification, reply, accept, allocate
  REQUIRE(events.size() == 7);
  CHECK(events[1]["action"] == "letter_indexed");
  CHECK(run_redbox({"case", "move", "SAR-2026-0001", "dispatch"}, "", env).exit_code == 5);
  CHECK(run_redbox({"case", "new", "--type", "nonsense"}, "", env).exit_code == 4);
  // Letters: recorded for near-duplicates and topic suggestion.
  std::string doc = c["documents"][0]["document"];
  redbox::write_file_atomic(dir.path() / "ocr.txt", "I am writing about the hospital waiting list for my surgery appointment, "
                                                    "which the clinic has cancelled twice this year.").throw_if_error();
  REQUIRE(run_redbox({"case", "record-letter", "SAR-2026-0001", "--document", doc, "--text-file", (dir.path() / "ocr.txt").string()}, "", env)
              .exit_code == 0);
  auto similar = run_redbox({"--json", "case", "similar", "--text-file", (dir.path() / "ocr.txt").string()}, "", env);
  REQUIRE(similar.exit_code == 0);
  auto sj = nlohmann::json::parse(similar.out);
  REQUIRE(sj["similar"].size() == 1);
  CHECK(sj["similar"][0]["document"] == doc);
  auto topic = run_redbox({"--json", "case", "suggest-topic", "--text-file", (dir.path() / "ocr.txt").string()}, "", env);
  REQUIRE(topic.exit_code == 0);
  CHECK(nlohmann::json::parse(topic.out)["suggestions"][0]["topic"] == "health");

  auto report = run_redbox({"report", "open", "--csv"}, "", env);
  REQUIRE(report.exit_code == 0);
  CHECK(last_line(report.out) == "Health Policy,carla,1,1,0");  // due 9 March 2026: overdue by now
}
