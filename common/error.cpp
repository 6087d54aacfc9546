#include "common/error.h"

#include <new>

namespace redbox {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::unauthorized: return "unauthorized";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::too_large: return "too_large";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::corrupt: return "corrupt";
    case ErrorKind::io: return "io";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return 400;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::too_large: return 413;
    case ErrorKind::unsupported: return 415;
    case ErrorKind::corrupt:
    case ErrorKind::io:
    case ErrorKind::internal: return 500;
  }
  return 500;
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return 2;
    case ErrorKind::unauthorized:
    case ErrorKind::forbidden: return 3;
    case ErrorKind::not_found: return 4;
    case ErrorKind::conflict: return 5;
    case ErrorKind::too_large: return 6;
    case ErrorKind::unsupported: return 7;
    case ErrorKind::corrupt: return 8;
    case ErrorKind::io: return 9;
    case ErrorKind::internal: return 10;
  }
  return 10;
}

std::string Error::describe() const {
  std::string out(to_string(kind));
  out += ": ";
  out += message;
  return out;
}

Error Error::within(std::string_view context) const {
  std::string m(context);
  m += ": ";
  m += message;
  return {kind, std::move(m)};
}

Error capture_error() {
  try {
    throw;
  } catch (const Failure& f) {
    return f.error();
  } catch (const std::bad_alloc&) {
    return Error::too_large("out of memory while processing the input");
  } catch (const std::exception& e) {
    return Error::internal(e.what());
  } catch (...) {
    return Error::internal("unknown exception");
  }
}

}  // namespace redbox
