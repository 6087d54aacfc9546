#include "common/sqlite.h"

namespace redbox::sql {

void raise(sqlite3* db, int rc, std::string_view what) {
  std::string m(what);
  m += ": ";
  m += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xFF;
  ErrorKind kind = ErrorKind::io;  // includes SQLITE_FULL (disk full) and SQLITE_BUSY
  if (primary == SQLITE_CONSTRAINT) kind = ErrorKind::conflict;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) kind = ErrorKind::corrupt;
  fail({kind, std::move(m)});
}

namespace {

Database configure(Database db) {
  sqlite3_busy_timeout(db.handle(), 10000);
  db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
  return db;
}

}  // namespace

Database Database::open(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) raise(raw, rc, "cannot open database " + path.string());
  sqlite3_busy_timeout(db.handle(), 10000);
  db.exec("PRAGMA journal_mode = WAL;");
  return configure(std::move(db));
}

Database Database::open_memory() {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) raise(raw, rc, "cannot open in-memory database");
  return configure(std::move(db));
}

void Database::exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), owned.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string m = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Error e{(rc & 0xFF) == SQLITE_CONSTRAINT ? ErrorKind::conflict : ErrorKind::io, "SQL failed: " + m};
    fail(std::move(e));
  }
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) raise(db_.get(), rc, "cannot prepare SQL");
  return Statement(db_.get(), stmt);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
int Database::changes() const { return sqlite3_changes(db_.get()); }

void Statement::check_bind(int rc) {
  if (rc != SQLITE_OK) raise(db_, rc, "cannot bind SQL parameter");
}

Statement& Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}
Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_.get(), index, value));
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  check_bind(sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
  check_bind(sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}
Statement& Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(stmt_.get(), index));
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  raise(db_, rc, "SQL step failed");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_.get(), col); }
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_blob(stmt_.get(), col);
  int n = sqlite3_column_bytes(stmt_.get(), col);
  return p != nullptr ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}
std::optional<std::string> Statement::optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<std::int64_t> Statement::optional_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

Transaction::Transaction(Database& db) : db_(&db) { db_->exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  db_->exec("COMMIT");
  done_ = true;
}

}  // namespace redbox::sql
