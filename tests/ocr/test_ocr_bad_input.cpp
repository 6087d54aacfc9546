// Bad input through `redbox ocr-file`: every hostile corpus file, non-documents, truncated and
// encrypted files. Each gets either a valid output or a clear error naming the file, a
// documented non-zero exit code and no output file; never a crash or a hang.
#include "ocr/ocr_job.h"
#include "ocr_test_support.h"

using namespace redbox;
using namespace redbox::ocrtest;

namespace {

struct Outcome {
  test::ProcessResult run;
  bool output_exists = false;
};

Outcome ocr_file(const fs::path& dir, const std::vector<std::string>& inputs, std::vector<std::string> extra = {}) {
  const fs::path out = dir / "out.pdf", txt = dir / "out.txt", words = dir / "out.json";
  fs::remove(out);
  fs::remove(txt);
  fs::remove(words);
  std::vector<std::string> args = {"ocr-file"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  for (const auto& a : std::vector<std::string>{"-o", out.string(), "--text", txt.string(), "--words", words.string(), "--jobs", "2"})
    args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  Outcome o;
  o.run = test::run_redbox(args);
  o.output_exists = fs::exists(out) || fs::exists(txt) || fs::exists(words);
  return o;
}

// Nothing but the outputs' names may be in the folder after a failure (no temporaries).
std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

void require_clear_error(const Outcome& o, const std::string& name, int exit_code) {
  INFO(name << ": exit " << o.run.exit_code << " signal " << o.run.signal << " stderr: " << o.run.err);
  CHECK(o.run.exit_code == exit_code);
  CHECK(o.run.err.find(name) != std::string::npos);
  CHECK_FALSE(o.output_exists);
}

}  // namespace

TEST_CASE("every hostile corpus file gets a valid output or a clear error, never a crash", "[ocr][hostile]") {
  auto dir = test::temp_dir();
  const fs::path work = dir.path() / "work";
  fs::create_directories(work);
  int refused = 0, processed = 0;
  for (const auto& entry : fs::directory_iterator(test::data_path("corpus/hostile"))) {
    const std::string name = entry.path().filename().string();
    Outcome o = ocr_file(work, {entry.path().string()});
    INFO(name << ": exit " << o.run.exit_code << " signal " << o.run.signal << " stderr: " << o.run.err);
    REQUIRE(o.run.signal == 0);
    if (o.run.exit_code == 0) {
      // MuPDF repaired it: the output must be a complete, readable PDF.
      ++processed;
      REQUIRE(o.output_exists);
      CHECK(pdf_page_count(work / "out.pdf") >= 1);
    } else {
      ++refused;
      CHECK((o.run.exit_code == 2 || o.run.exit_code == 6 || o.run.exit_code == 7));
      CHECK(o.run.err.find(name) != std::string::npos);
      CHECK_FALSE(o.output_exists);
    }
    CHECK(files_in(work) == (o.run.exit_code == 0 ? 3U : 0U));
  }
  CHECK(refused > 30);  // the zip files, damaged images and unreadable PDFs
  CHECK(processed > 0);
}

TEST_CASE("the 35000 x 35000 decompression bomb is refused by the pixel limit before decoding", "[ocr][hostile][limits]") {
  auto dir = test::temp_dir();
  Outcome o = ocr_file(dir.path(), {test::data_path("corpus/hostile/hugemono.pdf").string()});
  require_clear_error(o, "hugemono.pdf", 6);
  CHECK(o.run.err.find("35000x35000") != std::string::npos);
  CHECK(o.run.err.find("limit") != std::string::npos);
}

TEST_CASE("non-documents, empty, truncated and encrypted files are refused with their names", "[ocr][bad-input]") {
  auto dir = test::temp_dir();
  const fs::path in = dir.path() / "in";
  fs::create_directories(in);
  const fs::path exe = in / "program.pdf";  // an executable, whatever its name says
  fs::copy_file("/bin/true", exe);
  const fs::path empty = in / "empty.tif";
  write_text(empty, "");
  // A G4 TIFF cut off in its image data: the header reads, the page does not decode.
  const fs::path truncated = in / "truncated.tif";
  const std::string tif = read_text(test::data_path("corpus/scans/table.27.tif"));
  write_text(truncated, tif.substr(0, tif.size() / 3));
  const fs::path locked = test::data_path("corpus/pdfs/libreoffice-writer-password.pdf");

  require_clear_error(ocr_file(dir.path(), {exe.string()}), "program.pdf", 2);
  require_clear_error(ocr_file(dir.path(), {empty.string()}), "empty.tif", 2);
  require_clear_error(ocr_file(dir.path(), {truncated.string()}), "truncated.tif", 2);
  Outcome enc = ocr_file(dir.path(), {locked.string()});
  require_clear_error(enc, "libreoffice-writer-password.pdf", 7);
  CHECK(enc.run.err.find("password") != std::string::npos);
  require_clear_error(ocr_file(dir.path(), {(in / "missing.png").string()}), "missing.png", 4);

  // With its password the encrypted (born-digital) file goes through, unencrypted.
  const fs::path pw = in / "pw.txt";
  write_text(pw, "openpassword\n");
  Outcome ok = ocr_file(dir.path(), {locked.string()}, {"--password-file", pw.string()});
  INFO(ok.run.err);
  CHECK(ok.run.exit_code == 0);
  CHECK(ok.output_exists);

  // A batch with one bad file names every bad file and writes nothing at all.
  Outcome batch = ocr_file(dir.path(), {test::data_path("corpus/scans/crom.png").string(), empty.string(), exe.string()});
  require_clear_error(batch, "empty.tif", 2);
  CHECK(batch.run.err.find("program.pdf") != std::string::npos);
  CHECK(batch.run.err.find("crom.png") == std::string::npos);
  CHECK(files_in(dir.path()) == 0);
}

TEST_CASE("ocr-file usage errors and a multi-page TIFF with an undecodable page", "[ocr][cli]") {
  auto dir = test::temp_dir();
  auto no_output = test::run_redbox({"ocr-file", test::data_path("corpus/scans/crom.png").string()});
  CHECK(no_output.exit_code == 2);
  CHECK(no_output.err.find("-o") != std::string::npos);
  auto bad_jobs = test::run_redbox({"ocr-file", "x.png", "-o", (dir.path() / "o.pdf").string(), "--jobs", "0"});
  CHECK(bad_jobs.exit_code == 2);
  auto bad_lang = test::run_redbox({"ocr-file", test::data_path("corpus/scans/crom.png").string(), "-o",
                                    (dir.path() / "o.pdf").string(), "--lang", "xxx"});
  CHECK(bad_lang.exit_code == 2);
  CHECK(bad_lang.err.find("xxx") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "o.pdf"));

  // multipage.tiff: three directories, the second old-style JPEG that no decoder here reads.
  const fs::path out = dir.path() / "t.pdf", txt = dir.path() / "t.txt";
  auto r = test::run_redbox({"--json", "ocr-file", test::data_path("corpus/scans/multipage.tiff").string(), "-o", out.string(),
                             "--text", txt.string(), "--jobs", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["pages"] == 2);
  REQUIRE(j["warnings"].size() == 1);
  CHECK(j["warnings"][0].get<std::string>().find("multipage.tiff: page 2 of 3") != std::string::npos);
  CHECK(j["page_details"][1]["source_page"] == 3);
  const std::string text = read_text(txt);
  CHECK(text.find("Page 1") != std::string::npos);
  CHECK(text.find("Page 2") != std::string::npos);
  CHECK(pdf_page_count(out) == 2);
}
