// Read connections for a catalog shared by threads: each read borrows an idle connection (or
// opens one) and returns it afterwards, so concurrent readers never share a sqlite3 handle and
// run beside the single writer thanks to WAL.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "common/sqlite.h"

namespace redbox::storage::detail {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::filesystem::path path, std::size_t max_idle = 16)
      : path_(std::move(path)), max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<sql::Database> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (db_) pool_->give_back(std::move(db_));
    }
    sql::Database& operator*() const { return *db_; }
    sql::Database* operator->() const { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<sql::Database> db_;
  };

  Lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(db));
      }
    }
    return Lease(this, std::make_unique<sql::Database>(sql::Database::open(path_)));
  }

 private:
  void give_back(std::unique_ptr<sql::Database> db) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
  }

  std::filesystem::path path_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<sql::Database>> idle_;
};

}  // namespace redbox::storage::detail
