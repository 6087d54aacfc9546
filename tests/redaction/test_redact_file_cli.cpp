// redbox detect-file / redact-file on generated letters (samples/generator) and corpus files:
// every option of the file-level commands, end to end through the real binary, confirmed with
// pdftotext.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "samples/generator/letter_pdf.h"
#include "samples/generator/letter_text.h"
#include "support/test_support.h"

using namespace redbox;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : lower(s))
    if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(c);
  return out;
}

std::string poppler_text(const fs::path& path) {
  auto r = test::run_process("pdftotext", {"-q", path.string(), "-"});
  REQUIRE(r.exit_code == 0);
  return lower(r.out);
}

// Writes letter `index` of a fixed seed as a PDF and its term file; returns the letter.
letters::Letter write_letter(const fs::path& dir, std::size_t index) {
  letters::Letter letter = letters::make_letter(4242, index);
  write_file_atomic(dir / (letter.id + ".pdf"), letters::letter_pdf(letter).value()).throw_if_error();
  std::string terms;
  for (const auto& p : letter.people) terms += p.name + "," + (p.data_subject ? "data_subject" : "third_party") + "\n";
  write_file_atomic(dir / (letter.id + ".terms"), terms).throw_if_error();
  return letter;
}

// A letter whose text hyphenates a name at a line end, so the variant matching is exercised.
std::size_t letter_with_hyphenated_name() {
  for (std::size_t i = 0; i < 400; ++i) {
    for (const auto& id : letters::make_letter(4242, i).identifiers)
      if (id.detector == "term" && id.text.find("-\n") != std::string::npos) return i;
  }
  FAIL("no hyphenated name in 400 letters");
  return 0;
}

}  // namespace

TEST_CASE("detect-file proposes every identifier of a letter with page and rectangles", "[redact][cli][letters]") {
  auto dir = test::temp_dir();
  const auto letter = write_letter(dir.path(), letter_with_hyphenated_name());
  const fs::path pdf = dir.path() / (letter.id + ".pdf");
  auto r = test::run_redbox({"detect-file", pdf.string(), "--terms", (dir.path() / (letter.id + ".terms")).string(), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json out = json::parse(r.out);
  CHECK(out["pages"] == letter.pages.size());
  std::multiset<std::pair<std::string, std::string>> found;
  for (const auto& m : out["marks"]) {
    CHECK(m["rects"].size() >= 1);
    CHECK(m["page"].get<int>() >= 1);
    found.insert({m["detector"].get<std::string>(), squeeze(m["text"].get<std::string>())});
  }
  for (const auto& id : letter.identifiers) {
    INFO(id.detector << " '" << id.text << "'");
    CHECK(found.count({id.detector, squeeze(id.text)}) > 0);
  }
  // Nothing is written beside the input.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 2);

  // Without the term list, names are not proposed; a free regex is.
  auto plain = test::run_redbox({"detect-file", pdf.string(), "--detect", "none", "--regex", "(?i)subject access", "--json"});
  REQUIRE(plain.exit_code == 0);
  const json p = json::parse(plain.out);
  for (const auto& m : p["marks"]) CHECK(m["detector"] == "regex");
}

TEST_CASE("redact-file --detect uk-pii --terms removes identifiers and names, hyphenated ones too", "[redact][cli][letters]") {
  auto dir = test::temp_dir();
  const auto letter = write_letter(dir.path(), letter_with_hyphenated_name());
  const fs::path out = dir.path() / "out.pdf";
  const fs::path log = dir.path() / "log.json";
  auto r = test::run_redbox({"redact-file", (dir.path() / (letter.id + ".pdf")).string(), "-o", out.string(), "--detect",
                             "uk-pii", "--terms", (dir.path() / (letter.id + ".terms")).string(), "--label", "--log",
                             log.string(), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json result = json::parse(r.out);
  CHECK(result[0]["verification"]["passed"] == true);
  const std::string text = squeeze(poppler_text(out));
  for (const auto& id : letter.identifiers) {
    INFO(id.detector << " '" << id.text << "'");
    CHECK(text.find(squeeze(id.text)) == std::string::npos);
    const auto hyphen = id.text.find("-\n");
    if (hyphen != std::string::npos) CHECK(text.find(squeeze(id.text.substr(0, hyphen) + id.text.substr(hyphen + 2))) == std::string::npos);
  }
  CHECK(text.find("subjectaccessrequest") != std::string::npos);
  // The log carries detectors and reasons, never the values.
  const std::string log_text = read_file(log).value();
  const json log_json = json::parse(log_text);
  CHECK(log_json["marks"].size() == result[0]["marks"].get<std::size_t>());
  for (const auto& id : letter.identifiers)
    if (id.text.size() >= 6) CHECK(log_text.find(id.text) == std::string::npos);
  CHECK(log_text.find("s40(1) personal data of the requester") != std::string::npos);
}

TEST_CASE("redact-file: term variants, --regex and --reason", "[redact][cli]") {
  auto dir = test::temp_dir();
  letters::Letter letter;
  letter.id = "variants";
  letter.pages = {"Dear Mr Okafor,\nI met J. Okafor and Okafor, J on Monday; Mrs Patel was there.\n"
                  "Later John Okafor rang about case ZX-99812 and Dr Okafor agreed.\nThe weather was fine.\n"};
  write_file_atomic(dir.path() / "v.pdf", letters::letter_pdf(letter).value()).throw_if_error();
  write_file_atomic(dir.path() / "terms.txt", "# case 17\nJohn Okafor,third_party\n").throw_if_error();
  const fs::path out = dir.path() / "out.pdf";
  auto r = test::run_redbox({"redact-file", (dir.path() / "v.pdf").string(), "-o", out.string(), "--terms",
                             (dir.path() / "terms.txt").string(), "--regex", "ZX-\\d{5}", "--reason",
                             "s43 commercial interests", "--schedule", (dir.path() / "s.csv").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string text = poppler_text(out);
  CHECK(text.find("okafor") == std::string::npos);
  CHECK(text.find("zx-99812") == std::string::npos);
  CHECK(text.find("mrs patel") != std::string::npos);  // not in the term list
  CHECK(text.find("weather was fine") != std::string::npos);
  CHECK(read_file(dir.path() / "s.csv").value().find("s43 commercial interests") != std::string::npos);

  auto bad_reason = test::run_redbox({"redact-file", (dir.path() / "v.pdf").string(), "-o", (dir.path() / "x.pdf").string(),
                                      "--detect", "uk-pii", "--reason", "s99 made up"});
  CHECK(bad_reason.exit_code == 2);
  CHECK_FALSE(fs::exists(dir.path() / "x.pdf"));
  auto bad_detector = test::run_redbox({"redact-file", (dir.path() / "v.pdf").string(), "-o", (dir.path() / "x.pdf").string(),
                                        "--detect", "shoe_size"});
  CHECK(bad_detector.exit_code == 2);
  auto bad_regex = test::run_redbox({"detect-file", (dir.path() / "v.pdf").string(), "--regex", "(unclosed"});
  CHECK(bad_regex.exit_code == 2);
  auto missing_terms = test::run_redbox({"detect-file", (dir.path() / "v.pdf").string(), "--terms", (dir.path() / "none.txt").string()});
  CHECK(missing_terms.exit_code != 0);
}

TEST_CASE("redact-file: several letters into a folder in parallel, one log each", "[redact][cli][letters]") {
  auto dir = test::temp_dir();
  std::vector<std::string> args{"redact-file"};
  std::vector<letters::Letter> letters_written;
  for (std::size_t i = 0; i < 4; ++i) {
    letters_written.push_back(write_letter(dir.path(), i));
    args.push_back((dir.path() / (letters_written.back().id + ".pdf")).string());
  }
  for (const std::string& a : std::vector<std::string>{"-o", (dir.path() / "out").string(), "--detect", "uk-pii", "--log",
                                                       (dir.path() / "logs").string()})
    args.push_back(a);
  auto r = test::run_redbox(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& letter : letters_written) {
    const fs::path out = dir.path() / "out" / (letter.id + ".pdf");
    REQUIRE(fs::exists(out));
    CHECK(fs::exists(dir.path() / "logs" / (letter.id + ".redaction-log.json")));
    const std::string text = squeeze(poppler_text(out));
    for (const auto& id : letter.identifiers)
      if (id.detector != "term") CHECK(text.find(squeeze(id.text)) == std::string::npos);
  }
}

TEST_CASE("redact-file exits non-zero and writes nothing when verification fails", "[redact][cli]") {
  auto dir = test::temp_dir();
  const fs::path out = dir.path() / "out.pdf";
  // Vector art under the area cannot be removed by MuPDF 1.21; refusing to rasterise must fail
  // verification, name the page and mark, and leave no output, log or schedule.
  auto r = test::run_redbox({"redact-file", test::data_path("corpus/pdfs/vector.pdf").string(), "-o", out.string(), "--area",
                             "1:20,20,300,300", "--no-rasterise", "--log", (dir.path() / "log.json").string()});
  CHECK(r.exit_code == 8);
  CHECK(r.err.find("page 1") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(dir.path() / "log.json"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 0);
}

TEST_CASE("detect-file: broken, encrypted and non-PDF inputs fail with clear errors", "[redact][cli]") {
  auto invalid = test::run_redbox({"detect-file", test::data_path("corpus/hostile/invalid.pdf").string()});
  CHECK(invalid.exit_code == 2);
  CHECK(invalid.err.find("invalid.pdf") != std::string::npos);
  auto encrypted = test::run_redbox({"detect-file", test::data_path("corpus/pdfs/libreoffice-writer-password.pdf").string()});
  CHECK(encrypted.exit_code == 7);
  CHECK(encrypted.err.find("password") != std::string::npos);
  auto dir = test::temp_dir();
  write_file_atomic(dir.path() / "pw.txt", "openpassword\n").throw_if_error();
  auto opened = test::run_redbox({"detect-file", test::data_path("corpus/pdfs/libreoffice-writer-password.pdf").string(),
                                  "--password-file", (dir.path() / "pw.txt").string(), "--json"});
  CHECK(opened.exit_code == 0);
  auto png = test::run_redbox({"detect-file", test::source_path("samples/letters/letter-0003-scan-p1.png").string()});
  CHECK(png.exit_code == 7);
  // A scan without a text layer is reported as not searchable, never as "nothing found".
  auto scan = test::run_redbox({"detect-file", test::source_path("samples/letters/letter-0004-scan.pdf").string(), "--json"});
  REQUIRE(scan.exit_code == 0);
  const json s = json::parse(scan.out);
  CHECK(s["marks"].empty());
  REQUIRE(s["page_notes"].size() == 2);
  CHECK(s["page_notes"][0]["note"].get<std::string>().find("not searchable") != std::string::npos);
}
