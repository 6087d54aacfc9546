#include "api/http/policy.h"

#include <array>

namespace redbox::api {

namespace {

using storage::Role;

constexpr RoleSet kStaff = role_bit(Role::admin) | role_bit(Role::intake) | role_bit(Role::caseworker) |
                           role_bit(Role::reviewer);

// Contributors (people outside the team asked to supply information) see nothing yet; the
// cases issue will let them see only the cases they are asked about.
constexpr std::array kPolicy = {
    PolicyRow{Action::open, "open", 0},
    PolicyRow{Action::document_upload, "document.upload",
              role_bit(Role::admin) | role_bit(Role::intake) | role_bit(Role::caseworker)},
    PolicyRow{Action::document_read, "document.read", kStaff},
    PolicyRow{Action::download_unredacted, "download.unredacted", kStaff},
    PolicyRow{Action::download_redacted, "download.redacted", kStaff},
    PolicyRow{Action::user_manage, "user.manage", role_bit(Role::admin)},
    PolicyRow{Action::audit_verify, "audit.verify", role_bit(Role::admin)},
    // Marks point at (and can show) unredacted personal data: caseworkers and reviewers only.
    PolicyRow{Action::marks_read, "marks.read", role_bit(Role::caseworker) | role_bit(Role::reviewer)},
    PolicyRow{Action::marks_write, "marks.write", role_bit(Role::caseworker) | role_bit(Role::reviewer)},
    PolicyRow{Action::redaction_release, "redaction.release", role_bit(Role::caseworker) | role_bit(Role::reviewer)},
    PolicyRow{Action::redaction_not_needed, "redaction.not_needed", role_bit(Role::reviewer)},
    PolicyRow{Action::bundle_create, "bundle.create", role_bit(Role::caseworker) | role_bit(Role::reviewer)},
    PolicyRow{Action::bundle_read, "bundle.read", role_bit(Role::caseworker) | role_bit(Role::reviewer)},
    PolicyRow{Action::bundle_download, "bundle.download", role_bit(Role::caseworker) | role_bit(Role::reviewer)},
    PolicyRow{Action::document_search, "document.search", kStaff},
    PolicyRow{Action::job_read, "job.read", kStaff},
    PolicyRow{Action::case_read, "case.read", kStaff | role_bit(Role::contributor)},
    PolicyRow{Action::case_create, "case.create", role_bit(Role::admin) | role_bit(Role::intake) | role_bit(Role::caseworker)},
    PolicyRow{Action::case_act, "case.act", kStaff | role_bit(Role::contributor)},
    PolicyRow{Action::case_admin, "case.admin", role_bit(Role::admin) | role_bit(Role::caseworker)},
    PolicyRow{Action::directory_read, "directory.read", kStaff | role_bit(Role::contributor)},
    PolicyRow{Action::directory_manage, "directory.manage", role_bit(Role::admin) | role_bit(Role::caseworker)},
    PolicyRow{Action::report_read, "report.read", kStaff},
    PolicyRow{Action::letter_search, "letter.search", kStaff},
    PolicyRow{Action::draft_read, "draft.read", kStaff | role_bit(Role::contributor)},
    PolicyRow{Action::draft_write, "draft.write", kStaff | role_bit(Role::contributor)},
    PolicyRow{Action::draft_export, "draft.export", role_bit(Role::admin) | role_bit(Role::caseworker)},
    PolicyRow{Action::template_read, "template.read", kStaff},
    PolicyRow{Action::template_manage, "template.manage", role_bit(Role::admin) | role_bit(Role::caseworker)},
    PolicyRow{Action::notification_run, "notification.run", role_bit(Role::admin) | role_bit(Role::caseworker)},
    PolicyRow{Action::notification_read, "notification.read", role_bit(Role::admin) | role_bit(Role::caseworker)},
};

const PolicyRow* row_for(Action action) {
  for (const auto& row : kPolicy) {
    if (row.action == action) return &row;
  }
  return nullptr;
}

}  // namespace

std::span<const PolicyRow> policy_table() { return kPolicy; }

bool allowed(storage::Role role, Action action) {
  if (action == Action::open) return true;
  const PolicyRow* row = row_for(action);
  return row != nullptr && (row->roles & role_bit(role)) != 0;  // no row: refused to everyone
}

std::string_view to_string(Action action) {
  const PolicyRow* row = row_for(action);
  return row != nullptr ? row->name : "unknown";
}

}  // namespace redbox::api
