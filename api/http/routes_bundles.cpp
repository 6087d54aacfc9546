// /api/v1/bundles: disclosure bundles from stored documents as persisted jobs.
//
//   POST /api/v1/bundles                   {"documents": [...], "options": {...}} -> 202 {"id", "state"}
//   GET  /api/v1/bundles/{id}              job state and progress; when done, parts and manifest
//   GET  /api/v1/bundles/{id}/parts/{n}    a part, streamed (audited as bundle.download)
//   GET  /api/v1/bundles/{id}/package      the ZIP package, streamed (audited)
//
// The bundle job queue (one worker) belongs to the routes: it is created with the first bundle
// request and stopped when the server's routes are destroyed (the lambdas hold it).
#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <mutex>

#include "api/cli/args.h"
#include "api/http/blob_stream.h"
#include "api/http/routes.h"
#include "common/ids.h"
#include "pipeline/bundle_store.h"
#include "pipeline/jobs.h"

namespace redbox::api {

namespace {

using json = nlohmann::json;

class BundleService {
 public:
  pipeline::JobQueue& queue(storage::Store& store) {
    std::lock_guard lock(mutex_);
    if (!queue_) {
      queue_ = std::make_unique<pipeline::JobQueue>(store);
      queue_->register_handler(pipeline::kBundleJobKind, pipeline::make_bundle_handler(secrets_));
      queue_->start(1);  // bundles are memory- and CPU-heavy: one at a time
    }
    return *queue_;
  }
  pipeline::BundleSecrets& secrets() { return *secrets_; }
  ~BundleService() {
    std::lock_guard lock(mutex_);
    queue_.reset();  // stops the worker; a running bundle is re-queued
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<pipeline::BundleSecrets> secrets_ = std::make_shared<pipeline::BundleSecrets>();
  std::unique_ptr<pipeline::JobQueue> queue_;
};

// {"documents": [...], "options": {...}} -> the job's request (a password goes to secrets).
pipeline::StoreBundleRequest parse_request(const json& body, pipeline::BundleSecrets& secrets) {
  for (const auto& [key, value] : body.items())
    if (key != "documents" && key != "options") fail(Error::invalid_input("unknown field \"" + key + "\" (expected documents, options)"));
  json flat = json::object();
  if (!body.contains("documents")) fail(Error::invalid_input("documents: missing (an array of document IDs)"));
  flat["documents"] = body["documents"];
  std::optional<std::string> password;
  if (auto it = body.find("options"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) fail(Error::invalid_input("options: expected a JSON object"));
    for (const auto& [key, value] : it->items()) {
      if (key == "password") {
        if (!value.is_string() || value.get<std::string>().empty())
          fail(Error::invalid_input("options.password: expected a non-empty string"));
        password = value.get<std::string>();
      } else if (key == "max_part_size") {
        if (value.is_number_unsigned() || value.is_number_integer()) {
          flat["max_part_bytes"] = value;
        } else if (value.is_string()) {
          auto bytes = cli::parse_size(value.get<std::string>());
          if (!bytes) fail(Error::invalid_input("options.max_part_size: expected bytes or a size such as \"10MB\""));
          flat["max_part_bytes"] = *bytes;
        } else {
          fail(Error::invalid_input("options.max_part_size: expected bytes or a size such as \"10MB\""));
        }
      } else if (key == "documents" || key == "password_ref" || key == "max_part_bytes") {
        fail(Error::invalid_input("options: unknown field \"" + key + "\""));
      } else {
        flat[key] = value;
      }
    }
  }
  auto request = pipeline::StoreBundleRequest::from_json(flat);
  if (!request.ok()) fail(request.error());
  if (password) {
    if (!request->zip) fail(Error::invalid_input("options.password needs options.zip = true"));
    request->password_ref = secrets.put(std::move(*password));
  }
  return std::move(*request);
}

pipeline::Job find_bundle_job(pipeline::JobQueue& queue, const std::string& id) {
  if (!is_id(id, "job")) fail(Error::not_found("no bundle " + id));
  auto job = queue.get(id);
  if (!job.ok()) {
    if (job.error().kind == ErrorKind::not_found) fail(Error::not_found("no bundle " + id));
    fail(job.error());
  }
  if (job->kind != pipeline::kBundleJobKind) fail(Error::not_found("no bundle " + id));
  return std::move(*job);
}

void create_bundle(RequestContext& ctx, BundleService& service) {
  const json body = ctx.read_json_body();
  pipeline::StoreBundleRequest request = parse_request(body, service.secrets());
  // Refuse an unreleased document (409) or an unknown one (404) before any work is queued.
  auto released = pipeline::resolve_released(*ctx.store().catalog, request.document_ids, request.order);
  if (!released.ok()) {
    if (request.password_ref) service.secrets().erase(*request.password_ref);
    fail(released.error());
  }
  auto job = service.queue(ctx.store()).submit(pipeline::kBundleJobKind, request.to_json(), ctx.user.name);
  if (!job.ok()) {
    if (request.password_ref) service.secrets().erase(*request.password_ref);
    fail(job.error());
  }
  ctx.res.set_header("Location", "/api/v1/bundles/" + job->id);
  ctx.send_json(202, {{"id", job->id}, {"state", std::string(pipeline::to_string(job->state))},
                      {"status", "/api/v1/bundles/" + job->id}});
}

void show_bundle(RequestContext& ctx, BundleService& service) {
  const pipeline::Job job = find_bundle_job(service.queue(ctx.store()), ctx.path_param("id"));
  json view = job.to_json();
  view.erase("result");
  view.erase("kind");
  if (view.contains("params")) view["params"].erase("password_ref");  // a handle, but of no use to a client
  if (job.state == pipeline::JobState::done) {
    auto bundle = pipeline::find_bundle(*ctx.store().catalog, job.id);
    if (!bundle.ok()) fail(bundle.error());
    view["bundle"] = bundle->to_json();
    view["parts"] = view["bundle"]["parts"];
    view["manifest"] = view["bundle"]["manifest"];
    view["package"] = view["bundle"]["package"];
  }
  ctx.send_json(200, view);
}

// Streams one stored file of a built bundle (verified, audited first).
void send_file(RequestContext& ctx, const pipeline::StoredBundle& bundle, const pipeline::StoredBundleFile& file) {
  storage::Store& store = ctx.store();
  if (Status s = store.blobs->verify(file.sha256); !s.ok()) {
    if (s.error().kind == ErrorKind::not_found)
      fail(Error::corrupt("bundle " + bundle.id + " file " + file.name + " refers to blob " + file.sha256 + ", which is missing"));
    fail(s.error());
  }
  // A download that cannot be recorded does not happen.
  if (Status s = pipeline::record_bundle_download(*store.catalog, bundle, file, ctx.user.name, "http"); !s.ok()) fail(s.error());
  ctx.res.set_header("Content-Disposition", "attachment; filename=\"" + file.name + "\"");
  ctx.res.set_header("X-Content-SHA256", file.sha256);
  ctx.res.set_header("X-Content-Type-Options", "nosniff");
  stream_blob(ctx, file.sha256, file.size, file.media_type(), "bundle=" + bundle.id);
}

pipeline::StoredBundle built_bundle(RequestContext& ctx, BundleService& service) {
  const pipeline::Job job = find_bundle_job(service.queue(ctx.store()), ctx.path_param("id"));
  if (job.state != pipeline::JobState::done)
    fail(Error::conflict("bundle " + job.id + " is not built (" + std::string(pipeline::to_string(job.state)) + ")"));
  return pipeline::find_bundle(*ctx.store().catalog, job.id).value();
}

void download_part(RequestContext& ctx, BundleService& service) {
  const pipeline::StoredBundle bundle = built_bundle(ctx, service);
  const std::string text = ctx.path_param("n");
  int n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 1) fail(Error::not_found("no part " + text + " in bundle " + bundle.id));
  const pipeline::StoredBundleFile* part = bundle.part(n);
  if (part == nullptr) fail(Error::not_found("no part " + text + " in bundle " + bundle.id));
  send_file(ctx, bundle, *part);
}

void download_package(RequestContext& ctx, BundleService& service) {
  const pipeline::StoredBundle bundle = built_bundle(ctx, service);
  const pipeline::StoredBundleFile* package = bundle.package();
  if (package == nullptr) fail(Error::not_found("bundle " + bundle.id + " was built without a ZIP package (options.zip)"));
  send_file(ctx, bundle, *package);
}

}  // namespace

void add_bundle_routes(Router& router) {
  auto service = std::make_shared<BundleService>();
  router.post("/api/v1/bundles", Action::bundle_create, [service](RequestContext& ctx) { create_bundle(ctx, *service); });
  router.get("/api/v1/bundles/{id}", Action::bundle_read, [service](RequestContext& ctx) { show_bundle(ctx, *service); });
  router.get("/api/v1/bundles/{id}/parts/{n}", Action::bundle_download,
             [service](RequestContext& ctx) { download_part(ctx, *service); });
  router.get("/api/v1/bundles/{id}/package", Action::bundle_download,
             [service](RequestContext& ctx) { download_package(ctx, *service); });
}

}  // namespace redbox::api
