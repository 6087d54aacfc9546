#include "pipeline/jobs.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/ids.h"

namespace redbox::pipeline {
namespace {

using namespace std::chrono_literals;

constexpr auto kProgressInterval = 250ms;  // progress rows are durable writes: not per page
constexpr auto kIdlePoll = 1s;             // other processes may submit jobs too

constexpr std::array kStates = {JobState::queued, JobState::running, JobState::done, JobState::failed};

std::optional<ErrorKind> parse_error_kind(std::string_view text) {
  for (auto kind : {ErrorKind::invalid_input, ErrorKind::unauthorized, ErrorKind::forbidden, ErrorKind::not_found,
                    ErrorKind::conflict, ErrorKind::too_large, ErrorKind::unsupported, ErrorKind::corrupt,
                    ErrorKind::io, ErrorKind::internal}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

// The kernel's start time of a process (field 22 of /proc/<pid>/stat), which tells a live
// process from a later one that reused its pid.
std::string process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  auto close = line.rfind(')');  // the command name may contain spaces and parentheses
  if (close == std::string::npos) return {};
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return {};
}

std::string host_name() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "localhost";
  return buf.data();
}

std::string this_process_owner() {
  return host_name() + ":" + std::to_string(getpid()) + ":" + process_start_time(getpid());
}

// A job marked running by `owner` is orphaned when that process no longer exists. Owners on
// another host cannot be checked; their jobs are left alone unless their heartbeat is stale.
bool owner_is_dead(const std::string& owner, const std::optional<std::string>& heartbeat, TimePoint now) {
  auto first = owner.find(':');
  auto second = owner.find(':', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return true;
  std::string host = owner.substr(0, first);
  if (host != host_name()) {
    TimePoint beat{};
    if (!heartbeat || !parse_utc(*heartbeat, beat)) return true;
    return now - beat > std::chrono::minutes(10);
  }
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stol(owner.substr(first + 1, second - first - 1)));
  } catch (const std::exception&) {
    return true;
  }
  return process_start_time(pid) != owner.substr(second + 1);
}

nlohmann::json parse_json_column(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

constexpr const char* kJobColumns =
    "id, kind, state, params, checkpoint, result, done, total, stage, error_kind, error_message, attempts, "
    "created_by, created, updated";

Job read_job(sql::Statement& st) {
  Job job;
  job.id = st.text(0);
  job.kind = st.text(1);
  job.state = parse_job_state(st.text(2)).value_or(JobState::failed);
  job.params = parse_json_column(st.text(3));
  job.checkpoint = parse_json_column(st.text(4));
  job.result = parse_json_column(st.text(5));
  job.done = st.int64(6);
  job.total = st.int64(7);
  job.stage = st.text(8);
  if (auto kind = st.optional_text(9)) {
    job.error = Error{parse_error_kind(*kind).value_or(ErrorKind::internal), st.optional_text(10).value_or("")};
  }
  job.attempts = static_cast<int>(st.int64(11));
  job.created_by = st.text(12);
  parse_utc(st.text(13), job.created);
  parse_utc(st.text(14), job.updated);
  return job;
}

Job load_job(sql::Database& db, const std::string& id) {
  auto st = db.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
  if (!st.bind(1, id).step()) fail(Error::not_found("no job " + id));
  return read_job(st);
}

}  // namespace

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::failed: return "failed";
  }
  return "failed";
}

std::optional<JobState> parse_job_state(std::string_view text) {
  for (auto state : kStates) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

nlohmann::json Job::to_json() const {
  nlohmann::json j = {{"id", id},
                      {"kind", kind},
                      {"state", std::string(to_string(state))},
                      {"progress", {{"done", done}, {"total", total}, {"stage", stage}}},
                      {"attempts", attempts},
                      {"params", params},
                      {"created_by", created_by},
                      {"created", format_utc(created)},
                      {"updated", format_utc(updated)}};
  if (state == JobState::done) j["result"] = result;
  if (error) j["error"] = {{"kind", std::string(redbox::to_string(error->kind))}, {"message", error->message}};
  return j;
}

struct JobQueue::Impl {
  Impl(storage::Store& s, JobQueueOptions o) : store(s), options(o), owner(this_process_owner()) {}

  storage::Store& store;
  JobQueueOptions options;
  std::string owner;
  std::mutex mutex;
  std::condition_variable changed;  // a job was submitted or finished, or stop was asked
  std::map<std::string, JobHandler> handlers;
  std::atomic<bool> stopping{false};
  std::vector<std::thread> workers;

  storage::Catalog& catalog() { return *store.catalog; }

  std::vector<std::string> runnable_kinds(const std::vector<std::string>& filter) {
    std::lock_guard lock(mutex);
    std::vector<std::string> kinds;
    for (const auto& [kind, handler] : handlers) {
      if (filter.empty() || std::find(filter.begin(), filter.end(), kind) != filter.end()) kinds.push_back(kind);
    }
    return kinds;
  }

  // Takes the oldest queued job of one of kinds, marking it running under this process.
  std::optional<Job> claim(const std::vector<std::string>& kinds) {
    if (kinds.empty()) return std::nullopt;
    std::optional<Job> claimed;
    Status st = catalog().write([&](storage::CatalogWriter& w) {
      std::string placeholders;
      for (std::size_t i = 0; i < kinds.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
      auto pick = w.db().prepare("SELECT id FROM jobs WHERE state = 'queued' AND kind IN (" + placeholders +
                                 ") ORDER BY num LIMIT 1");
      for (std::size_t i = 0; i < kinds.size(); ++i) pick.bind(static_cast<int>(i + 1), kinds[i]);
      if (!pick.step()) return;
      std::string id = pick.text(0);
      std::string now = format_utc(w.now());
      w.db()
          .prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, owner = ?, heartbeat = ?, updated = ? "
                   "WHERE id = ?")
          .bind(1, owner)
          .bind(2, now)
          .bind(3, now)
          .bind(4, id)
          .run();
      claimed = load_job(w.db(), id);
    });
    if (!st) {
      spdlog::error("job queue: cannot claim a job: {}", st.error().describe());
      return std::nullopt;
    }
    return claimed;
  }

  void finish(const Job& job, const Result<nlohmann::json>& outcome, bool requeue) {
    Status st = catalog().write([&](storage::CatalogWriter& w) {
      std::string now = format_utc(w.now());
      if (requeue) {
        w.db()
            .prepare("UPDATE jobs SET state = 'queued', owner = NULL, updated = ? WHERE id = ? AND owner = ?")
            .bind(1, now)
            .bind(2, job.id)
            .bind(3, owner)
            .run();
        return;
      }
      auto update = w.db().prepare(
          "UPDATE jobs SET state = ?, result = ?, error_kind = ?, error_message = ?, done = ?, total = ?, stage = ?, "
          "owner = NULL, updated = ? WHERE id = ? AND owner = ?");
      update.bind(1, outcome ? "done" : "failed")
          .bind(2, outcome ? outcome->dump() : std::string("{}"))
          .bind(3, outcome ? std::optional<std::string>() : std::string(redbox::to_string(outcome.error().kind)))
          .bind(4, outcome ? std::optional<std::string>() : outcome.error().message)
          .bind(5, job.done)
          .bind(6, job.total)
          .bind(7, outcome ? std::string("done") : job.stage)
          .bind(8, now)
          .bind(9, job.id)
          .bind(10, owner)
          .run();
      if (w.db().changes() == 0) return;  // recovered by another process meanwhile: not ours
      storage::AuditEvent e;
      e.actor = "system";
      e.action = outcome ? "job.done" : "job.failed";
      e.object = job.id;
      e.details = {{"kind", job.kind}};
      if (!outcome) e.details["error_kind"] = std::string(redbox::to_string(outcome.error().kind));
      w.audit(std::move(e));
    });
    if (!st) spdlog::error("job queue: cannot record the end of job {}: {}", job.id, st.error().describe());
    changed.notify_all();
  }

  class RunningJob;
  void run_one(Job job);

  // Worker body: claims and runs jobs; exits when stopping, or (idle_exit) when none is left.
  void work(const std::vector<std::string>& kind_filter, bool idle_exit) {
    while (!stopping) {
      auto job = claim(runnable_kinds(kind_filter));
      if (job) {
        run_one(std::move(*job));
        continue;
      }
      if (idle_exit) return;
      std::unique_lock lock(mutex);
      changed.wait_for(lock, kIdlePoll);
    }
  }
};

class JobQueue::Impl::RunningJob final : public JobContext {
 public:
  RunningJob(JobQueue::Impl& queue, Job& job) : queue_(queue), job_(job) {}

  const Job& job() const override { return job_; }
  storage::Store& store() override { return queue_.store; }
  bool stopping() const override { return queue_.stopping; }

  void progress(std::int64_t done, std::int64_t total, const std::string& stage) override {
    job_.done = done;
    job_.total = total;
    if (!stage.empty()) job_.stage = stage;
    auto now = std::chrono::steady_clock::now();
    if (now - last_write_ < kProgressInterval && done < total) return;  // finish() writes the last one
    last_write_ = now;
    Status st = queue_.catalog().write([&](storage::CatalogWriter& w) {
      std::string at = format_utc(w.now());
      w.db()
          .prepare("UPDATE jobs SET done = ?, total = ?, stage = ?, heartbeat = ?, updated = ? WHERE id = ? AND owner = ?")
          .bind(1, job_.done)
          .bind(2, job_.total)
          .bind(3, job_.stage)
          .bind(4, at)
          .bind(5, at)
          .bind(6, job_.id)
          .bind(7, queue_.owner)
          .run();
    });
    if (!st) spdlog::warn("job {}: progress not recorded: {}", job_.id, st.error().describe());
  }

  void commit(const std::function<void(storage::CatalogWriter&, nlohmann::json& checkpoint)>& fn) override {
    nlohmann::json checkpoint = job_.checkpoint;
    Status st = queue_.catalog().write([&](storage::CatalogWriter& w) {
      checkpoint = job_.checkpoint;  // a retried transaction starts again from the stored state
      fn(w, checkpoint);
      std::string at = format_utc(w.now());
      w.db()
          .prepare("UPDATE jobs SET checkpoint = ?, done = ?, total = ?, stage = ?, heartbeat = ?, updated = ? "
                   "WHERE id = ? AND owner = ?")
          .bind(1, checkpoint.dump())
          .bind(2, job_.done)
          .bind(3, job_.total)
          .bind(4, job_.stage)
          .bind(5, at)
          .bind(6, at)
          .bind(7, job_.id)
          .bind(8, queue_.owner)
          .run();
      // Another process recovered this job (it thought we were dead): our rows must not land.
      if (w.db().changes() == 0) fail(Error::conflict("job " + job_.id + " is no longer run by this process"));
    });
    if (!st) fail(st.error());
    job_.checkpoint = std::move(checkpoint);
  }

 private:
  JobQueue::Impl& queue_;
  Job& job_;
  std::chrono::steady_clock::time_point last_write_{};
};

void JobQueue::Impl::run_one(Job job) {
  JobHandler handler;
  {
    std::lock_guard lock(mutex);
    handler = handlers.at(job.kind);
  }
  spdlog::info("job {} ({}) started, attempt {}", job.id, job.kind, job.attempts);
  RunningJob context(*this, job);
  Result<nlohmann::json> outcome = Error::internal("job handler did not run");
  try {
    outcome = handler(context);
  } catch (...) {
    outcome = capture_error();
  }
  // A handler that gave up because the queue is stopping resumes later from its checkpoint.
  bool requeue = !outcome && stopping;
  if (outcome) {
    spdlog::info("job {} ({}) done", job.id, job.kind);
  } else if (requeue) {
    spdlog::info("job {} ({}) interrupted by shutdown; it will resume", job.id, job.kind);
  } else {
    spdlog::warn("job {} ({}) failed: {}", job.id, job.kind, outcome.error().describe());
  }
  finish(job, outcome, requeue);
}

JobQueue::JobQueue(storage::Store& store, JobQueueOptions options) : impl_(std::make_unique<Impl>(store, options)) {}

JobQueue::~JobQueue() { stop(); }

void JobQueue::register_handler(const std::string& kind, JobHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handlers[kind] = std::move(handler);
}

Result<Job> JobQueue::submit(const std::string& kind, const nlohmann::json& params, const std::string& actor) {
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->handlers.contains(kind)) return Error::invalid_input("no job handler for kind '" + kind + "'");
  }
  if (!params.is_object()) return Error::invalid_input("job parameters must be a JSON object");
  std::optional<Job> job;
  Status st = impl_->catalog().write([&](storage::CatalogWriter& w) {
    std::string id = new_id("job");
    std::string now = format_utc(w.now());
    w.db()
        .prepare("INSERT INTO jobs (id, kind, state, params, created_by, created, updated) VALUES (?, ?, 'queued', ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, kind)
        .bind(3, params.dump())
        .bind(4, actor)
        .bind(5, now)
        .bind(6, now)
        .run();
    storage::AuditEvent e;
    e.actor = actor;
    e.action = "job.submit";
    e.object = id;
    e.details = {{"kind", kind}};
    w.audit(std::move(e));
    job = load_job(w.db(), id);
  });
  if (!st) return st.error();
  impl_->changed.notify_all();
  return std::move(*job);
}

Result<Job> JobQueue::get(const std::string& id) const {
  std::optional<Job> job;
  Status st = impl_->catalog().read([&](sql::Database& db) { job = load_job(db, id); });
  if (!st) return st.error();
  return std::move(*job);
}

Result<std::vector<Job>> JobQueue::list(std::size_t limit, std::optional<JobState> state) const {
  limit = std::clamp<std::size_t>(limit, 1, 500);
  std::vector<Job> jobs;
  Status st = impl_->catalog().read([&](sql::Database& db) {
    std::string where = state ? " WHERE state = ?" : "";
    auto q = db.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs" + where + " ORDER BY num DESC LIMIT ?");
    int next = 1;
    if (state) q.bind(next++, to_string(*state));
    q.bind(next, static_cast<std::int64_t>(limit));
    while (q.step()) jobs.push_back(read_job(q));
  });
  if (!st) return st.error();
  return jobs;
}

Status JobQueue::recover() {
  int requeued = 0;
  int failed = 0;
  Status st = impl_->catalog().write([&](storage::CatalogWriter& w) {
    requeued = failed = 0;  // a retried transaction counts again
    auto running = w.db().prepare("SELECT id, owner, heartbeat, attempts, kind FROM jobs WHERE state = 'running'");
    struct Orphan {
      std::string id;
      int attempts;
      std::string kind;
    };
    std::vector<Orphan> orphans;
    while (running.step()) {
      std::string owner = running.optional_text(1).value_or("");
      if (owner == impl_->owner) continue;  // ours, still running
      if (!owner_is_dead(owner, running.optional_text(2), w.now())) continue;
      orphans.push_back({running.text(0), static_cast<int>(running.int64(3)), running.text(4)});
    }
    std::string now = format_utc(w.now());
    for (const auto& orphan : orphans) {
      bool give_up = orphan.attempts >= impl_->options.max_attempts;
      if (give_up) {
        w.db()
            .prepare("UPDATE jobs SET state = 'failed', owner = NULL, error_kind = 'internal', error_message = ?, "
                     "updated = ? WHERE id = ?")
            .bind(1, "interrupted " + std::to_string(orphan.attempts) + " times (the process running it stopped); "
                     "giving up")
            .bind(2, now)
            .bind(3, orphan.id)
            .run();
        ++failed;
      } else {
        w.db().prepare("UPDATE jobs SET state = 'queued', owner = NULL, updated = ? WHERE id = ?").bind(1, now).bind(2, orphan.id).run();
        ++requeued;
      }
      storage::AuditEvent e;
      e.actor = "system";
      e.action = give_up ? "job.failed" : "job.resume";
      e.object = orphan.id;
      e.details = {{"kind", orphan.kind}, {"reason", "interrupted"}, {"attempts", orphan.attempts}};
      w.audit(std::move(e));
    }
  });
  if (!st) return st;
  if (requeued + failed > 0) {
    spdlog::info("job queue: {} interrupted job(s) queued again, {} failed after too many attempts", requeued, failed);
  }
  return {};
}

void JobQueue::start(std::size_t workers) {
  if (Status st = recover(); !st) spdlog::error("job queue: recovery failed: {}", st.error().describe());
  impl_->stopping = false;
  workers = std::max<std::size_t>(workers, 1);
  for (std::size_t i = 0; i < workers; ++i) {
    impl_->workers.emplace_back([this] { impl_->work({}, false); });
  }
}

void JobQueue::stop() {
  impl_->stopping = true;
  impl_->changed.notify_all();
  for (auto& worker : impl_->workers) {
    if (worker.joinable()) worker.join();
  }
  impl_->workers.clear();
}

Status JobQueue::run_until_idle(std::size_t workers, const std::vector<std::string>& kinds) {
  if (Status st = recover(); !st) return st;
  workers = std::max<std::size_t>(workers, 1);
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < workers; ++i) {
    pool.emplace_back([this, kinds] { impl_->work(kinds, true); });
  }
  for (auto& t : pool) t.join();
  return {};
}

Result<Job> JobQueue::wait(const std::string& id) {
  while (true) {
    auto job = get(id);
    if (!job) return job.error();
    if (job->state == JobState::done || job->state == JobState::failed || impl_->stopping) return job;
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait_for(lock, 200ms);
  }
}

}  // namespace redbox::pipeline
