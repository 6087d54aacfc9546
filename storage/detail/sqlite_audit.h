// The audit log half of the SQLite catalog: appending inside the caller's write transaction,
// and reading/verifying the chain through read connections.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/sqlite.h"
#include "storage/audit.h"
#include "storage/detail/connection_pool.h"
#include "storage/detail/statement_cache.h"

namespace redbox::storage::detail {

// Appends event (seq, time, prev_hash, hash assigned here) inside the open write transaction of
// the cache's connection (its statements are prepared once per connection). Returns the
// stored event.
AuditEvent append_audit_event(StatementCache& statements, AuditEvent event, TimePoint now);

// A read-only snapshot for the lifetime of the object (BEGIN ... ROLLBACK), so multi-statement
// reads see one consistent state even while a writer commits.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sql::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot() { sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr); }

 private:
  sql::Database& db_;
};

class SqliteAuditLog final : public AuditLog {
 public:
  explicit SqliteAuditLog(ConnectionPool& pool) : pool_(pool) {}
  Result<std::vector<AuditEvent>> events(std::int64_t after_seq, std::size_t limit) const override;
  Result<std::vector<AuditEvent>> events_for(const std::string& object) const override;
  Result<AuditVerification> verify() const override;

 private:
  ConnectionPool& pool_;
};

}  // namespace redbox::storage::detail
