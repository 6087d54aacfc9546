#include "api/http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <thread>

#include "api/http/json_error.h"
#include "api/http/notifier_loop.h"
#include "api/http/router.h"
#include "api/http/routes.h"
#include "pipeline/intake.h"
#include "pipeline/jobs.h"
#include "workflows/letter_intake.h"

namespace redbox::api {

namespace {

// Route areas in registration order (see routes.h). Add new areas here.
constexpr void (*kRouteAreas[])(Router&) = {
    add_health_routes,
    add_document_routes,
    add_user_routes,
    add_audit_routes,
    add_marks_routes,
    add_bundle_routes,
    add_search_routes,
    add_job_routes,
    add_case_routes,
    add_draft_routes,
    add_notification_routes,
};

}  // namespace

struct ApiServer::Impl {
  Impl(storage::Store& store, ServerOptions opts) : options(std::move(opts)), api{store, options}, router(server, api) {
    if (options.job_workers > 0) {
      jobs = std::make_unique<pipeline::JobQueue>(store);
      workflows::register_intake_with_case_letters(*jobs);  // intake, then letters of cases for the model
      api.jobs = jobs.get();
    }
    if (options.notify_every && options.notify_every->count() > 0)
      notifier = std::make_unique<NotifierLoop>(store, *options.notify_every);
  }

  ServerOptions options;
  std::unique_ptr<pipeline::JobQueue> jobs;  // before api: handlers may use it until the server stops
  std::unique_ptr<NotifierLoop> notifier;
  ApiContext api;
  httplib::Server server;
  Router router;
  std::thread listener;
  int port = 0;
  bool started = false;
};

ApiServer::ApiServer(storage::Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {
  auto& svr = impl_->server;
  const std::size_t threads = impl_->options.threads == 0 ? 1 : impl_->options.threads;
  // The compiled library ignores CPPHTTPLIB_THREAD_POOL_COUNT; the pool is set here. httplib
  // takes ownership of the returned queue (its API requires a raw new).
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Without TCP_NODELAY, Nagle's algorithm holds small responses back (~26 ms each).
  svr.set_tcp_nodelay(true);
  // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let a second server silently share
  // the port.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // httplib closes a keep-alive connection after 5 requests by default; API clients make many.
  svr.set_keep_alive_max_count(1000);
  svr.set_read_timeout(impl_->options.read_timeout);
  svr.set_write_timeout(impl_->options.write_timeout);
  // The hard cap httplib enforces on any body; routes enforce their own, smaller limits.
  svr.set_payload_max_length(static_cast<std::size_t>(impl_->options.max_upload_bytes + (2ULL << 20)));
  svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    begin_request_log();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) { log_request(req, res); });
  // Responses httplib makes itself (unknown route, bad request line, 413 from its own cap) get
  // the same JSON error body as ours.
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 404 ? "no route for " + req.method + " " + req.path
                                            : "the request was refused (HTTP " + std::to_string(res.status) + ")";
    send_error(res, Error{kind_for_status(res.status), message});
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
    Error e = Error::internal("unexpected failure");
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& ex) {
      e = Error::internal(ex.what());
    } catch (...) {
    }
    spdlog::error("http unhandled exception: {}", e.message);
    send_error(res, e);
  });
  for (auto add : kRouteAreas) add(impl_->router);
}

ApiServer::~ApiServer() { stop(); }

Status ApiServer::start() {
  if (impl_->started) return Error::conflict("the API server is already running");
  auto& svr = impl_->server;
  const auto& o = impl_->options;
  int port = o.port;
  if (port == 0) {
    port = svr.bind_to_any_port(o.host);
    if (port <= 0) return Error::io("cannot listen on " + o.host + " (any port)");
  } else if (!svr.bind_to_port(o.host, port)) {
    return Error::io("cannot listen on " + o.host + ":" + std::to_string(port) +
                     " (in use, not a local address, or a privileged port)");
  }
  impl_->port = port;
  impl_->started = true;
  // Jobs left queued or interrupted by an earlier run resume on the workers.
  if (impl_->jobs) impl_->jobs->start(impl_->options.job_workers);
  if (impl_->notifier) impl_->notifier->start();
  impl_->listener = std::thread([&svr] { svr.listen_after_bind(); });
  spdlog::info("http listening on {}:{} threads={} max_upload_bytes={}", o.host, port, o.threads, o.max_upload_bytes);
  return Status::success();
}

int ApiServer::port() const { return impl_->port; }

std::string ApiServer::url() const {
  const std::string& host = impl_->options.host;
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + shown + ":" + std::to_string(impl_->port);
}

const ServerOptions& ApiServer::options() const { return impl_->options; }

std::vector<std::string> ApiServer::routes() const { return impl_->router.routes(); }

void ApiServer::stop() {
  if (!impl_ || !impl_->started) return;
  impl_->server.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
  // Running jobs go back to the queue and resume from their checkpoint on the next start.
  if (impl_->jobs) impl_->jobs->stop();
  if (impl_->notifier) impl_->notifier->stop();
  impl_->started = false;
  spdlog::info("http stopped");
}

}  // namespace redbox::api
