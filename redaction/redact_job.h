// RedactJob: true redaction of one PDF, verified before anything is written.
//
//   input (+password) -> find text hits on every page (TextHitSource: literal phrases now,
//   detectors later) -> marks (+ area and whole-page marks) -> remove under each mark (annotations,
//   form values, text, image pixels; pages withheld) -> document scrub (metadata, XMP, scripts,
//   attachments, comments, signatures, quoting outline titles) -> full rewrite (garbage
//   collected, cleaned, never incremental, never encrypted) to a temporary file -> independent
//   verification of that file (verify.h) -> pages still showing content under a box are
//   rasterised and verified again -> commit (rename) the PDF, then the log and the schedule.
// If verification fails, nothing is written and the error names the page and mark.
//
// Thread-safety: run() creates its own MuPDF context; several jobs may run in parallel threads.
// TextHitSources are shared read-only.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "redaction/marks.h"
#include "redaction/redaction_log.h"
#include "redaction/verify.h"

namespace redbox::redaction {

struct AreaMark {
  int page = 0;  // 0-based
  Rect rect;     // MuPDF page space, points
};

struct RedactOptions {
  std::filesystem::path input;
  std::optional<std::string> password;
  std::filesystem::path output;
  std::optional<std::filesystem::path> log_path;       // JSON redaction log
  std::optional<std::filesystem::path> schedule_path;  // CSV schedule

  std::vector<std::shared_ptr<const TextHitSource>> finders;  // text to find on every page
  std::vector<AreaMark> areas;
  std::vector<int> withheld_pages;  // 0-based
  std::vector<Mark> extra_marks;    // marks prepared by a caller (e.g. a review screen)

  std::string reason = "redacted";  // default reason code
  std::string author = "redbox";
  Rgb fill{0, 0, 0};
  bool label = false;        // draw the reason code in white inside boxes that fit it
  bool allow_rasterise = true;  // fallback for content MuPDF cannot remove (see REMOVE.md)
  int raster_dpi = 150;
  // Threads for this one document (text search of the second half of the pages, the rendering
  // half of verification). 2 when one document is redacted at a time; 1 when the caller already
  // runs documents in parallel, where more threads only add overhead.
  int document_threads = 2;
};

struct RedactResult {
  int pages = 0;
  int pages_with_marks = 0;
  std::vector<int> rasterised_pages;
  RedactionLog log;
  VerifyReport verification;
};

Result<RedactResult> run_redact_job(const RedactOptions& options);

}  // namespace redbox::redaction
