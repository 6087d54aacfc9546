#include "api/cli/job_progress.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <thread>

#include "pipeline/intake.h"

namespace redbox::cli {
namespace {

std::string bar(std::int64_t done, std::int64_t total) {
  constexpr int kWidth = 30;
  int filled = total > 0 ? static_cast<int>(std::min<std::int64_t>(kWidth, done * kWidth / total)) : 0;
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(kWidth - filled), '.') +
         "]";
}

}  // namespace

void run_jobs_with_progress(CommandContext& ctx, pipeline::JobQueue& queue, const std::vector<std::string>& kinds,
                            const std::string& watch) {
  std::mutex mutex;
  std::condition_variable cv;
  bool finished = false;
  std::thread drawer;
  if (ctx.err_is_terminal && !watch.empty()) {
    drawer = std::thread([&] {
      std::size_t last_width = 0;
      std::string last_line;
      std::unique_lock lock(mutex);
      while (!cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return finished; })) {
        auto job = queue.get(watch);
        if (!job || job->state != pipeline::JobState::running) continue;
        std::string line = bar(job->done, job->total) + " " + std::to_string(job->done) + "/" +
                           std::to_string(job->total) + " pages  " + job->stage;
        if (line.size() > 100) line.resize(100);
        if (line == last_line) continue;
        last_line = line;
        ctx.err << "\r" << line << std::string(last_width > line.size() ? last_width - line.size() : 0, ' ') << std::flush;
        last_width = line.size();
      }
      if (last_width > 0) ctx.err << "\r" << std::string(last_width, ' ') << "\r" << std::flush;
    });
  }
  Status s = queue.run_until_idle(1, kinds);
  {
    std::lock_guard lock(mutex);
    finished = true;
  }
  cv.notify_all();
  if (drawer.joinable()) drawer.join();
  s.throw_if_error();
}

int print_intake_job(CommandContext& ctx, const pipeline::Job& job, bool resumed) {
  int exit = 0;
  if (job.state == pipeline::JobState::failed) {
    Error e = job.error.value_or(Error::internal("the job failed without a reason"));
    if (!ctx.global.json) ctx.err << "redbox: error: intake job " << job.id << " failed: " << e.message << "\n";
    return exit_code(e.kind);
  }
  if (job.state != pipeline::JobState::done) {
    if (!ctx.global.json) ctx.err << "redbox: intake job " << job.id << " is " << pipeline::to_string(job.state) << "\n";
    return exit_code(ErrorKind::conflict);
  }
  pipeline::IntakeSummary summary = pipeline::intake_summary(job.result);
  if (!ctx.global.json) {
    if (resumed) ctx.out << "# resumed job " << job.id << "\n";
    for (const auto& d : summary.documents) {
      ctx.out << d.id << "  " << d.pages << (d.pages == 1 ? " page   " : " pages  ") << d.file_name;
      if (d.role == "stack") ctx.out << "  (stack as received)";
      ctx.out << "\n";
      for (const auto& w : d.warnings) ctx.err << "redbox: warning: " << w << "\n";
    }
  }
  for (const auto& f : summary.failed) {
    if (!ctx.global.json) ctx.err << "redbox: error: " << f.error.message << "\n";
    if (exit == 0) exit = exit_code(f.error.kind);
  }
  if (!ctx.global.json) {
    for (const auto& d : summary.duplicates)
      ctx.err << "redbox: " << d.input << ": already stored as " << d.document_id
              << " (same bytes); not stored again (--allow-duplicates stores it)\n";
    ctx.err << "redbox: " << summary.documents.size() << " document(s), " << summary.pages << " page(s) stored";
    if (!summary.duplicates.empty()) ctx.err << "; " << summary.duplicates.size() << " file(s) already stored";
    if (!summary.failed.empty()) ctx.err << "; " << summary.failed.size() << " file(s) failed";
    ctx.err << " (batch " << job.id << ")\n";
  }
  return exit;
}

std::string describe_job_line(const pipeline::Job& job) {
  std::string line = job.id + "  " + job.kind + "  " + std::string(pipeline::to_string(job.state));
  if (job.state == pipeline::JobState::running || job.state == pipeline::JobState::queued) {
    if (job.total > 0) line += "  " + std::to_string(job.done) + "/" + std::to_string(job.total) + " pages";
    if (!job.stage.empty()) line += "  " + job.stage;
  } else if (job.state == pipeline::JobState::failed && job.error) {
    line += "  " + job.error->message;
  } else if (job.state == pipeline::JobState::done && job.kind == pipeline::kIntakeJobKind) {
    auto s = pipeline::intake_summary(job.result);
    line += "  " + std::to_string(s.documents.size()) + " document(s), " + std::to_string(s.pages) + " page(s)";
    if (!s.duplicates.empty()) line += ", " + std::to_string(s.duplicates.size()) + " already stored";
    if (!s.failed.empty()) line += ", " + std::to_string(s.failed.size()) + " file(s) failed";
  }
  return line;
}

}  // namespace redbox::cli
