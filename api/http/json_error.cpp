#include "api/http/json_error.h"

namespace redbox::api {

nlohmann::json error_body(const Error& error) {
  return {{"error", {{"code", std::string(to_string(error.kind))}, {"message", error.message}}}};
}

void send_error(httplib::Response& res, const Error& error) {
  res.status = http_status(error.kind);
  if (error.kind == ErrorKind::unauthorized) res.set_header("WWW-Authenticate", "Bearer realm=\"redbox\"");
  res.set_content(error_body(error).dump() + "\n", "application/json");
}

ErrorKind kind_for_status(int status) {
  switch (status) {
    case 400: return ErrorKind::invalid_input;
    case 401: return ErrorKind::unauthorized;
    case 403: return ErrorKind::forbidden;
    case 404:
    case 405: return ErrorKind::not_found;
    case 409: return ErrorKind::conflict;
    case 413:
    case 414:
    case 431: return ErrorKind::too_large;
    case 415: return ErrorKind::unsupported;
    default: return status < 500 ? ErrorKind::invalid_input : ErrorKind::internal;
  }
}

}  // namespace redbox::api
