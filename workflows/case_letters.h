// Template letters for triage outcomes, as plain text (text_pdf.h makes a PDF of it):
//   transfer       the request has gone to another team or department, who will reply
//   clarification  what we need to know; the clock is stopped until the reply
//   rejection      why the request cannot be handled, with the recorded reason
//   acknowledgement  received, with the reference and the date the reply is due
// The letters carry the case reference, the requester's name and address, dates in UK long
// form, and the recorded reason; nothing else from the case.
#pragma once

#include <string>

#include "common/error.h"
#include "workflows/case_store.h"
#include "workflows/case_type.h"

namespace redbox::workflows {

// "23 November 2026"
std::string long_date(Date d);

Result<std::string> template_letter(const std::string& kind, const Case& c, const CaseType& type, const std::string& reason,
                                    Date today);

}  // namespace redbox::workflows
