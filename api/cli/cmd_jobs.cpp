// redbox jobs [ID] | jobs run [ID]: persisted background jobs (intake batches, ...).
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "api/cli/job_progress.h"
#include "common/ids.h"
#include "pipeline/intake.h"
#include "workflows/letter_intake.h"
#include "pipeline/jobs.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] jobs [--state STATE] [--limit N]\n"
    "       redbox [--data DIR] [--json] jobs ID\n"
    "       redbox [--data DIR] [--json] jobs run\n"
    "\n"
    "jobs          lists jobs, newest first: ID, kind, state (queued, running with pages\n"
    "              done/total, done, failed with its reason). --state filters, --limit N\n"
    "              (default 50, at most 500).\n"
    "jobs ID       one job in full: parameters, progress, result or error.\n"
    "jobs run      runs every queued job here until none is left, including jobs a killed\n"
    "              process left running: they resume from their last checkpoint and store\n"
    "              nothing twice. Exit code of the first failure, else 0.\n";

void register_handlers(pipeline::JobQueue& queue) { workflows::register_intake_with_case_letters(queue); }

int jobs_list(CommandContext& ctx, const ParsedArgs& parsed) {
  std::int64_t limit = parsed.get_int("limit").value_or(50);
  if (limit < 1 || limit > 500) fail(Error::invalid_input("--limit must be from 1 to 500"));
  std::optional<pipeline::JobState> state;
  if (auto s = parsed.get("state")) {
    state = pipeline::parse_job_state(*s);
    if (!state) fail(Error::invalid_input("--state must be queued, running, done or failed"));
  }
  storage::Store store = open_data_folder(ctx.global);
  pipeline::JobQueue queue(store);
  auto jobs = queue.list(static_cast<std::size_t>(limit), state);
  if (!jobs) fail(jobs.error());
  if (ctx.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& j : *jobs) list.push_back(j.to_json());
    ctx.out << nlohmann::json{{"jobs", list}}.dump() << "\n";
    return 0;
  }
  if (jobs->empty()) ctx.out << "no jobs\n";
  for (const auto& j : *jobs) ctx.out << describe_job_line(j) << "\n";
  return 0;
}

int jobs_show(CommandContext& ctx, const std::string& id) {
  if (!is_id(id, "job")) fail(Error::not_found("no job " + id));
  storage::Store store = open_data_folder(ctx.global);
  pipeline::JobQueue queue(store);
  auto job = queue.get(id);
  if (!job) fail(job.error());
  if (ctx.global.json) {
    ctx.out << job->to_json().dump() << "\n";
    return 0;
  }
  ctx.out << describe_job_line(*job) << "\n"
          << "created    " << format_utc(job->created) << " by " << job->created_by << "\n"
          << "updated    " << format_utc(job->updated) << "\n"
          << "attempts   " << job->attempts << "\n";
  if (job->kind == pipeline::kIntakeJobKind && job->state == pipeline::JobState::done) {
    auto summary = pipeline::intake_summary(job->result);
    for (const auto& d : summary.documents) ctx.out << "  " << d.id << "  " << d.pages << " page(s)  " << d.file_name << "\n";
    for (const auto& f : summary.failed) ctx.out << "  failed: " << f.error.message << "\n";
  }
  return 0;
}

int jobs_run(CommandContext& ctx) {
  storage::Store store = open_data_folder(ctx.global);
  pipeline::JobQueue queue(store);
  register_handlers(queue);
  queue.recover().throw_if_error();
  auto queued = queue.list(500, pipeline::JobState::queued);
  if (!queued) fail(queued.error());
  if (queued->empty()) {
    if (!ctx.global.json) ctx.err << "redbox: no queued jobs\n";
    if (ctx.global.json) ctx.out << nlohmann::json{{"jobs", nlohmann::json::array()}}.dump() << "\n";
    return 0;
  }
  std::vector<std::string> ids;
  for (auto it = queued->rbegin(); it != queued->rend(); ++it) ids.push_back(it->id);  // oldest first
  run_jobs_with_progress(ctx, queue, {}, ids.front());
  int exit = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : ids) {
    auto job = queue.get(id);
    if (!job) fail(job.error());
    int code = 0;
    if (job->kind == pipeline::kIntakeJobKind) {
      code = print_intake_job(ctx, *job, true);
    } else if (!ctx.global.json) {
      ctx.out << describe_job_line(*job) << "\n";
      if (job->state == pipeline::JobState::failed && job->error) code = exit_code(job->error->kind);
    }
    if (exit == 0) exit = code;
    out.push_back(job->to_json());
  }
  if (ctx.global.json) ctx.out << nlohmann::json{{"jobs", out}}.dump() << "\n";
  return exit;
}

int run_jobs(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed = ArgParser().option("state").option("limit").parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  const auto& pos = parsed.positionals();
  if (pos.empty()) return jobs_list(ctx, parsed);
  if (pos.size() == 1 && pos[0] == "run") return jobs_run(ctx);
  if (pos.size() == 1) return jobs_show(ctx, pos[0]);
  fail(Error::invalid_input("jobs takes at most one job ID, or `run` (see --help)"));
}

const Registrar reg({"jobs", "list, show and resume background jobs (intake batches)", kUsage, run_jobs});

}  // namespace
}  // namespace redbox::cli
