// Prepared statements kept for reuse on one connection. Parsing and planning an INSERT costs
// more than running it; adding a batch of documents runs the same handful of statements for
// every document, so the writer connection prepares each once.
// Not thread-safe: the catalog uses it only on its writer connection, from inside the group
// committer (one transaction runs at a time). Destroy it before its Database.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/sqlite.h"

namespace redbox::storage::detail {

class StatementCache {
 public:
  explicit StatementCache(sql::Database& db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // A borrowed statement, reset (bindings cleared, cursor closed) when the borrow ends, so no
  // statement stays active across COMMIT.
  class Borrowed {
   public:
    explicit Borrowed(sql::Statement& st) : st_(&st) {}
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    ~Borrowed() { st_->reset(); }
    sql::Statement& operator*() const { return *st_; }
    sql::Statement* operator->() const { return st_; }

   private:
    sql::Statement* st_;
  };

  // The statement for sql on this cache's connection, prepared on first use.
  Borrowed get(const std::string& sql);
  sql::Database& db() const { return db_; }

 private:
  sql::Database& db_;
  std::map<std::string, std::unique_ptr<sql::Statement>, std::less<>> statements_;
};

}  // namespace redbox::storage::detail
