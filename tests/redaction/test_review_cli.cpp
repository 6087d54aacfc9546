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

TEST_CASE("CLI: a scan ingested with OCR is reviewed and released through its searchable version",
          "[redaction][review][cli][ocr]") {
  auto dir = redbox::test::temp_dir();
  const std::string data = (dir.path() / "data").string();
  REQUIRE(run_redbox({"--data", data, "init"}).exit_code == 0);
  const fs::path scan = redbox::test::source_path("samples/letters/letter-0004-scan.pdf");
  const fs::path terms = redbox::test::source_path("samples/ground-truth/letter-0004.terms");
  const auto truth = nlohmann::json::parse(redbox::read_file(redbox::test::source_path("samples/ground-truth/letter-0004.json")).value());

  // Intake OCRs the image-only scan into a searchable version (invisible text layer).
  auto ingested = run_redbox({"--data", data, "--json", "ingest", scan.string(), "--jobs", "1"});
  REQUIRE(ingested.exit_code == 0);
  auto listed = run_redbox({"--data", data, "--json", "doc", "list"});
  REQUIRE(listed.exit_code == 0);
  const auto docs = nlohmann::json::parse(listed.out);
  REQUIRE(docs["documents"].size() == 1);
  const std::string doc = docs["documents"][0]["id"];
  std::string searchable;
  for (const auto& v : docs["documents"][0]["versions"]) {
    if (v["kind"] == "searchable") searchable = v["id"];
  }
  REQUIRE_FALSE(searchable.empty());

  auto proposed = run_redbox({"--data", data, "--json", "redact", doc, "--propose", "--detect", "uk-pii", "--terms", terms.string()});
  REQUIRE(proposed.exit_code == 0);
  const auto p = nlohmann::json::parse(proposed.out);
  CHECK(p["version"] == searchable);
  CHECK(p["added"].get<int>() >= 10);
  REQUIRE(run_redbox({"--data", data, "marks", "accept", doc, "--all"}).exit_code == 0);
  auto released = run_redbox({"--data", data, "--json", "release", doc});
  REQUIRE(released.exit_code == 0);
  const auto r = nlohmann::json::parse(released.out);
  CHECK(r["source"]["id"] == searchable);
  CHECK(r["verification"]["passed"] == true);

  const fs::path out = dir.path() / "out.pdf";
  const fs::path before = dir.path() / "searchable.pdf";
  REQUIRE(run_redbox({"--data", data, "doc", "get", doc, "--version", "redacted", "-o", out.string()}).exit_code == 0);
  REQUIRE(run_redbox({"--data", data, "doc", "get", doc, "--version", "searchable", "-o", before.string()}).exit_code == 0);
  auto text_after = redbox::test::run_process("pdftotext", {out.string(), "-"});
  auto text_before = redbox::test::run_process("pdftotext", {before.string(), "-"});
  REQUIRE(text_after.exit_code == 0);
  REQUIRE(text_before.exit_code == 0);
  int found_before = 0;
  for (const auto& id : truth["identifiers"]) {
    const std::string v = id["text"];
    if (flat(text_before.out).find(flat(v)) != std::string::npos) ++found_before;
    INFO(id["detector"].get<std::string>() << " still extractable after release");
    CHECK(flat(text_after.out).find(flat(v)) == std::string::npos);
  }
  CHECK(found_before >= 10);  // the OCR layer did hold them: the check above is not vacuous
  CHECK(flat(text_after.out).find("yours") != std::string::npos);
}
