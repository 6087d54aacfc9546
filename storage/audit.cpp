#include "storage/audit.h"

namespace redbox::storage {

std::string canonical_audit_form(const AuditEvent& event) {
  // nlohmann::json keeps object keys sorted, so field order is stable whatever order the
  // details were built in; invalid UTF-8 is replaced (deterministically) instead of throwing.
  nlohmann::json form = {
      {"seq", event.seq},         {"time", format_utc(event.time)}, {"actor", event.actor},
      {"action", event.action},   {"object", event.object},         {"details", event.details},
      {"prev_hash", event.prev_hash},
  };
  return form.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace redbox::storage
