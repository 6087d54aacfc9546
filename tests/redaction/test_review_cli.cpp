// The review commands end to end through the redbox binary: redact --propose, marks, marks
// accept/reject, release (refused while undecided), doc get --version redacted.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "samples/generator/letter_text.h"
#include "support/letter_pdfs.h"
#include "support/test_support.h"

using redbox::test::run_redbox;
namespace fs = std::filesystem;

namespace {
std::string flat(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == ' ' || c == '\t' || c == '\f') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

TEST_CASE("CLI: redact --propose, marks accept/reject, release, doc get", "[redaction][review][cli]") {
  auto dir = redbox::test::temp_dir();
  const std::string data = (dir.path() / "data").string();
  REQUIRE(run_redbox({"--data", data, "init"}).exit_code == 0);
  const auto letter = redbox::letters::make_letter(77, 0);
  const fs::path pdf = dir.path() / "letter.pdf";
  redbox::test::write_text_pdf(letter.pages, pdf);
  const fs::path terms = dir.path() / "terms.txt";
  {
    std::ofstream t(terms);
    for (const auto& p : letter.people) t << p.name << "," << (p.data_subject ? "data_subject" : "third_party") << "\n";
  }
  auto added = run_redbox({"--data", data, "--json", "doc", "add", pdf.string()});
  REQUIRE(added.exit_code == 0);
  const std::string doc = nlohmann::json::parse(added.out)["added"][0]["id"];

  CHECK(run_redbox({"--data", data, "redact", doc}).exit_code == 2);  // --propose is required
  auto proposed = run_redbox({"--data", data, "--json", "redact", doc, "--propose", "--detect", "uk-pii", "--terms", terms.string()});
  REQUIRE(proposed.exit_code == 0);
  const int added_marks = nlohmann::json::parse(proposed.out)["added"];
  CHECK(added_marks > 5);

  auto listed = run_redbox({"--data", data, "--json", "marks", doc});
  REQUIRE(listed.exit_code == 0);
  auto marks = nlohmann::json::parse(listed.out);
  CHECK(marks["counts"]["proposed"] == added_marks);
  for (const auto& m : marks["marks"]) CHECK_FALSE(m.contains("text"));  // only with --text

  auto refused = run_redbox({"--data", data, "release", doc});
  CHECK(refused.exit_code == 5);
  CHECK(refused.err.find("proposed") != std::string::npos);

  REQUIRE(run_redbox({"--data", data, "marks", "reject", doc, "--detector", "uk_postcode"}).exit_code == 0);
  auto accepted = run_redbox({"--data", data, "marks", "accept", doc, "--all"});
  REQUIRE(accepted.exit_code == 0);
  CHECK(accepted.out.find("accepted") != std::string::npos);
  CHECK(run_redbox({"--data", data, "marks", "accept", doc}).exit_code == 2);  // no selector

  auto with_text = run_redbox({"--data", data, "--json", "marks", doc, "--text"});
  REQUIRE(with_text.exit_code == 0);
  std::vector<std::string> values;
  const auto listed_text = nlohmann::json::parse(with_text.out);
  for (const auto& m : listed_text["marks"]) {
    if (m["status"] == "accepted" && m.contains("text") && m["text"].get<std::string>().size() >= 3) values.push_back(m["text"]);
  }
  REQUIRE_FALSE(values.empty());

  auto released = run_redbox({"--data", data, "--json", "release", doc, "--label"});
  REQUIRE(released.exit_code == 0);
  auto rel = nlohmann::json::parse(released.out);
  CHECK(rel["verification"]["passed"] == true);
  CHECK(rel["redacted"]["kind"] == "redacted");

  const fs::path out = dir.path() / "out.pdf";
  REQUIRE(run_redbox({"--data", data, "doc", "get", doc, "--version", "redacted", "-o", out.string()}).exit_code == 0);
  auto text = redbox::test::run_process("pdftotext", {out.string(), "-"});
  REQUIRE(text.exit_code == 0);
  for (const auto& v : values) {
    INFO("still extractable after release");
    CHECK(flat(text.out).find(flat(v)) == std::string::npos);
  }
  auto show = run_redbox({"--data", data, "--json", "doc", "show", doc});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("\"redaction_status\":\"released\"") != std::string::npos);
}
