// Group commit for the catalog's single writer connection. Threads submit their change; one of
// them (the leader) runs every change queued so far in ONE transaction, each inside its own
// SAVEPOINT so a failing change is rolled back alone, then commits once (one WAL fsync) and
// wakes the others. A change's submit() returns only after the transaction holding it has
// committed, so "acknowledged = durable" holds exactly as with one transaction per change;
// concurrent writers just share the fsync. With one writer thread it degenerates to one
// transaction per change.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "common/clock.h"
#include "common/sqlite.h"

namespace redbox::storage::detail {

class GroupCommitter {
 public:
  using Change = std::function<void(sql::Database&, TimePoint now)>;

  GroupCommitter(sql::Database& db, const Clock& clock, std::size_t max_batch = 128)
      : db_(db), clock_(clock), max_batch_(max_batch) {}

  // Runs change in a committed transaction; rethrows what the change threw, or the commit's
  // failure (then nothing of the change is stored).
  void submit(const Change& change);

 private:
  struct Pending {
    const Change* change;
    std::exception_ptr error;
    bool done = false;
  };
  void run_batch(const std::vector<Pending*>& batch);

  sql::Database& db_;
  const Clock& clock_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::vector<Pending*> queue_;
  bool leader_active_ = false;
};

}  // namespace redbox::storage::detail
