#include "storage/detail/group_commit.h"

#include <algorithm>

namespace redbox::storage::detail {

void GroupCommitter::submit(const Change& change) {
  Pending mine{&change, nullptr, false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leader_active_) {
      finished_.wait(lock);
      continue;
    }
    // Lead one round: take what is queued (bounded, oldest first), run it without the lock.
    leader_active_ = true;
    std::size_t n = std::min(queue_.size(), max_batch_);
    std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    run_batch(batch);
    lock.lock();
    for (auto* p : batch) p->done = true;
    leader_active_ = false;
    finished_.notify_all();
  }
  if (mine.error) std::rethrow_exception(mine.error);
}

void GroupCommitter::run_batch(const std::vector<Pending*>& batch) {
  try {
    sql::Transaction tx(db_);
    for (auto* p : batch) {
      db_.exec("SAVEPOINT change");
      try {
        (*p->change)(db_, clock_.now());
        db_.exec("RELEASE change");
      } catch (...) {
        p->error = std::current_exception();
        db_.exec("ROLLBACK TO change; RELEASE change");
      }
    }
    tx.commit();
  } catch (...) {
    // The transaction did not commit: no change in it is stored, so every one fails.
    auto error = std::current_exception();
    for (auto* p : batch) {
      if (!p->error) p->error = error;
    }
  }
}

}  // namespace redbox::storage::detail
