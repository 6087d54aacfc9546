// Persisted background jobs (intake batches, bundles): rows in the catalog database's `jobs`
// table, run by a pool of worker threads.
//
// Why persisted: a batch of scanned post or a 5,000-page bundle takes minutes; a process killed
// in the middle must neither lose the job nor store anything twice. A job's handler is written
// to be resumable: it records what it has finished in the job's checkpoint, and the catalog
// rows it writes commit in the SAME transaction as that checkpoint (JobContext::commit), so
// after a restart the job resumes where its last commit left it.
//
// States: queued -> running -> done | failed. A job found `running` when a queue opens was
// interrupted (its process died): it goes back to `queued` and runs again from its checkpoint,
// up to max_attempts, then fails with a reason.
//
// Thread-safety: JobQueue is safe to use from several threads; each handler runs on one worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "storage/store.h"

namespace redbox::pipeline {

enum class JobState { queued, running, done, failed };
std::string_view to_string(JobState state);
std::optional<JobState> parse_job_state(std::string_view text);

struct Job {
  std::string id;                  // "job_..."
  std::string kind;                // e.g. "intake", "bundle"
  JobState state = JobState::queued;
  nlohmann::json params = nlohmann::json::object();      // what to do (never document text)
  nlohmann::json checkpoint = nlohmann::json::object();  // what is done, for resuming
  nlohmann::json result = nlohmann::json::object();      // set when done
  std::int64_t done = 0;           // progress: units done of total (pages, files)
  std::int64_t total = 0;
  std::string stage;               // short human label of the current step
  std::optional<Error> error;      // set when failed
  int attempts = 0;                // how many times a worker has started it
  std::string created_by;
  TimePoint created;
  TimePoint updated;
  nlohmann::json to_json() const;  // the API/CLI view
};

// Handed to a job's handler while it runs.
class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual const Job& job() const = 0;
  virtual storage::Store& store() = 0;
  // Records progress (durably, but at most a few times a second; the last call always lands).
  virtual void progress(std::int64_t done, std::int64_t total, const std::string& stage = {}) = 0;
  // Runs fn in one catalog transaction and stores the job's checkpoint (as fn leaves it) in the
  // same transaction: rows written by fn and "this item is done" commit together or not at all.
  virtual void commit(const std::function<void(storage::CatalogWriter&, nlohmann::json& checkpoint)>& fn) = 0;
  // True once the queue is stopping: a handler should return soon (its job is then re-queued
  // and resumes from its checkpoint on the next start).
  virtual bool stopping() const = 0;
};

// A handler returns the job's result, or an error (the job then fails with it). Throwing
// redbox::Failure works too.
using JobHandler = std::function<Result<nlohmann::json>(JobContext&)>;

struct JobQueueOptions {
  int max_attempts = 3;            // interrupted runs before a job is failed
};

class JobQueue {
 public:
  explicit JobQueue(storage::Store& store, JobQueueOptions options = {});
  ~JobQueue();  // stops the workers
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  void register_handler(const std::string& kind, JobHandler handler);

  // Durable when it returns; audited ("job.submit"). invalid_input if no handler is registered
  // for kind.
  Result<Job> submit(const std::string& kind, const nlohmann::json& params, const std::string& actor);
  Result<Job> get(const std::string& id) const;
  // Newest first; state filters when given. limit is clamped to [1, 500].
  Result<std::vector<Job>> list(std::size_t limit, std::optional<JobState> state = std::nullopt) const;

  // Puts jobs left `running` by a dead process back to `queued` (or fails them after
  // max_attempts). start() and run_until_idle() call it first.
  Status recover();

  // Runs queued jobs on `workers` threads until stop().
  void start(std::size_t workers);
  // Asks handlers to stop, waits for the workers; running jobs go back to `queued`.
  void stop();
  // For the CLI: runs every queued job of the given kinds (all kinds when empty) on `workers`
  // threads, returns when none is left.
  Status run_until_idle(std::size_t workers, const std::vector<std::string>& kinds = {});
  // Blocks until the job is done or failed (or the queue stops); returns its final row.
  Result<Job> wait(const std::string& id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redbox::pipeline
