// Document-level removal (internal): metadata, scripts, attachments, comments, signatures,
// outline titles and form values quoting redacted text.
#pragma once

#include <string>
#include <vector>

#include "common/mupdf.h"

namespace redbox::redaction::detail {

// Returns one line per action taken, for the redaction log.
std::vector<std::string> scrub_document(const mu::Context& ctx, pdf_document* doc,
                                        const std::vector<std::string>& redacted_values);

}  // namespace redbox::redaction::detail
