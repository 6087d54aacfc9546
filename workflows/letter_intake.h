// Letters' text from intake into the case letter model (letter_model.h: near-duplicate
// signatures and topic word counts), so that similar letters and topic suggestion learn from
// every letter attached to a case without anyone pasting its text.
//
// The text of a document is intake's text version (pipeline/intake.h: a derived version with
// metadata {"role": "text"}), or the original itself when it is plain text (a letter received
// as an e-mail saved to a file). Two moments feed it, whichever comes last:
//   - a document is attached to a case (created with it, linked, a clarification reply) and its
//     text already exists: the front doors call record_case_letters() after the change;
//   - intake finishes a document that is already attached to a case (an upload logged as a case
//     before its OCR ran): the intake handler registered by register_intake_with_case_letters()
//     runs pipeline::run_intake and then record_letters_of_documents() for what it stored.
// A letter is recorded once (letter_signatures is keyed by document); recording is audited
// ("case.letter_indexed" in the case's history).
//
// Dependency direction: workflows calls pipeline (intake) and storage; pipeline knows nothing of
// cases. Thread-safety: as the Store (Catalog and BlobStore are thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "pipeline/jobs.h"
#include "storage/store.h"

namespace redbox::workflows {

// Letters longer than this are recorded from their first 16 MiB of text.
inline constexpr std::uint64_t kMaxLetterTextBytes = 16ULL << 20;

// The document's text (see above), or nullopt when it has none yet (intake has not run or
// found no text). not_found for an unknown document.
Result<std::optional<std::string>> document_text(storage::Store& store, const std::string& document_id);

struct LetterSync {
  std::vector<std::string> recorded;  // document ids recorded now
  std::vector<std::string> waiting;   // attached, but without text yet (intake will record them)
};

// Records every letter of a case (documents attached as "letter" or "clarification") that has
// text and is not recorded yet.
Result<LetterSync> record_case_letters(storage::Store& store, const std::string& actor, const std::string& case_id_or_reference);

// Records each of these documents for the cases it is attached to, if it has text and is not
// recorded yet (documents attached to no case are left alone).
Result<LetterSync> record_letters_of_documents(storage::Store& store, const std::string& actor,
                                               const std::vector<std::string>& document_ids);

// pipeline's intake handler followed by record_letters_of_documents() for the documents the job
// stored (a failure there is logged and noted in the job result, never fails the intake).
pipeline::JobHandler intake_handler_with_case_letters();
void register_intake_with_case_letters(pipeline::JobQueue& queue);

}  // namespace redbox::workflows
