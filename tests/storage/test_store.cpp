#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <thread>

#include "common/sha256.h"
#include "common/sqlite.h"
#include "storage_test_helpers.h"

using namespace redbox;
using namespace redbox::storage;
using namespace redbox::storage::testing;

namespace {

std::vector<fs::path> corpus_files(const std::string& folder) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(test::data_path("corpus/" + folder))) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("corpus files round-trip: read-back bytes hash as sha256sum says", "[storage][store]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto files = corpus_files("scans");
  auto pdfs = corpus_files("pdfs");
  files.insert(files.end(), pdfs.begin(), pdfs.end());
  REQUIRE(files.size() > 50);
  auto expected = sha256sum(files);
  REQUIRE(expected.size() == files.size());
  for (const auto& file : files) {
    INFO(file.string());
    auto doc = add_file(store, file, {}, "alice").value();
    const auto& original = doc.versions.at(0);
    CHECK(original.sha256 == expected.at(file.string()));
    CHECK(original.size == fs::file_size(file));
    CHECK(doc.file_name == file.filename().string());
    auto bytes = store.blobs->read_all(original.sha256).value();
    CHECK(sha256_hex(bytes) == expected.at(file.string()));
    if (file.extension() == ".pdf") CHECK(doc.media_type == "application/pdf");
    if (file.extension() == ".png") CHECK(doc.media_type == "image/png");
    if (file.extension() == ".jpg") CHECK(doc.media_type == "image/jpeg");
  }
  auto report = fsck(store, false).value();
  CHECK(report.clean());
  CHECK(report.versions_checked == files.size());
  CHECK(report.audit_events_checked == files.size());
}

TEST_CASE("page counts: MuPDF for PDFs, all TIFF pages, empty for unreadable", "[storage][store]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto pages = [&](const std::string& rel) { return add_file(store, test::data_path(rel), {}, "a").value().page_count; };
  CHECK(pages("corpus/pdfs/pdflatex-4-pages.pdf") == 4);
  CHECK(pages("corpus/pdfs/11-pages-with-labels.pdf") == 11);
  CHECK(pages("corpus/scans/multipage.pdf") == 6);
  CHECK(pages("corpus/scans/multipage.tiff") > 1);
  CHECK(pages("corpus/scans/linn.png") == 1);
  // Hostile or non-page files are stored anyway; the page count is just unknown.
  CHECK(pages("corpus/pii/presidio_vectors.jsonl") == std::nullopt);
  for (const auto& f : corpus_files("hostile")) {
    INFO(f.string());
    auto doc = add_file(store, f, {}, "a");
    CHECK(doc.ok());
  }
}

TEST_CASE("the same file twice: one blob, two documents", "[storage][store]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto file = test::data_path("corpus/pdfs/habibi.pdf");
  auto a = add_file(store, file, {}, "alice").value();
  auto b = add_file(store, file, {}, "bob").value();
  CHECK(a.id != b.id);
  CHECK(a.versions[0].sha256 == b.versions[0].sha256);
  CHECK(count_blob_files(store) == 1);
  CHECK(store.catalog->list_documents(10, std::nullopt).value().documents.size() == 2);
}

TEST_CASE("add_file enforces the upload limit", "[storage][store]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto src = write_file(dir.path() / "big.bin", random_bytes(10000, 9));
  AddFileOptions options;
  options.max_bytes = 5000;
  auto r = add_file(store, src, options, "a");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::too_large);
  CHECK(count_blob_files(store) == 0);
  CHECK(add_file(store, dir.path() / "nope.pdf", {}, "a").error().kind == ErrorKind::not_found);
  CHECK(store.config.max_upload_bytes == 512ULL << 20);
}

TEST_CASE("open_store refuses an uninitialised folder", "[storage][store]") {
  auto dir = test::temp_dir();
  auto r = open_store(dir.path() / "never");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::not_found);
  CHECK(r.error().message.find("init") != std::string::npos);
  { auto s = fresh_store(dir.path() / "data"); }
  CHECK(open_store(dir.path() / "data").ok());
  auto config = nlohmann::json::parse(read_file(dir.path() / "data" / "config.json").value());
  CHECK(config["max_upload_bytes"] == 512ULL << 20);
}

TEST_CASE("fsck finds corrupt, missing and orphan blobs and repairs orphans", "[storage][fsck]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto good = add_file(store, test::data_path("corpus/pdfs/habibi.pdf"), {}, "a").value();
  auto rotten = add_file(store, test::data_path("corpus/pdfs/kcs.pdf"), {}, "a").value();
  auto lost = add_file(store, test::data_path("corpus/pdfs/toc.pdf"), {}, "a").value();
  REQUIRE(fsck(store, false).value().clean());

  flip_byte(blob_path(store, rotten.versions[0].sha256), 100);
  fs::remove(blob_path(store, lost.versions[0].sha256));
  auto orphan = store.blobs->put(random_bytes(3000, 10)).value();
  write_file(store.root / "blobs" / "tmp" / "deadbeef.tmp", "partial");

  auto report = fsck(store, false).value();
  CHECK_FALSE(report.clean());
  CHECK(report.corrupt_blobs == std::vector<std::string>{rotten.versions[0].sha256});
  CHECK(report.missing_blobs == std::vector<std::string>{lost.versions[0].sha256});
  CHECK(report.orphan_blobs == std::vector<std::string>{orphan.sha256});
  CHECK(report.stale_temporaries_removed == 1);
  CHECK(report.to_json()["clean"] == false);

  // Repair leaves a young orphan alone (it may be an upload being recorded right now)...
  auto young = fsck(store, true).value();
  CHECK(young.orphans_kept_recent == std::vector<std::string>{orphan.sha256});
  CHECK(store.blobs->contains(orphan.sha256));
  // ...and removes it once it is older than the grace period. Referenced blobs always stay.
  make_old(blob_path(store, orphan.sha256));
  make_old(blob_path(store, good.versions[0].sha256));
  auto repaired = fsck(store, true).value();
  CHECK(repaired.orphans_removed == std::vector<std::string>{orphan.sha256});
  CHECK(repaired.orphan_blobs.empty());
  CHECK_FALSE(store.blobs->contains(orphan.sha256));
  CHECK(store.blobs->verify(good.versions[0].sha256).ok());
  CHECK(repaired.corrupt_blobs.size() == 1);  // never "repaired" away
}

TEST_CASE("redbox fsck and redbox audit report and exit as documented", "[storage][cli]") {
  auto dir = test::temp_dir();
  auto data = (dir.path() / "data").string();
  std::string sha;
  {
    auto store = fresh_store(data);
    sha = add_file(store, test::data_path("corpus/pdfs/habibi.pdf"), {}, "a").value().versions[0].sha256;
    REQUIRE(add_file(store, test::data_path("corpus/pdfs/kcs.pdf"), {}, "a").ok());
  }
  auto clean = test::run_redbox({"--data", data, "fsck"});
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("clean") != std::string::npos);
  auto verify = test::run_redbox({"--data", data, "audit", "verify"});
  CHECK(verify.exit_code == 0);
  auto list = test::run_redbox({"--data", data, "--json", "audit", "list", "--limit", "1"});
  REQUIRE(list.exit_code == 0);
  CHECK(nlohmann::json::parse(list.out).size() == 1);

  flip_byte(data + "/blobs/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha, 10);
  auto broken = test::run_redbox({"--data", data, "--json", "fsck"});
  CHECK(broken.exit_code == 1);
  auto j = nlohmann::json::parse(broken.out);
  CHECK(j["corrupt_blobs"][0] == sha);

  {
    auto db = sql::Database::open(data + "/catalog.sqlite");
    db.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 2");
  }
  auto tampered = test::run_redbox({"--data", data, "audit", "verify"});
  CHECK(tampered.exit_code == 1);
  CHECK(tampered.out.find("seq 2") != std::string::npos);
  CHECK(test::run_redbox({"--data", (dir.path() / "none").string(), "fsck"}).exit_code == 4);
  CHECK(test::run_redbox({"--data", data, "audit", "frobnicate"}).exit_code == 2);
}

TEST_CASE("add_files group-commits a batch: same results as add_file", "[storage][store]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto files = corpus_files("scans");
  files.push_back(files.front());  // a duplicate inside the batch
  std::vector<fs::path> many;
  for (int i = 0; i < 300; ++i) many.push_back(write_file(dir.path() / ("g" + std::to_string(i)), random_bytes(3000, 900 + static_cast<unsigned>(i))));
  files.insert(files.end(), many.begin(), many.end());  // more than one group of 256
  auto expected = sha256sum(files);
  AddFileOptions options;
  options.batch_id = "batch-1";
  auto docs = add_files(store, files, options, "intake").value();
  REQUIRE(docs.size() == files.size());
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(files[i].string());
    CHECK(docs[i].file_name == files[i].filename().string());
    CHECK(docs[i].batch_id == "batch-1");
    CHECK(docs[i].versions.at(0).sha256 == expected.at(files[i].string()));
    CHECK(sha256_hex(store.blobs->read_all(docs[i].versions[0].sha256).value()) == expected.at(files[i].string()));
    distinct.insert(docs[i].versions[0].sha256);
  }
  CHECK(count_blob_files(store) == distinct.size());
  CHECK(count_files_under(store.root / "blobs" / "tmp") == 0);
  auto multipage = std::find(files.begin(), files.end(), test::data_path("corpus/scans/multipage.pdf"));
  REQUIRE(multipage != files.end());
  CHECK(docs[static_cast<std::size_t>(multipage - files.begin())].page_count == 6);
  auto report = fsck(store, false).value();
  CHECK(report.clean());
  CHECK(report.audit_events_checked == files.size());
  // A missing file fails the call with its name.
  auto bad = add_files(store, {files[0], dir.path() / "missing.pdf"}, {}, "intake");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("missing.pdf") != std::string::npos);
}

TEST_CASE("add_files_each: several groups, per-file failures, results in path order", "[storage][store]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  // A low open-file limit makes the groups small (32 files), so this batch is several groups
  // with one committing while the next is staged.
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, 256);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::vector<fs::path> files;
  for (int i = 0; i < 100; ++i) {
    files.push_back(write_file(dir.path() / ("e" + std::to_string(i)), random_bytes(2000 + 50 * static_cast<std::size_t>(i), 5000 + static_cast<unsigned>(i))));
  }
  files.insert(files.begin() + 40, dir.path() / "missing.bin");   // not found, alone
  files.insert(files.begin() + 70, dir.path());                     // a folder, alone
  files.push_back(test::data_path("corpus/scans/multipage.pdf"));   // sniffed and counted
  auto expected = sha256sum(files);
  std::vector<std::size_t> order;
  std::vector<std::optional<Result<Document>>> results(files.size());
  auto stats = add_files_each(store, files, {}, "intake", [&](std::size_t i, Result<Document> r) {
    order.push_back(i);
    results.at(i) = std::move(r);
  });
  ::setrlimit(RLIMIT_NOFILE, &saved);
  CHECK(stats.added == files.size() - 2);
  CHECK(stats.failed == 2);
  CHECK(stats.groups >= 3);
  REQUIRE(order.size() == files.size());
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
  REQUIRE(results[40].has_value());
  CHECK(results[40]->error().kind == ErrorKind::not_found);
  CHECK(results[70]->error().kind == ErrorKind::invalid_input);
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i == 40 || i == 70) continue;
    INFO(files[i].string());
    REQUIRE(results[i]->ok());
    const Document& doc = results[i]->value();
    CHECK(doc.versions.at(0).sha256 == expected.at(files[i].string()));
    CHECK(store.catalog->get_document(doc.id).value().versions.at(0).sha256 == doc.versions[0].sha256);
    CHECK(store.blobs->verify(doc.versions[0].sha256).ok());
  }
  CHECK(results.back()->value().media_type == "application/pdf");
  CHECK(results.back()->value().page_count == 6);
  CHECK(count_files_under(store.root / "blobs" / "tmp") == 0);
  auto report = fsck(store, false).value();
  CHECK(report.clean());
  CHECK(report.audit_events_checked == files.size() - 2);

  // Adding the same files again dedupes every blob (second-level folders already known).
  auto again = add_files(store, {files[0], files[1]}, {}, "intake").value();
  CHECK(again.at(0).versions.at(0).sha256 == expected.at(files[0].string()));
  CHECK(count_blob_files(store) == files.size() - 2);
}
