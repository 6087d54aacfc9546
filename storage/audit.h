// The audit log: an append-only, hash-chained record of every create, update, delete, access to
// an original or unredacted version, token use and permission refusal.
//
// Each event stores the SHA-256 of the previous event's canonical form and its own hash, so
// editing, deleting or reordering any event breaks the chain and verify() names the first bad
// sequence number. Events never carry document text or personal data in `details`: IDs, hashes,
// counts, reasons only.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace redbox::storage {

struct AuditEvent {
  std::int64_t seq = 0;        // assigned on append, 1, 2, 3...
  TimePoint time;              // assigned on append
  std::string actor;           // user name, "system", or "anonymous"
  std::string action;          // "document.create", "version.download", "auth.refused", ...
  std::string object;          // "doc_...", "ver_...", "usr_...", route, ...
  nlohmann::json details = nlohmann::json::object();
  std::string prev_hash;       // hash of event seq-1 ("" for the first)
  std::string hash;            // SHA-256 of this event's canonical form including prev_hash
};

struct AuditVerification {
  bool ok = true;
  std::int64_t events_checked = 0;
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;         // what is wrong at first_bad_seq
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Events with seq > after_seq, oldest first, at most limit.
  virtual Result<std::vector<AuditEvent>> events(std::int64_t after_seq, std::size_t limit) const = 0;
  // Events about one object, oldest first.
  virtual Result<std::vector<AuditEvent>> events_for(const std::string& object) const = 0;
  // Re-computes the whole chain.
  virtual Result<AuditVerification> verify() const = 0;
};

// The canonical form hashed for an event (stable field order, UTC time, compact JSON).
std::string canonical_audit_form(const AuditEvent& event);

}  // namespace redbox::storage
