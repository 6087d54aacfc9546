#include "api/http/router.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "api/http/auth.h"
#include "api/http/json_error.h"
#include "common/ids.h"

namespace redbox::api {

namespace {

// How much of an unread body a refusal may discard to deliver its answer cleanly.
constexpr std::uint64_t kDrainLimit = 1 << 20;

// What the access log line needs beyond httplib's Request/Response. httplib runs pre-routing,
// the handler, the response write and the logger for one request on one worker thread, so a
// thread-local carries the route pattern and user from the handler to the log line.
struct RequestLogInfo {
  std::chrono::steady_clock::time_point started;
  std::string route = "-";
  std::string user = "-";  // the user ID: names are personal data and stay out of info logs
  std::string request_id = "-";
};
thread_local RequestLogInfo t_log_info;

}  // namespace

void begin_request_log() { t_log_info = RequestLogInfo{std::chrono::steady_clock::now()}; }

void log_request(const httplib::Request& req, const httplib::Response& res) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                        t_log_info.started);
  spdlog::info("http request_id={} method={} route={} status={} ms={:.1f} user={}", t_log_info.request_id,
               req.method, t_log_info.route, res.status, static_cast<double>(us.count()) / 1000.0, t_log_info.user);
}

std::string RequestContext::path_param(std::string_view name) const {
  for (std::size_t i = 0; i < param_names.size(); ++i) {
    if (param_names[i] == name && i + 1 < req.matches.size()) return req.matches[i + 1].str();
  }
  fail(Error::internal("route " + route + " has no path parameter " + std::string(name)));
}

std::optional<std::string> RequestContext::query(const std::string& name) const {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

void RequestContext::require(Action action) const {
  if (allowed(user.role, action)) return;
  Error e = Error::forbidden("role '" + std::string(storage::to_string(user.role)) + "' may not " +
                            std::string(to_string(action)));
  audit_refusal(*api.store.catalog, user.name, req.method, route, e);
  fail(e);
}

const httplib::ContentReader& RequestContext::content() {
  if (content_ == nullptr) fail(Error::internal("route " + route + " reads a body but is not a body route"));
  body_consumed_ = true;
  return *content_;
}

nlohmann::json RequestContext::read_json_body() {
  if (req.is_multipart_form_data()) fail(Error::invalid_input("this route takes a JSON body, not a form"));
  const std::size_t cap = api.options.max_json_body;
  std::string body;
  bool over = false;
  bool ok = content()([&](const char* data, std::size_t n) {
    if (body.size() + n > cap) {
      over = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (over) fail(Error::too_large("the JSON body is over the limit of " + std::to_string(cap) + " bytes"));
  if (!ok) fail(Error::invalid_input("the request body could not be read completely"));
  if (body.empty()) fail(Error::invalid_input("this route needs a JSON object body"));
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // The parser names the byte offset and what it expected: worth passing on to the client.
    fail(Error::invalid_input(std::string("the request body is not valid JSON: ") + e.what()));
  }
  if (!json.is_object()) fail(Error::invalid_input("the request body must be a JSON object"));
  return json;
}

void RequestContext::send_json(int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

std::string route_regex(const std::string& pattern, std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '{') {
      auto close = pattern.find('}', i);
      names.push_back(pattern.substr(i + 1, close - i - 1));
      out += "([^/]+)";
      i = close;
    } else if (c == '.' || c == '+' || c == '*' || c == '?' || c == '(' || c == ')' || c == '[' || c == ']' ||
               c == '^' || c == '$' || c == '|' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

void drain_body(const httplib::Request& req, const httplib::ContentReader& content, std::uint64_t max_bytes) {
  // A declared length over the cap is not drained at all: httplib would skip (read) the whole
  // declared body before returning.
  if (req.has_header("Content-Length")) {
    const std::string text = req.get_header_value("Content-Length");
    std::uint64_t declared = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), declared);
    if (ec != std::errc() || ptr != text.data() + text.size() || declared > max_bytes) return;
  }
  std::uint64_t seen = 0;
  auto discard = [&](const char*, std::size_t n) {
    seen += n;
    return seen <= max_bytes;
  };
  if (req.is_multipart_form_data()) {
    (void)content([](const httplib::MultipartFormData&) { return true; }, discard);
  } else {
    (void)content(discard);
  }
}

void Router::get(const std::string& pattern, Action action, RouteHandler handler) {
  std::vector<std::string> names;
  std::string regex = route_regex(pattern, names);
  routes_.push_back("GET " + pattern);
  server_.Get(regex, [this, pattern, names, action, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    run("GET", pattern, names, action, handler, req, res, nullptr);
  });
}

void Router::post(const std::string& pattern, Action action, RouteHandler handler) {
  std::vector<std::string> names;
  std::string regex = route_regex(pattern, names);
  routes_.push_back("POST " + pattern);
  server_.Post(regex, [this, pattern, names, action, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                                             const httplib::ContentReader& content) {
    run("POST", pattern, names, action, handler, req, res, &content);
  });
}

void Router::run(const std::string& method, const std::string& pattern, const std::vector<std::string>& names,
                 Action action, const RouteHandler& handler, const httplib::Request& req, httplib::Response& res,
                 const httplib::ContentReader* content) {
  const std::string request_id = random_hex(8);
  t_log_info.route = pattern;
  t_log_info.request_id = request_id;
  res.set_header("X-Request-Id", request_id);
  res.set_header("Cache-Control", "no-store");
  RequestContext ctx(req, res, api_, pattern, content);
  ctx.param_names = names;
  storage::Catalog& catalog = *api_.store.catalog;
  try {
    if (action != Action::open) {
      auto user = authenticate(catalog, req);
      if (!user.ok()) {
        // A presented token that fails is audited by Catalog::authenticate itself; a request
        // without any token never reaches the catalog, so it is audited here.
        if (user.error().kind == ErrorKind::unauthorized && !bearer_token(req)) {
          audit_refusal(catalog, "anonymous", method, pattern, user.error());
        }
        fail(user.error());
      }
      ctx.user = std::move(*user);
      t_log_info.user = ctx.user.id;
      ctx.require(action);
    }
    handler(ctx);
  } catch (...) {
    Error error = capture_error();
    if (error.kind == ErrorKind::corrupt) {
      spdlog::critical("ALARM corrupt stored data request_id={} route={}: {}", request_id, pattern, error.message);
    } else if (http_status(error.kind) >= 500) {
      spdlog::error("http request_id={} route={} failed: {}", request_id, pattern, error.describe());
    }
    // A refusal sent before the body was read: discard a small body so the client sees the
    // answer, and close the connection either way (the rest of the body is not a request).
    if (content != nullptr && !ctx.body_consumed()) drain_body(req, *content, kDrainLimit);
    if (content != nullptr) res.set_header("Connection", "close");
    send_error(res, error);
  }
}

}  // namespace redbox::api
