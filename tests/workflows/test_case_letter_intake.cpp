// Intake feeds letters' text to cases: a real PDF letter goes through the intake job, is attached
// to a case, and is then found as the near-duplicate of a second letter -- whether the text
// existed before the case (ingest, then log the case) or arrived after it (log the case with the
// upload, then intake reads it).
#include <catch2/catch.hpp>

#include "case_fixture.h"
#include "common/files.h"
#include "pipeline/intake.h"
#include "pipeline/jobs.h"
#include "workflows/letter_intake.h"
#include "workflows/letter_model.h"
#include "workflows/similar_letters.h"
#include "workflows/text_pdf.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::day;

namespace {

std::string campaign_letter(const std::string& name, const std::string& street) {
  return "Dear Minister,\n\nI am writing as a constituent about the proposed closure of the maternity unit at Riverside "
         "General Hospital. Expectant mothers in our town would have to travel more than forty miles to give birth, on "
         "roads that are often closed by flooding in winter. The consultation was held over the summer holidays and "
         "very few families knew about it. Please tell me what assessment has been made of the risk to mothers and "
         "babies, and whether the decision will be reviewed.\n\nYours sincerely,\n" +
         name + "\n" + street + "\n";
}

// Runs one intake job over the inputs with the case-letters handler; the job's result.
nlohmann::json ingest(storage::Store& store, const std::vector<pipeline::IntakeInput>& inputs) {
  pipeline::JobQueue queue(store);
  register_intake_with_case_letters(queue);
  pipeline::IntakeRequest request;
  request.inputs = inputs;
  request.jobs = 1;
  auto job = queue.submit(pipeline::kIntakeJobKind, request.to_params(), "ian").value();
  queue.run_until_idle(1, {pipeline::kIntakeJobKind}).throw_if_error();
  auto done = queue.get(job.id).value();
  REQUIRE(done.state == pipeline::JobState::done);
  return done.result;
}

}  // namespace

TEST_CASE("intake to case: a letter's OCR text is recorded when it is attached, or when intake reads it later") {
  test::CaseFixture f("2026-03-02");
  auto dir = test::temp_dir();
  auto pdf1 = dir.path() / "letter-1.pdf";
  auto pdf2 = dir.path() / "letter-2.pdf";
  write_file_atomic(pdf1, text_to_pdf(campaign_letter("Mrs Alice Brown", "4 Mill Lane, Riverside RV1 2AB"), "letter")).throw_if_error();
  write_file_atomic(pdf2, text_to_pdf(campaign_letter("Mr Tom Green", "19 Station Road, Riverside RV3 9XY"), "letter")).throw_if_error();

  // 1. Ingested first, then a case is logged with it: the text is recorded on attach.
  auto result = ingest(*f.store, {{pdf1, {}}});
  auto summary = pipeline::intake_summary(result);
  REQUIRE(summary.documents.size() == 1);
  std::string doc1 = summary.documents[0].id;
  CHECK_FALSE(result.contains("case_letters"));  // attached to no case yet
  auto text1 = document_text(*f.store, doc1).value();
  REQUIRE(text1.has_value());
  CHECK(text1->find("maternity unit") != std::string::npos);

  NewCase n;
  n.type = "mp-official";
  n.received = day("2026-03-02");
  n.topic = "health";
  n.documents = {doc1};
  Case c1 = f.service->create(f.actor("ian"), n).value();
  auto sync = record_case_letters(*f.store, "ian", c1.id).value();
  CHECK(sync.recorded == std::vector<std::string>{doc1});
  CHECK(sync.waiting.empty());
  CHECK(record_case_letters(*f.store, "ian", c1.id).value().recorded.empty());  // once
  auto history = f.service->history(f.actor("carla"), c1.id).value();
  CHECK(history.back().action == "letter_indexed");

  // 2. An upload is logged as a case before intake has read it: waiting, then recorded by intake.
  storage::AddFileOptions o;
  o.source = "upload";
  std::string doc2 = storage::add_file(*f.store, pdf2, o, "ian").value().id;
  NewCase n2 = n;
  n2.documents = {doc2};
  Case c2 = f.service->create(f.actor("ian"), n2).value();
  auto waiting = record_case_letters(*f.store, "ian", c2.id).value();
  CHECK(waiting.recorded.empty());
  CHECK(waiting.waiting == std::vector<std::string>{doc2});
  pipeline::IntakeInput upload;
  upload.document_id = doc2;
  auto result2 = ingest(*f.store, {upload});
  REQUIRE(result2.contains("case_letters"));
  CHECK(result2["case_letters"]["recorded"] == nlohmann::json::array({doc2}));

  // The two letters are near-duplicates of each other (a campaign), each found from the other's text.
  auto index = SimilarLetterIndex::load(*f.store->catalog).value();
  CHECK(index.size() == 2);
  auto text2 = document_text(*f.store, doc2).value().value();
  auto found = index.find(minhash_signature(text2), 0.5, 10);
  REQUIRE(found.size() == 2);
  bool found_first = false;
  for (const auto& x : found) found_first = found_first || (x.document_id == doc1 && x.case_id == c1.id);
  CHECK(found_first);
  // And the topic model learned from them.
  auto model = load_topic_suggester(*f.store->catalog).value();
  auto topics = model.suggest("closure of the maternity unit at the hospital", 1);
  REQUIRE_FALSE(topics.empty());
  CHECK(topics[0].topic == "health");

  // A document attached to no case is left alone; an unknown one is not_found.
  CHECK(record_letters_of_documents(*f.store, "ian", {doc1, doc2}).value().recorded.empty());
  CHECK(document_text(*f.store, "doc_missing").error().kind == ErrorKind::not_found);
}
