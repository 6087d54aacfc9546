// The router every route goes through. A route file declares routes with a readable pattern
// ("/api/v1/documents/{id}") and the policy Action it performs; the router turns the pattern
// into httplib's regex and wraps the handler with what every route needs, in one place:
//   request id -> authentication (401, audited) -> policy check (403, audited) -> handler ->
//   errors as JSON (json_error.h), corruption logged as an alarm -> one info log line
//   (method, route pattern, status, duration, user; never file names or content).
// Handlers throw redbox::Failure (or return errors through helpers) and stay thin.
//
// Every POST route reads its body through httplib's ContentReader, so no route buffers an
// unbounded body: uploads stream to disk, JSON bodies are capped at max_json_body.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/http/policy.h"
#include "api/http/server_options.h"
#include "storage/store.h"

namespace redbox::pipeline {
class JobQueue;
}

namespace redbox::api {

// What handlers share: the open data folder, the server settings and the background job
// queue (null when the server runs no job workers).
struct ApiContext {
  storage::Store& store;
  const ServerOptions& options;
  pipeline::JobQueue* jobs = nullptr;
};

class RequestContext {
 public:
  RequestContext(const httplib::Request& req, httplib::Response& res, ApiContext& api, const std::string& route,
                 const httplib::ContentReader* content)
      : req(req), res(res), api(api), route(route), content_(content) {}

  const httplib::Request& req;
  httplib::Response& res;
  ApiContext& api;
  const std::string& route;        // the pattern, e.g. "/api/v1/documents/{id}"
  storage::User user;              // the caller (empty name on open routes)

  storage::Store& store() const { return api.store; }
  // A {name} path parameter of the route (percent-decoded by httplib).
  std::string path_param(std::string_view name) const;
  // A query parameter, nullopt if absent.
  std::optional<std::string> query(const std::string& name) const;

  // Throws forbidden (and audits the refusal) unless the caller's role may perform action.
  void require(Action action) const;

  // The request body for streaming routes; marks it consumed.
  const httplib::ContentReader& content();
  bool body_consumed() const { return body_consumed_; }
  // Reads a JSON object body of at most api.options.max_json_body bytes; invalid_input if
  // malformed, too_large if over the cap.
  nlohmann::json read_json_body();

  void send_json(int status, const nlohmann::json& body);

  std::vector<std::string> param_names;  // filled by the router

 private:
  const httplib::ContentReader* content_;
  bool body_consumed_ = false;
};

using RouteHandler = std::function<void(RequestContext&)>;

class Router {
 public:
  Router(httplib::Server& server, ApiContext& api) : server_(server), api_(api) {}

  void get(const std::string& pattern, Action action, RouteHandler handler);
  void post(const std::string& pattern, Action action, RouteHandler handler);

  // Every route added, "METHOD pattern", for the README check and the startup log.
  const std::vector<std::string>& routes() const { return routes_; }

 private:
  void run(const std::string& method, const std::string& pattern, const std::vector<std::string>& names,
           Action action, const RouteHandler& handler, const httplib::Request& req, httplib::Response& res,
           const httplib::ContentReader* content);

  httplib::Server& server_;
  ApiContext& api_;
  std::vector<std::string> routes_;
};

// The access log: begin_request_log() from the server's pre-routing hook, log_request() from
// its logger (after the response, downloads included, was written).
void begin_request_log();
void log_request(const httplib::Request& req, const httplib::Response& res);

// "/a/{id}/b" -> regex "/a/([^/]+)/b" and the names ["id"].
std::string route_regex(const std::string& pattern, std::vector<std::string>& names);

// Reads and discards up to max_bytes of an unread body so that a refusal sent before the body
// was read reaches the client instead of a connection reset. Larger bodies: the connection is
// closed.
void drain_body(const httplib::Request& req, const httplib::ContentReader& content, std::uint64_t max_bytes);

}  // namespace redbox::api
