// End-to-end redaction of real corpus files: each removal path, confirmed by re-reading the
// output with MuPDF and with poppler's pdftotext (an independent extractor).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>

#include "common/files.h"
#include "common/mupdf.h"
#include "redaction/page_text.h"
#include "redaction/redact_job.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::redaction;
namespace fs = std::filesystem;

namespace {

fs::path pdf(const std::string& name) { return test::data_path("corpus/pdfs/" + name); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// All text MuPDF extracts from a PDF, lower-cased.
std::string mupdf_text(const fs::path& path, const std::optional<std::string>& password = std::nullopt) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, path, password);
  std::string all;
  for (int p = 0; p < mu::page_count(ctx, doc); ++p) {
    mu::Page page = mu::load_page(ctx, doc, p);
    all += PageText::extract(ctx, page.get()).text();
  }
  return lower(all);
}

std::string poppler_text(const fs::path& path) {
  auto r = test::run_process("pdftotext", {path.string(), "-"});
  REQUIRE(r.exit_code == 0);
  return lower(r.out);
}

// Images drawn on the pages (inline ones too), as poppler lists them.
std::size_t count_images(const fs::path& path) {
  auto r = test::run_process("pdfimages", {"-list", path.string()});
  REQUIRE(r.exit_code == 0);
  const auto lines = static_cast<std::size_t>(std::count(r.out.begin(), r.out.end(), '\n'));
  return lines >= 2 ? lines - 2 : 0;  // two header lines
}

// The whole file with every stream decompressed (qpdf --qdf), lower-cased: what a determined
// reader could recover from the bytes.
std::string all_bytes_uncompressed(const fs::path& path) {
  auto r = test::run_process("qpdf", {"--qdf", "--object-streams=disable", path.string(), "-"});
  REQUIRE((r.exit_code == 0 || r.exit_code == 3));
  return lower(r.out);
}

RedactOptions find_job(const fs::path& in, const fs::path& out, std::vector<std::string> phrases) {
  RedactOptions o;
  o.input = in;
  o.output = out;
  o.finders.push_back(std::make_shared<LiteralPhraseSource>(std::move(phrases), "S40(2)"));
  return o;
}

}  // namespace

TEST_CASE("text redaction removes every occurrence and keeps the rest", "[redact]") {
  auto dir = test::temp_dir();
  fs::path out = dir.path() / "out.pdf";
  fs::path in = pdf("pdflatex-4-pages.pdf");
  REQUIRE(poppler_text(in).find("gefburn") != std::string::npos);
  RedactOptions o = find_job(in, out, {"Huardest gefburn"});
  o.label = true;
  o.log_path = dir.path() / "log.json";
  o.schedule_path = dir.path() / "schedule.csv";
  auto r = run_redact_job(o);
  REQUIRE(r.ok());
  CHECK(r->log.marks.size() == 23);
  CHECK(r->verification.passed());
  CHECK(r->verification.marks_checked == 23);
  for (const std::string& text : {mupdf_text(out), poppler_text(out)}) {
    CHECK(text.find("huardest") == std::string::npos);
    CHECK(text.find("gefburn") == std::string::npos);
    // No over-redaction: the words around the marks survive.
    CHECK(text.find("kjift") != std::string::npos);
    CHECK(text.find("nonsense like") != std::string::npos);
  }
  CHECK(all_bytes_uncompressed(out).find("gefburn") == std::string::npos);
  // The log has hashes, never the text; the schedule counts per page.
  std::string log = read_file(*o.log_path).value();
  CHECK(lower(log).find("gefburn") == std::string::npos);
  CHECK(log.find(r->log.hash_text(r->log.marks.front().text)) != std::string::npos);
  std::string schedule = read_file(*o.schedule_path).value();
  CHECK(schedule.find("page,reason,count") == 0);
  CHECK(schedule.find("1,S40(2),6") != std::string::npos);
}

TEST_CASE("earlier revisions are dropped: Potato from incremental-1 is gone", "[redact]") {
  auto dir = test::temp_dir();
  fs::path in = pdf("incremental-1.pdf");
  REQUIRE(all_bytes_uncompressed(in).find("potato") != std::string::npos);
  fs::path out = dir.path() / "out.pdf";
  auto r = run_redact_job(find_job(in, out, {"Salad"}));
  REQUIRE(r.ok());
  std::string bytes = all_bytes_uncompressed(out);
  CHECK(bytes.find("potato") == std::string::npos);
  CHECK(bytes.find("salad") == std::string::npos);
  std::string raw = read_file(out).value();
  CHECK(std::count(raw.begin(), raw.end(), '%') > 0);
  CHECK(raw.find("%%EOF") == raw.rfind("%%EOF"));
}

TEST_CASE("form field values under a mark or quoting redacted text are cleared", "[redact]") {
  auto dir = test::temp_dir();
  fs::path in = pdf("form-filled-by-acrobat.pdf");
  fs::path out = dir.path() / "out.pdf";
  auto r = run_redact_job(find_job(in, out, {"potato"}));
  REQUIRE(r.ok());
  std::string bytes = all_bytes_uncompressed(out);
  CHECK(bytes.find("potato") == std::string::npos);
  CHECK(bytes.find("abc") == std::string::npos);  // revision 1's value went with the old revision
  CHECK(poppler_text(out).find("potato") == std::string::npos);
}

TEST_CASE("annotations under an area mark are removed, others outside are not kept as comments", "[redact]") {
  auto dir = test::temp_dir();
  for (const char* name : {"annotated_pdf.pdf", "annotations-rotated-90.pdf"}) {
    fs::path in = pdf(name);
    fs::path out = dir.path() / name;
    RedactOptions o;
    o.input = in;
    o.output = out;
    o.areas.push_back({0, {0, 0, 400, 400}});
    auto r = run_redact_job(o);
    INFO(name);
    REQUIRE(r.ok());
    mu::Context ctx = mu::Context::create();
    mu::Document doc = mu::open_document(ctx, out);
    mu::Page page = mu::load_page(ctx, doc, 0);
    pdf_page* pp = pdf_page_from_fz_page(ctx, page.get());
    for (pdf_annot* a = pdf_first_annot(ctx, pp); a != nullptr; a = pdf_next_annot(ctx, a)) {
      fz_rect b = pdf_bound_annot(ctx, a);
      CHECK_FALSE((Rect{b.x0, b.y0, b.x1, b.y1}.intersects(Rect{0, 0, 400, 400})));
      enum pdf_annot_type t = pdf_annot_type(ctx, a);
      CHECK((t == PDF_ANNOT_LINK || t == PDF_ANNOT_WIDGET));
    }
  }
}

TEST_CASE("metadata, XMP and attachments are removed", "[redact]") {
  auto dir = test::temp_dir();
  for (const char* name : {"meta.pdf", "output_with_metadata_pymupdf.pdf", "with-attachment.pdf"}) {
    fs::path out = dir.path() / name;
    RedactOptions o;
    o.input = pdf(name);
    o.output = out;
    o.areas.push_back({0, {10, 10, 40, 40}});
    auto r = run_redact_job(o);
    INFO(name);
    REQUIRE(r.ok());
    std::string bytes = all_bytes_uncompressed(out);
    CHECK(bytes.find("/metadata") == std::string::npos);
    CHECK(bytes.find("/embeddedfiles") == std::string::npos);
    CHECK(bytes.find("/author") == std::string::npos);
    CHECK(bytes.find("/producer") == std::string::npos);
    CHECK(bytes.find("x:xmpmeta") == std::string::npos);
  }
  std::string att = all_bytes_uncompressed(dir.path() / "with-attachment.pdf");
  CHECK(att.find("image.png") == std::string::npos);
}

TEST_CASE("scanned page with an OCR layer: pixels burned and hidden words removed", "[redact]") {
  auto dir = test::temp_dir();
  fs::path in = test::data_path("corpus/scans/graph_ocred.pdf");
  REQUIRE(poppler_text(in).find("oppose") != std::string::npos);
  fs::path out = dir.path() / "out.pdf";
  auto r = run_redact_job(find_job(in, out, {"Oppose"}));
  REQUIRE(r.ok());
  REQUIRE(r->log.marks.size() == 1);
  CHECK(poppler_text(out).find("oppose") == std::string::npos);
  CHECK(poppler_text(out).find("percentage") != std::string::npos);
  // Under-box uniformity (checked by verification) means the image pixels were burned.
  CHECK(r->verification.passed());
}

TEST_CASE("image pixels and Form XObjects under an area are removed", "[redact]") {
  auto dir = test::temp_dir();
  // The second area, in a corner, leaves the images alone: the path where MuPDF's own
  // pdf_redact_page leaked every untouched image (run under REDBOX_SANITIZE to see it).
  for (const Rect area : {Rect{60, 100, 300, 400}, Rect{0, 0, 4, 4}}) {
    for (const char* name : {"cmyk-image.pdf", "formxobject.pdf", "google-doc-document.pdf", "inline-image.pdf"}) {
      RedactOptions o;
      o.input = pdf(name);
      o.output = dir.path() / (std::to_string(static_cast<int>(area.x1)) + name);
      o.areas.push_back({0, area});
      auto r = run_redact_job(o);
      INFO(name << " area x1=" << area.x1);
      REQUIRE(r.ok());
      CHECK(r->verification.passed());
      if (area.x1 < 10) CHECK(count_images(o.output) == count_images(o.input));
    }
  }
}

TEST_CASE("vector content under an area is rasterised and the page notes it", "[redact]") {
  auto dir = test::temp_dir();
  RedactOptions o;
  o.input = pdf("vector.pdf");
  o.output = dir.path() / "out.pdf";
  o.areas.push_back({0, {20, 20, 300, 300}});
  auto r = run_redact_job(o);
  REQUIRE(r.ok());
  CHECK(r->rasterised_pages == std::vector<int>{0});
  // Without the fallback the job refuses, naming the page and mark, and writes nothing.
  o.output = dir.path() / "refused.pdf";
  o.allow_rasterise = false;
  auto refused = run_redact_job(o);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("page 1, mark 1") != std::string::npos);
  CHECK_FALSE(fs::exists(o.output));
}

TEST_CASE("pages whose text cannot be searched are reported, never silently passed", "[redact]") {
  auto dir = test::temp_dir();
  for (const char* name : {"vector.pdf", "type3_font_nomapping.pdf", "truetype_font_nomapping.pdf"}) {
    auto r = run_redact_job(find_job(pdf(name), dir.path() / name, {"anything"}));
    INFO(name);
    REQUIRE(r.ok());
    bool noted = std::any_of(r->log.page_notes.begin(), r->log.page_notes.end(),
                             [](const PageNote& n) { return n.note.find("searchable") != std::string::npos; });
    CHECK(noted);
  }
}

TEST_CASE("encrypted inputs open with their password and the output is not encrypted", "[redact]") {
  auto dir = test::temp_dir();
  RedactOptions o;
  o.input = pdf("libreoffice-writer-password.pdf");
  o.output = dir.path() / "out.pdf";
  o.areas.push_back({0, {10, 10, 40, 40}});
  auto no_password = run_redact_job(o);
  REQUIRE_FALSE(no_password.ok());
  CHECK(no_password.error().kind == ErrorKind::unsupported);
  CHECK_FALSE(fs::exists(o.output));
  o.password = "openpassword";
  auto r = run_redact_job(o);
  REQUIRE(r.ok());
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, o.output);  // no password needed
  CHECK(mu::page_count(ctx, doc) == 1);
  o.input = pdf("enc-XI-R6-V5-U_view-O_master.pdf");
  o.password = "view";
  o.output = dir.path() / "aes.pdf";
  CHECK(run_redact_job(o).ok());
}

TEST_CASE("a digital signature is removed and reported", "[redact]") {
  auto dir = test::temp_dir();
  RedactOptions o;
  o.input = pdf("digitally-signed.pdf");
  o.output = dir.path() / "out.pdf";
  o.areas.push_back({0, {10, 10, 40, 40}});
  auto r = run_redact_job(o);
  REQUIRE(r.ok());
  CHECK(all_bytes_uncompressed(o.output).find("/byterange") == std::string::npos);
}

TEST_CASE("hostile and broken inputs fail cleanly and write nothing", "[redact]") {
  auto dir = test::temp_dir();
  for (const char* name : {"invalid.pdf", "pages-loop.pdf", "many-nulls.pdf", "deep-pages.pdf"}) {
    RedactOptions o = find_job(test::data_path(std::string("corpus/hostile/") + name), dir.path() / name, {"the"});
    auto r = run_redact_job(o);
    INFO(name);
    if (!r.ok()) {
      CHECK(r.error().message.find(name) != std::string::npos);
      CHECK_FALSE(fs::exists(o.output));
    } else {
      CHECK(r->verification.passed());
    }
  }
  auto bad_page = run_redact_job([&] {
    RedactOptions o;
    o.input = pdf("trivial.pdf");
    o.output = dir.path() / "bad.pdf";
    o.withheld_pages = {5};
    return o;
  }());
  REQUIRE_FALSE(bad_page.ok());
  CHECK(bad_page.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("redact-file CLI: several inputs into a folder, withheld page, exit codes", "[redact][cli]") {
  auto dir = test::temp_dir();
  auto r = test::run_redbox({"redact-file", pdf("pdflatex-4-pages.pdf").string(), pdf("incremental-1.pdf").string(),
                             "-o", (dir.path() / "out").string(), "--find", "Salad", "--find", "Kjift",
                             "--withhold-page", "1", "--jobs", "2", "--log", (dir.path() / "logs").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(dir.path() / "out" / "pdflatex-4-pages.pdf"));
  CHECK(fs::exists(dir.path() / "logs" / "incremental-1.redaction-log.json"));
  CHECK(poppler_text(dir.path() / "out" / "pdflatex-4-pages.pdf").find("kjift") == std::string::npos);
  auto enc = test::run_redbox({"redact-file", pdf("libreoffice-writer-password.pdf").string(), "-o",
                               (dir.path() / "e.pdf").string(), "--area", "1:10,10,50,50"});
  CHECK(enc.exit_code == 7);
  auto bad = test::run_redbox({"redact-file", pdf("trivial.pdf").string(), "-o", (dir.path() / "x.pdf").string(),
                               "--area", "1:10,10"});
  CHECK(bad.exit_code == 2);
}
