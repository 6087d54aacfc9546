// Who may do what: the one table of the API's access policy. Every route names the Action it
// performs; the router refuses (401/403, audited) before the handler runs. Routes whose rights
// depend on what is asked for (downloading an original versus a redacted version) check a
// second Action inside the handler with RequestContext::require().
//
// Later areas (search, marks, bundles, cases) add their Actions here, one row each.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "storage/catalog.h"

namespace redbox::api {

enum class Action {
  open,                   // no credentials needed (/healthz only)
  document_upload,        // POST /api/v1/documents
  document_read,          // list documents, show metadata
  download_unredacted,    // content of an original, searchable or derived version (audited)
  download_redacted,      // content of a released redacted version (audited)
  user_manage,            // create and list users
  audit_verify,           // verify the audit chain
  marks_read,             // list redaction marks (and, audited, the text under them)
  marks_write,            // propose marks, add areas, accept / reject marks
  redaction_release,      // apply accepted marks and store the redacted version
  redaction_not_needed,   // record that a document needs no redaction
  bundle_create,          // POST /api/v1/bundles (a requester package of released documents)
  bundle_read,            // a bundle job's status, parts and manifest
  bundle_download,        // a bundle part or package (audited)
  document_search,        // full-text search over documents' text (results are personal data; audited)
  job_read,               // status of background jobs (intake batches)
  case_read,              // list and show cases (CaseService narrows contributors/reviewers to theirs)
  case_create,            // log a case
  case_act,               // triage, transitions, sign-off, allocation (the case type's roles decide)
  case_admin,             // recompute deadlines
  directory_read,         // the topic directory
  directory_manage,       // import, edit the topic directory (audited)
  report_read,            // management reports
  letter_search,          // near-duplicate letters and topic suggestion across all cases
  draft_read,             // a case's draft, blame, compare, requests, comments (DraftService narrows contributors to their fragments)
  draft_write,            // change fragments, requests, comments (DraftService checks owner / editor / contributor)
  draft_export,           // PDF exports of a draft, stored as document versions
  template_read,          // the library of templates and pre-approved letters
  template_manage,        // save templates (pre-approved letters: team leaders and admins, checked by the library)
  notification_run,       // send the notifications due (events, reminders, chases, escalations)
  notification_read,      // list pending and sent notifications across all cases (audited)
};

// A set of roles as a bit mask (bit = the Role's value).
using RoleSet = std::uint32_t;
constexpr RoleSet role_bit(storage::Role role) { return RoleSet{1} << static_cast<unsigned>(role); }

struct PolicyRow {
  Action action;
  std::string_view name;
  RoleSet roles;  // who may; 0 for open
};

// The table itself (policy.cpp), for the README and for tests.
std::span<const PolicyRow> policy_table();
bool allowed(storage::Role role, Action action);
std::string_view to_string(Action action);

}  // namespace redbox::api
