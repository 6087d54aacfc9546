#include "storage/detail/sqlite_audit.h"

#include <algorithm>

#include "common/sha256.h"

namespace redbox::storage::detail {
namespace {

constexpr const char* kEventColumns = "seq, time, actor, action, object, details, prev_hash, hash";

std::string dump_details(const nlohmann::json& details) {
  return details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Reads a row strictly: a value that does not parse is reported, never silently defaulted,
// because verify() must name tampering, not paper over it.
std::optional<std::string> read_event(const sql::Statement& st, AuditEvent& e) {
  e.seq = st.int64(0);
  if (!parse_utc(st.text(1), e.time)) return "its time '" + st.text(1) + "' is not a UTC timestamp";
  e.actor = st.text(2);
  e.action = st.text(3);
  e.object = st.text(4);
  try {
    e.details = nlohmann::json::parse(st.text(5));
  } catch (const std::exception&) {
    return std::string("its details are not valid JSON");
  }
  e.prev_hash = st.text(6);
  e.hash = st.text(7);
  return std::nullopt;
}

std::vector<AuditEvent> collect(sql::Statement& st) {
  std::vector<AuditEvent> out;
  while (st.step()) {
    AuditEvent e;
    if (auto problem = read_event(st, e)) {
      fail(Error::corrupt("audit event " + std::to_string(e.seq) + " is damaged: " + *problem +
                          " (run redbox audit verify)"));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

AuditEvent append_audit_event(StatementCache& statements, AuditEvent event, TimePoint now) {
  if (event.actor.empty() || event.action.empty()) {
    fail(Error::invalid_input("an audit event needs an actor and an action"));
  }
  if (!event.details.is_object()) fail(Error::invalid_input("audit event details must be a JSON object"));
  {
    auto head = statements.get("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head->step()) fail(Error::corrupt("the audit log's head row is missing"));
    event.seq = head->int64(0) + 1;
    event.prev_hash = head->text(1);
  }
  // Milliseconds are what format_utc keeps; truncate so the hashed form round-trips exactly.
  event.time = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
  event.hash = sha256_hex(canonical_audit_form(event));
  statements
      .get("INSERT INTO audit_events (seq, time, actor, action, object, details, prev_hash, hash) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      ->bind(1, event.seq)
      .bind(2, format_utc(event.time))
      .bind(3, event.actor)
      .bind(4, event.action)
      .bind(5, event.object)
      .bind(6, dump_details(event.details))
      .bind(7, event.prev_hash)
      .bind(8, event.hash)
      .run();
  statements.get("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")
      ->bind(1, event.seq)
      .bind(2, event.hash)
      .run();
  return event;
}

Result<std::vector<AuditEvent>> SqliteAuditLog::events(std::int64_t after_seq, std::size_t limit) const {
  return guard([&] {
    auto db = pool_.acquire();
    limit = std::clamp<std::size_t>(limit, 1, 10000);
    auto st = db->prepare(std::string("SELECT ") + kEventColumns + " FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?");
    st.bind(1, after_seq).bind(2, static_cast<std::int64_t>(limit));
    return collect(st);
  });
}

Result<std::vector<AuditEvent>> SqliteAuditLog::events_for(const std::string& object) const {
  return guard([&] {
    auto db = pool_.acquire();
    auto st = db->prepare(std::string("SELECT ") + kEventColumns + " FROM audit_events WHERE object = ? ORDER BY seq");
    st.bind(1, object);
    return collect(st);
  });
}

Result<AuditVerification> SqliteAuditLog::verify() const {
  return guard([&] {
    auto db = pool_.acquire();
    ReadSnapshot snapshot(*db);
    AuditVerification v;
    auto bad = [&](std::int64_t seq, std::string problem) {
      v.ok = false;
      v.first_bad_seq = seq;
      v.problem = std::move(problem);
    };
    std::int64_t expected_seq = 1;
    std::string previous_hash;
    auto st = db->prepare(std::string("SELECT ") + kEventColumns + " FROM audit_events ORDER BY seq");
    while (st.step()) {
      AuditEvent e;
      auto unreadable = read_event(st, e);
      if (e.seq != expected_seq) {
        bad(expected_seq, e.seq > expected_seq
                              ? "event " + std::to_string(expected_seq) + " is missing (deleted)"
                              : "event sequence is out of order at " + std::to_string(e.seq));
        return v;
      }
      if (unreadable) {
        bad(e.seq, "event " + std::to_string(e.seq) + " was altered: " + *unreadable);
        return v;
      }
      if (e.prev_hash != previous_hash) {
        bad(e.seq, "event " + std::to_string(e.seq) + " does not chain to event " + std::to_string(e.seq - 1) +
                       " (events deleted, reordered or rewritten)");
        return v;
      }
      if (sha256_hex(canonical_audit_form(e)) != e.hash) {
        bad(e.seq, "event " + std::to_string(e.seq) + " was altered: its contents no longer match its hash");
        return v;
      }
      previous_hash = e.hash;
      ++expected_seq;
      ++v.events_checked;
    }
    auto head = db->prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head.step()) {
      bad(expected_seq, "the audit log's head record is missing");
    } else if (head.int64(0) != expected_seq - 1 || head.text(1) != previous_hash) {
      if (head.int64(0) >= expected_seq) {
        bad(expected_seq, "events " + std::to_string(expected_seq) + " to " + std::to_string(head.int64(0)) +
                              " are missing (deleted from the end of the log)");
      } else {
        bad(head.int64(0) + 1, "the audit head does not match the last event (log rewritten)");
      }
    }
    return v;
  });
}

}  // namespace redbox::storage::detail
