// `redbox ingest` end to end: corpus scans and born-digital PDFs into stored documents with
// searchable, text and words versions; fields; search hits with page numbers; split-on-blank;
// hostile files that do not stop the batch; SIGKILL mid-batch and resume with every page
// stored exactly once; `redbox jobs`.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/sqlite.h"
#include "storage/store.h"
#include "support/test_support.h"
#include "test_intake_support.h"

using namespace redbox;
using namespace redbox::test;
namespace fs = std::filesystem;
namespace ti = redbox::test::intake;

namespace {

const char* kLetter =
    "Our ref: B1234567\n14 March 2026\nMrs J Example, 12 Acacia Avenue, London SW1A 2AA\n"
    "Dear Mrs Example,\nThank you for your letter about the village library closure.\n"
    "Please write to library.team@example.gov.uk or call 020 7946 0958.\nYours sincerely";
const char* kLetterPage2 = "Annex: opening hours of the mobile library service";

struct Data {
  TempDir dir = temp_dir();
  std::string path = (dir.path() / "data").string();
  Data() { REQUIRE(run_redbox({"--data", path, "init"}).exit_code == 0); }
  ProcessResult redbox(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--data", path});
    return run_redbox(args);
  }
  fs::path folder(const std::string& name) const {
    fs::path p = dir.path() / name;
    fs::create_directories(p);
    return p;
  }
};

const storage::Version* version(const storage::Document& d, storage::VersionKind kind, const std::string& role = {}) {
  for (const auto& v : d.versions) {
    if (v.kind != kind) continue;
    if (!role.empty() && v.metadata.value("role", "") != role) continue;
    return &v;
  }
  return nullptr;
}

std::vector<storage::Document> all_documents(storage::Store& store) {
  auto page = store.catalog->list_documents(500, std::nullopt).value();
  std::reverse(page.documents.begin(), page.documents.end());  // oldest first
  return page.documents;
}

nlohmann::json search_json(const Data& data, const std::string& query) {
  auto r = data.redbox({"--json", "search", query});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["hits"];
}

}  // namespace

TEST_CASE("intake: ingest corpus scans and a born-digital letter, then search", "[intake][ingest]") {
  Data data;
  fs::path in = data.folder("post");
  ti::write_bytes(in / "a-letter.pdf", ti::text_pdf({kLetter, kLetterPage2}));
  fs::copy_file(data_path("corpus/scans/linn.png"), in / "b-linn.png");
  ti::scanned_tiff(in / "c-two-pages.tiff", {{"Page 1 of the council reply", 0.002}, {"Page 2 signed", 0.002}});

  auto r = data.redbox({"ingest", in.string(), "--jobs", "2"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("a-letter.pdf") != std::string::npos);
  CHECK(r.out.find("b-linn.png") != std::string::npos);

  auto store = storage::open_store(data.path).value();
  auto docs = all_documents(store);
  REQUIRE(docs.size() == 3);
  std::map<std::string, storage::Document> by_name;
  for (auto& d : docs) by_name[d.file_name] = d;
  const std::string batch = *docs[0].batch_id;
  for (const auto& d : docs) {
    CAPTURE(d.file_name);
    CHECK(d.batch_id == batch);
    CHECK(d.source == "cli");
    const auto* original = version(d, storage::VersionKind::original);
    const auto* searchable = version(d, storage::VersionKind::searchable);
    const auto* text = version(d, storage::VersionKind::derived, "text");
    const auto* words = version(d, storage::VersionKind::derived, "words");
    REQUIRE(original);
    REQUIRE(searchable);
    REQUIRE(text);
    REQUIRE(words);
    CHECK(searchable->media_type == "application/pdf");
    CHECK(searchable->derived_from == original->id);
    CHECK(text->media_type == "text/plain");
    CHECK(words->media_type == "application/json");
    CHECK(d.metadata["intake"]["pages"] == d.page_count.value_or(-1));
    // The original is the exact bytes received.
    auto bytes = store.blobs->read_all(original->sha256).value();
    CHECK(bytes == read_file(in / d.file_name).value());
    // The words file parses and has words.
    auto w = nlohmann::json::parse(store.blobs->read_all(words->sha256).value());
    CHECK_FALSE(w.dump().find("\"text\"") == std::string::npos);
  }
  CHECK(by_name["a-letter.pdf"].page_count == 2);
  CHECK(by_name["a-letter.pdf"].metadata["intake"]["pages_ocred"] == 0);  // born-digital: not OCRed
  CHECK(by_name["b-linn.png"].page_count == 1);
  CHECK(by_name["b-linn.png"].metadata["intake"]["pages_ocred"] == 1);
  CHECK(by_name["c-two-pages.tiff"].page_count == 2);

  // Fields of the born-digital letter.
  const auto& f = by_name["a-letter.pdf"].metadata["fields"];
  INFO(f.dump());
  CHECK(f["dates"] == nlohmann::json({"2026-03-14"}));
  CHECK(f["postcodes"] == nlohmann::json({"SW1A 2AA"}));
  CHECK(f["emails"] == nlohmann::json({"library.team@example.gov.uk"}));
  CHECK(f["phones"] == nlohmann::json({"020 7946 0958"}));
  CHECK(f["references"]["official_reply"] == nlohmann::json({"B1234567"}));

  // Search: page numbers, snippets, the OCR text of the scans.
  auto hits = search_json(data, "mobile library");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0]["document_id"] == by_name["a-letter.pdf"].id);
  CHECK(hits[0]["page"] == 2);
  CHECK(hits[0]["snippet"].get<std::string>().find("[library]") != std::string::npos);
  hits = search_json(data, "library");
  CHECK(hits.size() == 2);
  hits = search_json(data, "Page");
  std::set<int> pages;
  for (const auto& h : hits) {
    if (h["document_id"] == by_name["c-two-pages.tiff"].id) pages.insert(h["page"].get<int>());
  }
  CHECK(pages == std::set<int>{1, 2});
  CHECK_FALSE(search_json(data, "Linn").empty());

  // Plain output and a malformed query.
  auto plain = data.redbox({"search", "library", "--limit", "1"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.find("page ") != std::string::npos);
  auto bad = data.redbox({"search", "\"unclosed"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("quote") != std::string::npos);

  // Jobs: the batch is listed as done.
  auto jobs = data.redbox({"jobs"});
  REQUIRE(jobs.exit_code == 0);
  CHECK(jobs.out.find(batch) != std::string::npos);
  CHECK(jobs.out.find("done") != std::string::npos);
  auto one = data.redbox({"jobs", batch});
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("a-letter.pdf") != std::string::npos);
  CHECK(data.redbox({"jobs", "job_nope"}).exit_code == 4);

  auto fsck = data.redbox({"--json", "fsck"});
  CHECK(nlohmann::json::parse(fsck.out)["clean"] == true);
}

TEST_CASE("intake: --split-on-blank makes one document per letter of a scanned stack", "[intake][ingest][split]") {
  Data data;
  fs::path stack = data.dir.path() / "morning-post.pdf";
  ti::write_bytes(stack, ti::scanned_pdf({{"First letter about potholes on the high street", 0.003},
                                          {"", 0.003},
                                          {"Second letter about bus timetables\nfirst page", 0.003},
                                          {"Second letter reply slip", 0.003},
                                          {"", 0.006},
                                          {"Third letter about allotments", 0.003}}));
  auto r = data.redbox({"ingest", stack.string(), "--split-on-blank", "--jobs", "2"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  auto store = storage::open_store(data.path).value();
  auto docs = all_documents(store);
  REQUIRE(docs.size() == 4);  // the stack as received + 3 letters
  const auto& stack_doc = docs[0];
  CHECK(stack_doc.metadata["intake"]["role"] == "stack");
  CHECK(stack_doc.metadata["intake"]["letters"] == 3);
  CHECK(stack_doc.metadata["intake"]["blank_pages"] == nlohmann::json({2, 5}));
  CHECK(stack_doc.page_count == 6);
  CHECK(store.blobs->read_all(version(stack_doc, storage::VersionKind::original)->sha256).value() ==
        read_file(stack).value());
  std::vector<int> page_counts;
  for (std::size_t i = 1; i < docs.size(); ++i) {
    const auto& d = docs[i];
    CAPTURE(d.file_name);
    CHECK(d.batch_id == stack_doc.batch_id);
    CHECK(d.source == "scan-batch");
    CHECK(d.metadata["intake"]["role"] == "letter");
    CHECK(d.metadata["intake"]["letter"] == static_cast<int>(i));
    CHECK(d.metadata["intake"]["stack_document"] == stack_doc.id);
    REQUIRE(version(d, storage::VersionKind::searchable));
    REQUIRE(version(d, storage::VersionKind::derived, "text"));
    page_counts.push_back(d.page_count.value_or(0));
  }
  CHECK(page_counts == std::vector<int>{1, 2, 1});
  CHECK(docs[2].metadata["intake"]["stack_pages"] == nlohmann::json({3, 4}));

  auto hits = search_json(data, "reply slip");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0]["document_id"] == docs[2].id);
  CHECK(hits[0]["page"] == 2);
  hits = search_json(data, "allotments");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0]["document_id"] == docs[3].id);
  CHECK(data.redbox({"fsck"}).exit_code == 0);
}

TEST_CASE("intake: --split-on-blank on a multi-page TIFF stack", "[intake][ingest][split]") {
  Data data;
  fs::path stack = data.dir.path() / "stack.tif";
  ti::scanned_tiff(stack, {{"Letter about street lighting", 0.003}, {"", 0.005}, {"Letter about dog fouling", 0.003}});
  auto r = data.redbox({"ingest", stack.string(), "--split-on-blank", "--jobs", "2"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto store = storage::open_store(data.path).value();
  auto docs = all_documents(store);
  REQUIRE(docs.size() == 3);
  CHECK(docs[0].media_type == "image/tiff");  // the stack exactly as received
  for (std::size_t i = 1; i < 3; ++i) {
    CHECK(docs[i].media_type == "application/pdf");  // each letter: its page images as a PDF
    CHECK(docs[i].page_count == 1);
  }
  auto hits = search_json(data, "fouling");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0]["document_id"] == docs[2].id);
}

TEST_CASE("intake: hostile and non-document files are reported, the batch goes on", "[intake][ingest][hostile]") {
  Data data;
  fs::path in = data.folder("mixed");
  for (const char* f : {"hostile/invalid.pdf", "hostile/pages-loop.pdf", "hostile/bug784903-overflow-dimensions.tiff",
                        "hostile/bug793470-crasher.png", "hostile/CVE-2017-2862.jpg", "hostile/hugemono.pdf",
                        "hostile/bogus.zip", "pdfs/enc-XI-R6-V5-U_view-O_master.pdf"}) {
    fs::copy_file(data_path(std::string("corpus/") + f), in / fs::path(f).filename());
  }
  ti::write_bytes(in / "empty.pdf", "");
  ti::write_bytes(in / "notes.txt", "just some text, not a letter\n");
  fs::copy_file("/bin/true", in / "program.pdf");
  ti::write_bytes(in / "zz-good.pdf", ti::text_pdf({kLetter}));
  // A multi-page TIFF with one page libtiff cannot decode: stored without it, with a warning.
  fs::copy_file(data_path("corpus/scans/multipage.tiff"), in / "zz-partly-damaged.tiff");

  auto r = data.redbox({"ingest", in.string(), "--jobs", "1"});
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code != 10);  // no internal error
  CHECK(r.out.find("zz-good.pdf") != std::string::npos);
  for (const char* name : {"invalid.pdf", "empty.pdf", "notes.txt", "program.pdf", "bogus.zip",
                           "enc-XI-R6-V5-U_view-O_master.pdf", "hugemono.pdf"}) {
    CAPTURE(name);
    CHECK(r.err.find(name) != std::string::npos);
  }
  auto store = storage::open_store(data.path).value();
  auto docs = all_documents(store);
  std::set<std::string> names;
  for (const auto& d : docs) names.insert(d.file_name);
  CHECK(names.contains("zz-good.pdf"));
  CHECK(names.contains("zz-partly-damaged.tiff"));
  CHECK(r.err.find("warning: zz-partly-damaged.tiff") != std::string::npos);
  for (const auto& d : docs) {
    if (d.file_name != "zz-partly-damaged.tiff") continue;
    CHECK(d.metadata["intake"]["warnings"].size() == 1);
    CHECK(d.metadata["intake"]["pages"] == 2);
  }
  for (const char* name : {"invalid.pdf", "empty.pdf", "notes.txt", "program.pdf", "hugemono.pdf"}) {
    CHECK_FALSE(names.contains(name));
  }
  CHECK(search_json(data, "village library").size() == 1);
  CHECK(data.redbox({"fsck"}).exit_code == 0);
}

TEST_CASE("intake: SIGKILL mid-batch, resume, every page stored exactly once", "[intake][ingest][kill]") {
  Data data;
  fs::path in = data.folder("batch");
  // Scans that take OCR time, so the kill lands in the middle of the batch.
  fs::copy_file(data_path("corpus/scans/linn.png"), in / "a.png");
  ti::write_bytes(in / "b.pdf", ti::scanned_pdf({{"Letter B about a planning application", 0.002},
                                                 {"Letter B second page", 0.002}}, 200, 2));
  fs::copy_file(data_path("corpus/scans/typewriter.png"), in / "c.png");
  ti::write_bytes(in / "d.pdf", ti::scanned_pdf({{"Letter D about school transport", 0.002}}, 200, 3));
  fs::copy_file(data_path("corpus/scans/crom.png"), in / "e.png");
  const std::map<std::string, int> expected_pages = {{"a.png", 1}, {"b.pdf", 2}, {"c.png", 1}, {"d.pdf", 1}, {"e.png", 1}};

  const fs::path catalog = fs::path(data.path) / "catalog.sqlite";
  auto count_documents = [&] {
    auto db = sql::Database::open(catalog);
    auto st = db.prepare("SELECT count(*) FROM documents");
    return st.step() ? st.int64(0) : 0;
  };
  std::int64_t at_kill = 0;
  {
    ti::Child child(redbox_binary().string(), {"--data", data.path, "ingest", in.string(), "--jobs", "1"},
                    data.dir.path());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (child.running() && std::chrono::steady_clock::now() < deadline && count_documents() < 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(child.running());  // still working: the kill lands mid-batch
    child.kill_hard();
    at_kill = count_documents();
  }
  INFO("documents when killed: " << at_kill);
  CHECK(at_kill >= 1);
  CHECK(at_kill < 5);

  // The job is left "running" by the dead process; `redbox jobs run` resumes it.
  auto resumed = data.redbox({"jobs", "run"});
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);

  auto store = storage::open_store(data.path).value();
  auto docs = all_documents(store);
  std::map<std::string, int> seen;
  for (const auto& d : docs) {
    seen[d.file_name]++;
    CAPTURE(d.file_name);
    CHECK(d.page_count == expected_pages.at(d.file_name));
    CHECK(d.versions.size() == 4);  // original, searchable, text, words: once each
  }
  for (const auto& [name, pages] : expected_pages) CHECK(seen[name] == 1);

  // Every page is indexed once.
  auto db = sql::Database::open(catalog);
  auto dup = db.prepare("SELECT count(*) FROM (SELECT document_id, page FROM search_pages GROUP BY 1, 2 HAVING count(*) > 1)");
  REQUIRE(dup.step());
  CHECK(dup.int64(0) == 0);
  auto per_doc = db.prepare("SELECT count(DISTINCT document_id) FROM search_pages");
  REQUIRE(per_doc.step());
  CHECK(per_doc.int64(0) == 5);

  auto fsck = data.redbox({"--json", "fsck"});
  INFO(fsck.out);
  CHECK(nlohmann::json::parse(fsck.out)["clean"] == true);
  CHECK(search_json(data, "planning application").size() == 1);
}

TEST_CASE("intake: a file already stored is named and not stored again, unless --allow-duplicates",
          "[intake][ingest][duplicates]") {
  Data data;
  const fs::path post = data.folder("post");
  const std::string letter = ti::text_pdf({kLetter});
  ti::write_bytes(post / "a.pdf", letter);
  ti::write_bytes(post / "b.pdf", ti::scanned_pdf({{"Dear Sir, about the bus timetable."}}));
  auto first = data.redbox({"--json", "ingest", post.string()});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  auto first_result = nlohmann::json::parse(first.out)["result"];
  REQUIRE(first_result["documents"].size() == 2);
  CHECK(first_result["duplicates"].empty());
  const std::string a_id = first_result["documents"][0]["id"], b_id = first_result["documents"][1]["id"];

  // The same folder again, with a copy of a.pdf under another name and one new letter: only the
  // new letter is stored, and every other file is named with the document that holds it.
  ti::write_bytes(post / "a-copy.pdf", letter);
  ti::write_bytes(post / "c.pdf", ti::text_pdf({"A new letter about school transport."}));
  auto again = data.redbox({"--json", "ingest", post.string()});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  auto result = nlohmann::json::parse(again.out)["result"];
  REQUIRE(result["documents"].size() == 1);
  CHECK(result["documents"][0]["file_name"] == "c.pdf");
  std::map<std::string, std::string> duplicate_of;
  for (const auto& d : result["duplicates"])
    duplicate_of[fs::path(d["input"].get<std::string>()).filename().string()] = d["document"];
  CHECK(duplicate_of == std::map<std::string, std::string>{{"a-copy.pdf", a_id}, {"a.pdf", a_id}, {"b.pdf", b_id}});
  auto text = data.redbox({"ingest", (post / "a.pdf").string()});
  CHECK(text.exit_code == 0);
  CHECK(text.err.find("already stored as " + a_id) != std::string::npos);

  // A folder that holds the data folder: its blobs and catalog are not post and are left out.
  auto parent = data.redbox({"ingest", data.dir.path().string()});
  INFO(parent.err);
  CHECK(parent.exit_code == 0);
  CHECK(parent.err.find("inside the data folder") != std::string::npos);
  CHECK(parent.err.find("0 document(s)") != std::string::npos);

  // Two copies in one batch: the first is stored, the second names it.
  Data fresh;
  const fs::path twice = fresh.folder("twice");
  ti::write_bytes(twice / "1.pdf", letter);
  ti::write_bytes(twice / "2.pdf", letter);
  auto batch = fresh.redbox({"--json", "ingest", twice.string()});
  REQUIRE(batch.exit_code == 0);
  auto batch_result = nlohmann::json::parse(batch.out)["result"];
  REQUIRE(batch_result["documents"].size() == 1);
  REQUIRE(batch_result["duplicates"].size() == 1);
  CHECK(batch_result["duplicates"][0]["document"] == batch_result["documents"][0]["id"]);

  // --allow-duplicates stores it again, as a new document.
  auto forced = data.redbox({"--json", "ingest", "--allow-duplicates", (post / "a.pdf").string()});
  REQUIRE(forced.exit_code == 0);
  auto forced_result = nlohmann::json::parse(forced.out)["result"];
  REQUIRE(forced_result["documents"].size() == 1);
  CHECK(forced_result["documents"][0]["id"] != a_id);
  storage::Store store = storage::open_store(data.path).value();
  CHECK(all_documents(store).size() == 4);  // a, b, c and the forced copy of a
}
