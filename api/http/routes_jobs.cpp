// GET /api/v1/jobs[?state=&limit=] and GET /api/v1/jobs/{id}: background job status (intake
// batches): queued, running with pages done/total, done with its result, failed with a reason.
#include <charconv>

#include "api/http/routes.h"
#include "common/ids.h"
#include "pipeline/jobs.h"

namespace redbox::api {

namespace {

// The server's queue, or (when it runs no workers) a queue opened just to read job rows.
template <typename Fn>
void with_queue(RequestContext& ctx, Fn&& fn) {
  if (ctx.api.jobs != nullptr) {
    fn(*ctx.api.jobs);
    return;
  }
  pipeline::JobQueue reader(ctx.store());
  fn(reader);
}

void show_job(RequestContext& ctx) {
  const std::string id = ctx.path_param("id");
  if (!is_id(id, "job")) fail(Error::not_found("no job " + id));
  with_queue(ctx, [&](pipeline::JobQueue& queue) {
    auto job = queue.get(id);
    if (!job) fail(job.error());
    ctx.send_json(200, job->to_json());
  });
}

void list_jobs(RequestContext& ctx) {
  std::size_t limit = 50;
  if (auto text = ctx.query("limit")) {
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || ptr != text->data() + text->size() || limit < 1 || limit > 500) {
      fail(Error::invalid_input("limit must be a whole number from 1 to 500"));
    }
  }
  std::optional<pipeline::JobState> state;
  if (auto text = ctx.query("state"); text && !text->empty()) {
    state = pipeline::parse_job_state(*text);
    if (!state) fail(Error::invalid_input("state must be queued, running, done or failed"));
  }
  with_queue(ctx, [&](pipeline::JobQueue& queue) {
    auto jobs = queue.list(limit, state);
    if (!jobs) fail(jobs.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& j : *jobs) list.push_back(j.to_json());
    ctx.send_json(200, {{"jobs", list}});
  });
}

}  // namespace

void add_job_routes(Router& router) {
  router.get("/api/v1/jobs", Action::job_read, list_jobs);
  router.get("/api/v1/jobs/{id}", Action::job_read, show_job);
}

}  // namespace redbox::api
