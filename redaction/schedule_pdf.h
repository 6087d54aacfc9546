// The requester-facing schedule of redactions as a PDF: one row per (page, reason) with the
// number of redactions, the same content as RedactionLog::schedule_csv(). It never contains
// redacted text, mark positions, authors or hashes: only what the requester is told.
#pragma once

#include <string>

#include "common/error.h"
#include "redaction/redaction_log.h"

namespace redbox::redaction {

// title: e.g. the document's reference as the caseworker wants it shown ("Schedule of
// redactions"). Returns the PDF bytes (Helvetica, A4, as many pages as the rows need).
Result<std::string> schedule_pdf(const RedactionLog& log, const std::string& title);

}  // namespace redbox::redaction
