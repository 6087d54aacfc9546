// Intake: scanned post (and born-digital files) into stored, searchable documents, as a
// persisted job of kind "intake" (see jobs.h and INTAKE.md).
//
//   pipeline::IntakeRequest req;
//   req.inputs = {{.path = "post/letter1.pdf"}, {.path = "post/stack.tif"}};
//   req.split_on_blank = true;
//   pipeline::JobQueue queue(store);
//   pipeline::register_intake_handler(queue);
//   auto job = queue.submit(pipeline::kIntakeJobKind, req.to_params(), "cli");
//   queue.run_until_idle(1, {pipeline::kIntakeJobKind});
//
// For each input the handler OCRs the file (ocr::OcrJob: born-digital pages keep their own
// text) and stores one document per file, or with split_on_blank one per letter of a scanned
// stack (blank_pages.h) plus the stack itself, with these versions:
//   original    the exact bytes received (a letter of a split stack: its pages of the stack)
//   searchable  the OCR output PDF, derived_from the original
//   derived     plain text (text/plain, pages separated by form feeds), metadata {"role":"text"}
//   derived     word geometry (application/json, ocr::words_json), metadata {"role":"words"}
// plus the page count, the extracted fields (fields.h) as document metadata "fields", and one
// full-text search row per page (search_index.h). An input may also be an already stored
// document (an API upload): its derived versions are added to it.
//
// Exactly once: a document's rows, its search rows and "input N is done" in the job's
// checkpoint commit in one transaction (JobContext::commit). Blobs are committed before that;
// the blobs an input is about to commit are recorded in the checkpoint first, so a job killed
// between the two removes, when it resumes, the ones its redo does not reproduce (fsck stays
// clean). A file that cannot be ingested (hostile, encrypted, not a document) is recorded as
// failed with its reason and the batch goes on; the job's result lists both.
//
// Thread-safety: the handler runs on one JobQueue worker; OCR uses its own threads.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "pipeline/jobs.h"

namespace redbox::pipeline {

inline constexpr const char* kIntakeJobKind = "intake";

struct IntakeInput {
  std::filesystem::path path;  // a file to ingest, or
  std::string document_id;     // an already stored document (API upload) to OCR
};

struct IntakeRequest {
  std::vector<IntakeInput> inputs;
  bool split_on_blank = false;
  int jobs = 0;                     // OCR threads; 0 = number of cores
  std::string languages = "eng";
  std::string source = "cli";       // documents' source: "cli", "upload", "scan-batch"
  // A file whose exact bytes are already stored as a document's original (from an earlier
  // batch, or earlier in this one) is not stored again: it is reported as a duplicate of that
  // document. true: store it as a new document anyway.
  bool allow_duplicates = false;

  nlohmann::json to_params() const;
  static Result<IntakeRequest> from_params(const nlohmann::json& params);
};

// Files named on the command line: folders are walked recursively (sorted, hidden entries
// skipped). not_found names a missing path; a folder with no files is invalid_input.
Result<std::vector<std::filesystem::path>> expand_intake_paths(const std::vector<std::string>& args);

// The "intake" handler.
Result<nlohmann::json> run_intake(JobContext& ctx);
void register_intake_handler(JobQueue& queue);

// Queues the intake of a stored document (an API upload): OCR, text, words, fields, search.
Result<Job> submit_upload_intake(JobQueue& queue, const std::string& document_id, const std::string& actor);

// A finished intake job's result, for front doors.
struct IntakeDocument {
  std::string id;
  std::string file_name;
  std::string input;        // the file (or document) it came from
  int pages = 0;
  std::optional<int> letter;  // 1-based, when split from a stack
  std::string role;         // "file", "letter", "stack", "upload"
  std::vector<std::string> warnings;  // pages left out because they cannot be decoded
};
struct IntakeFailure {
  std::string input;
  Error error;
};
struct IntakeDuplicate {
  std::string input;        // the file
  std::string document_id;  // the document that already holds its bytes as its original
};
struct IntakeSummary {
  std::vector<IntakeDocument> documents;
  std::vector<IntakeFailure> failed;
  std::vector<IntakeDuplicate> duplicates;
  int pages = 0;
};
IntakeSummary intake_summary(const nlohmann::json& result);

}  // namespace redbox::pipeline
