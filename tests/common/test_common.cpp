#include <catch2/catch.hpp>

#include "common/clock.h"
#include "common/csv.h"
#include "common/error.h"
#include "common/files.h"
#include "common/ids.h"
#include "common/media_type.h"
#include "common/mupdf.h"
#include "common/sha256.h"
#include "common/sqlite.h"
#include "support/test_support.h"

using namespace redbox;

TEST_CASE("error kinds map to HTTP statuses and exit codes", "[common]") {
  CHECK(http_status(ErrorKind::invalid_input) == 400);
  CHECK(http_status(ErrorKind::unauthorized) == 401);
  CHECK(http_status(ErrorKind::forbidden) == 403);
  CHECK(http_status(ErrorKind::not_found) == 404);
  CHECK(http_status(ErrorKind::too_large) == 413);
  CHECK(http_status(ErrorKind::corrupt) == 500);
  CHECK(exit_code(ErrorKind::invalid_input) == 2);
  CHECK(exit_code(ErrorKind::not_found) == 4);
  Result<int> bad = Error::not_found("no such thing");
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::not_found);
  CHECK_THROWS_AS(bad.value(), Failure);
  Status s = guard([] { fail(Error::too_large("big")); });
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::too_large);
}

TEST_CASE("sha256 matches known vectors and sha256sum", "[common]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto file = test::data_path("corpus/pdfs/trivial.pdf");
  auto sum = test::run_process("sha256sum", {file.string()});
  REQUIRE(sum.exit_code == 0);
  CHECK(sum.out.substr(0, 64) == sha256_file_hex(file).value());
}

TEST_CASE("ids are unique, prefixed and time-ordered", "[common]") {
  std::string a = new_id("doc");
  std::string b = new_id("doc");
  CHECK(a != b);
  CHECK(is_id(a, "doc"));
  CHECK_FALSE(is_id(a, "job"));
  CHECK_FALSE(is_id("doc_../../etc/passwd", "doc"));
  CHECK(random_hex(32).size() == 64);
}

TEST_CASE("atomic files appear whole or not at all", "[common]") {
  auto dir = test::temp_dir();
  auto dest = dir.path() / "out.bin";
  {
    auto f = AtomicFile::create(dest).value();
    REQUIRE(f.write("partial").ok());
    CHECK_FALSE(fs::exists(dest));
    // destroyed without commit
  }
  CHECK_FALSE(fs::exists(dest));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 0);
  REQUIRE(write_file_atomic(dest, "complete").ok());
  CHECK(read_file(dest).value() == "complete");
  auto again = AtomicFile::create(dest).value();
  REQUIRE(again.write("other").ok());
  Status s = again.commit_no_replace();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::conflict);
  CHECK(read_file(dest).value() == "complete");
  CHECK(read_file(dest, 3).error().kind == ErrorKind::too_large);
}

TEST_CASE("file names from users are made safe", "[common]") {
  CHECK(sanitize_file_name("../../etc/passwd") == "passwd");
  CHECK(sanitize_file_name("C:\\Users\\x\\letter.pdf") == "letter.pdf");
  CHECK(sanitize_file_name("..") == "unnamed");
  CHECK(sanitize_file_name("") == "unnamed");
  CHECK(sanitize_file_name(std::string("a\0b\nc.pdf", 9)) == "abc.pdf");
  CHECK(sanitize_file_name(".hidden") == "hidden");
  CHECK(sanitize_file_name(std::string(500, 'x')).size() == 200);
}

TEST_CASE("media types are sniffed from content, not names", "[common]") {
  auto head = [](const std::string& rel) { return read_file(test::data_path(rel)).value().substr(0, 8192); };
  CHECK(sniff_media_type(head("corpus/pdfs/trivial.pdf")) == "application/pdf");
  CHECK(sniff_media_type(head("corpus/scans/linn.png")) == "image/png");
  CHECK(sniff_media_type(head("corpus/scans/zanotti-78.jpg")) == "image/jpeg");
  CHECK(sniff_media_type(head("corpus/scans/multipage.tiff")) == "image/tiff");
  CHECK(sniff_media_type(head("corpus/hostile/broken.zip")) == "application/zip");
  CHECK(sniff_media_type(head("corpus/hostile/leading-junk.pdf")) == "application/pdf");
  CHECK(sniff_media_type(std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10)) == "application/octet-stream");
  CHECK(sniff_media_type("Dear Sir,\n") == "text/plain");
}

TEST_CASE("clock formats and parses UTC", "[common]") {
  TimePoint t;
  REQUIRE(parse_utc("2026-11-23T09:15:02.123Z", t));
  CHECK(format_utc(t) == "2026-11-23T09:15:02.123Z");
  CHECK_FALSE(parse_utc("yesterday", t));
  ManualClock clock(t);
  clock.advance(std::chrono::hours(24));
  CHECK(format_utc(clock.now()) == "2026-11-24T09:15:02.123Z");
}

TEST_CASE("sqlite wrapper: transactions roll back unless committed", "[common]") {
  auto db = sql::Database::open_memory();
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
  {
    sql::Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (?, ?)").bind(1, "a").bind(2, 1).run();
  }
  CHECK_FALSE(db.prepare("SELECT v FROM t").step());
  {
    sql::Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (?, ?)").bind(1, "a").bind(2, 1).run();
    tx.commit();
  }
  auto st = db.prepare("SELECT v FROM t WHERE k = ?");
  st.bind(1, "a");
  REQUIRE(st.step());
  CHECK(st.int64(0) == 1);
  try {
    db.prepare("INSERT INTO t VALUES (?, ?)").bind(1, "a").bind(2, 2).run();
    FAIL("duplicate key accepted");
  } catch (const Failure& f) {
    CHECK(f.error().kind == ErrorKind::conflict);
  }
}

TEST_CASE("mupdf wrapper opens corpus files and reports bad ones as errors", "[common][mupdf]") {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document(ctx, test::data_path("corpus/pdfs/pdflatex-4-pages.pdf"));
  CHECK(mu::page_count(ctx, doc) == 4);
  CHECK(mu::as_pdf(ctx, doc) != nullptr);

  try {
    mu::open_document(ctx, test::data_path("corpus/pdfs/libreoffice-writer-password.pdf"));
    FAIL("encrypted file opened without a password");
  } catch (const Failure& f) {
    CHECK(f.error().kind == ErrorKind::unsupported);
    CHECK_THAT(f.error().message, Catch::Contains("password"));
  }
  auto unlocked = mu::open_document(ctx, test::data_path("corpus/pdfs/libreoffice-writer-password.pdf"), "openpassword");
  CHECK(mu::page_count(ctx, unlocked) >= 1);

  CHECK_THROWS_AS(mu::open_document(ctx, test::data_path("corpus/does-not-exist.pdf")), Failure);
  // A header and nothing else: MuPDF may "repair" it to zero pages or refuse; either way no crash.
  try {
    auto invalid = mu::open_document(ctx, test::data_path("corpus/hostile/invalid.pdf"));
    CHECK(mu::page_count(ctx, invalid) == 0);
  } catch (const Failure& f) {
    CHECK(f.error().kind == ErrorKind::invalid_input);
  }
}

TEST_CASE("CSV fields are quoted when needed and never run as spreadsheet formulas", "[common][csv]") {
  CHECK(redbox::csv::field("plain") == "plain");
  CHECK(redbox::csv::field("a,b") == "\"a,b\"");
  CHECK(redbox::csv::field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(redbox::csv::field("two\nlines") == "\"two\nlines\"");
  CHECK(redbox::csv::field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(redbox::csv::field("+44 20 7946 0000") == "'+44 20 7946 0000");
  CHECK(redbox::csv::field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(redbox::csv::field("-cmd") == "'-cmd");
  CHECK(redbox::csv::field("-5") == "-5");
  CHECK(redbox::csv::field("") == "");
  CHECK(redbox::csv::row({"page", "s40(2), third party", "3"}) == "page,\"s40(2), third party\",3\r\n");
}
