// Running persisted jobs from a CLI command: a progress bar on a terminal while
// JobQueue::run_until_idle works, and the printed outcome of an intake job.
#pragma once

#include <string>
#include <vector>

#include "api/cli/command.h"
#include "pipeline/jobs.h"

namespace redbox::cli {

// Runs every queued job of the given kinds on one worker until none is left, drawing the
// progress of job `watch` on ctx.err when it is a terminal. Throws the queue's error.
void run_jobs_with_progress(CommandContext& ctx, pipeline::JobQueue& queue, const std::vector<std::string>& kinds,
                            const std::string& watch);

// Prints a finished intake job (documents created, files that failed, or why the job failed)
// unless --json; returns 0, or the exit code of its first failure.
int print_intake_job(CommandContext& ctx, const pipeline::Job& job, bool resumed);

// One line for `redbox jobs`: ID, kind, state, progress, stage or error.
std::string describe_job_line(const pipeline::Job& job);

}  // namespace redbox::cli
