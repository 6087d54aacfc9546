// The catalog's schema as an ordered list of migrations. PRAGMA user_version holds the number
// of migrations applied; each runs in its own BEGIN IMMEDIATE transaction (so two processes
// opening a fresh catalog at once apply each step exactly once) and is recorded in
// schema_migrations. Never edit a released migration: append a new one.
#pragma once

#include "common/sqlite.h"

namespace redbox::storage::detail {

// The schema version this build writes (the number of migrations it knows).
int latest_schema_version();
// Brings db up to latest_schema_version(). unsupported if the file was written by a newer
// Redbox (a higher version than this build knows).
void migrate(sql::Database& db, const std::string& now_utc);
int schema_version(sql::Database& db);

// Names of the triggers that make audit_events append-only (checked by check_integrity).
inline constexpr const char* kAuditTriggers[] = {"audit_events_no_update", "audit_events_no_delete",
                                                 "audit_head_forward_only", "audit_head_no_delete"};

}  // namespace redbox::storage::detail
