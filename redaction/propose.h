// Proposed marks without redacting: run text finders (detectors, literal phrases) over every page
// of a PDF and return the marks they would make, with a note for each page that search cannot
// fully cover (text as curves, fonts without Unicode mapping, scans without an OCR layer).
// Used by `redbox detect-file` and by run_redact_job, so both see exactly the same marks.
//
// Thread-safety: propose_marks() creates its own MuPDF context; calls may run in parallel.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/mupdf.h"
#include "redaction/marks.h"
#include "redaction/redaction_log.h"

namespace redbox::redaction {

struct ProposeOptions {
  std::filesystem::path input;
  std::optional<std::string> password;
  std::vector<std::shared_ptr<const TextHitSource>> finders;
  std::string reason = "redacted";  // for hits that carry no reason of their own
  std::string author = "redbox";
};

struct Proposal {
  int pages = 0;
  std::vector<Mark> marks;             // text marks, in page order
  std::vector<PageNote> page_notes;    // pages not (fully) searchable
};

Result<Proposal> propose_marks(const ProposeOptions& options);

namespace detail {
// The page loop shared with run_redact_job: text marks of pages [first, last) plus notes for
// pages that search cannot fully cover. Throws Failure (call inside guard()).
std::vector<Mark> find_text_marks(const mu::Context& ctx, const mu::Document& doc, int first, int last,
                                  const std::vector<std::shared_ptr<const TextHitSource>>& finders,
                                  const std::string& reason, const std::string& author, std::vector<PageNote>& notes);

// The same over every page, the second half of a longer document on a second thread with its own
// context and its own copy of `input` (text extraction is most of the cost of finding).
std::vector<Mark> find_text_marks_two_threads(const mu::Context& ctx, const mu::Document& doc,
                                              const std::filesystem::path& input,
                                              const std::optional<std::string>& password, int pages,
                                              const std::vector<std::shared_ptr<const TextHitSource>>& finders,
                                              const std::string& reason, const std::string& author,
                                              std::vector<PageNote>& notes);
}  // namespace detail

}  // namespace redbox::redaction
