// Intake's resume rules in-process: done inputs are skipped, an input a dead run had "staged"
// (blobs committed, rows not) is redone and the dead run's unreproduced blobs are removed, so
// nothing is stored twice and fsck stays clean.
#include <catch2/catch.hpp>

#include "pipeline/intake.h"
#include "pipeline/jobs.h"
#include "pipeline/search_index.h"
#include "storage/store.h"
#include "support/test_support.h"
#include "test_intake_support.h"

using namespace redbox;
using namespace redbox::pipeline;
namespace fs = std::filesystem;
namespace ti = redbox::test::intake;

TEST_CASE("intake resume: a staged input is redone and its stale blobs removed", "[intake][resume]") {
  auto dir = test::temp_dir();
  auto store = storage::init_store(dir.path() / "data").value();
  const fs::path one = dir.path() / "one.pdf";
  const fs::path two = dir.path() / "two.pdf";
  ti::write_bytes(one, ti::text_pdf({"First letter about the harbour wall"}));
  ti::write_bytes(two, ti::text_pdf({"Second letter about ferry fares", "and its second page"}));

  IntakeRequest request;
  request.inputs = {{one, {}}, {two, {}}};
  request.jobs = 1;
  JobQueue queue(store);
  register_intake_handler(queue);
  Job job = queue.submit(kIntakeJobKind, request.to_params(), "tester").value();

  // What a run killed between committing input 2's blobs and its rows leaves: a blob nobody
  // refers to, named in the checkpoint as staged (recovery then puts the job back in the queue).
  auto stale = store.blobs->put("searchable PDF bytes of a run that died").value();
  // And input 1 already done by that run (its document exists).
  std::string first_doc;
  store.catalog
      ->write([&](storage::CatalogWriter& w) {
        auto blob = store.blobs->put_file(one).value();
        storage::NewDocument nd;
        nd.file_name = "one.pdf";
        nd.original.sha256 = blob.sha256;
        nd.original.size = blob.size;
        nd.original.media_type = "application/pdf";
        first_doc = w.create_document(nd, "tester").id;
        nlohmann::json checkpoint = {
            {"inputs",
             {{"0", {{"state", "done"}, {"pages", 1}, {"documents", {{{"id", first_doc}, {"file_name", "one.pdf"}, {"pages", 1}, {"role", "file"}}}}}},
              {"1", {{"state", "staged"}, {"derived", {stale.sha256}}}}}}};
        w.db().prepare("UPDATE jobs SET checkpoint = ? WHERE id = ?").bind(1, checkpoint.dump()).bind(2, job.id).run();
      })
      .throw_if_error();
  REQUIRE(store.blobs->contains(stale.sha256));

  queue.run_until_idle(1, {kIntakeJobKind}).throw_if_error();

  Job finished = queue.get(job.id).value();
  INFO(finished.to_json().dump());
  REQUIRE(finished.state == JobState::done);
  auto summary = intake_summary(finished.result);
  REQUIRE(summary.documents.size() == 2);
  CHECK(summary.documents[0].id == first_doc);  // not redone
  CHECK(summary.failed.empty());
  CHECK(summary.pages == 3);

  CHECK_FALSE(store.blobs->contains(stale.sha256));  // the dead run's blob is gone
  auto docs = store.catalog->list_documents(100, std::nullopt).value().documents;
  CHECK(docs.size() == 2);
  SearchOptions q;
  q.query = "ferry";
  auto hits = search(*store.catalog, q).value().hits;
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].page == 1);
  auto report = storage::fsck(store, false).value();
  INFO(report.to_json().dump());
  CHECK(report.clean());
}

TEST_CASE("intake request: parameters round-trip and are checked", "[intake][resume]") {
  IntakeRequest r;
  r.inputs = {{"relative/letter.pdf", {}}, {{}, "doc_01ARZ3NDEKTSV4RRFFQ69G5FAV"}};
  r.split_on_blank = true;
  r.jobs = 2;
  r.languages = "eng+fra";
  r.allow_duplicates = true;
  auto back = IntakeRequest::from_params(r.to_params()).value();
  REQUIRE(back.inputs.size() == 2);
  CHECK(back.inputs[0].path.is_absolute());  // a resumed job may run from another folder
  CHECK(back.inputs[1].document_id == "doc_01ARZ3NDEKTSV4RRFFQ69G5FAV");
  CHECK(back.split_on_blank);
  CHECK(back.jobs == 2);
  CHECK(back.languages == "eng+fra");
  CHECK(back.allow_duplicates);
  CHECK_FALSE(IntakeRequest::from_params({{"inputs", {{{"path", "a"}}}}}).value().allow_duplicates);  // the default
  CHECK_FALSE(IntakeRequest::from_params({{"inputs", nlohmann::json::array()}}).ok());
  CHECK_FALSE(IntakeRequest::from_params({{"inputs", {{{"path", "a"}}}}, {"jobs", -1}}).ok());
  CHECK_FALSE(IntakeRequest::from_params(nlohmann::json::array()).ok());

  auto dir = test::temp_dir();
  fs::create_directories(dir.path() / "post" / ".hidden");
  fs::create_directories(dir.path() / "empty");
  ti::write_bytes(dir.path() / "post" / "b.pdf", "x");
  ti::write_bytes(dir.path() / "post" / "a.pdf", "x");
  ti::write_bytes(dir.path() / "post" / ".hidden" / "c.pdf", "x");
  auto paths = expand_intake_paths({(dir.path() / "post").string()}).value();
  REQUIRE(paths.size() == 2);
  CHECK(paths[0].filename() == "a.pdf");
  CHECK(expand_intake_paths({(dir.path() / "empty").string()}).error().kind == ErrorKind::invalid_input);
  CHECK(expand_intake_paths({(dir.path() / "nope").string()}).error().kind == ErrorKind::not_found);
}
