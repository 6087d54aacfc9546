// Redbox's one error type: a kind plus a message. Every front door maps the kind the same way
// (HTTP status, CLI exit code), so callers branch on the kind, never on the text.
//
// Inside a module, code may throw redbox::Failure (which carries an Error); at module and
// front-door boundaries errors travel as values in Result<T>. Messages name what was wrong
// (file, field, limit) but never carry document content or personal data.
#pragma once

#include <cassert>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace redbox {

enum class ErrorKind {
  invalid_input,   // malformed request or file: 400, exit 2
  unauthorized,    // no or bad credentials: 401, exit 3
  forbidden,       // authenticated but not allowed: 403, exit 3
  not_found,       // unknown ID or file: 404, exit 4
  conflict,        // state does not allow the operation: 409, exit 5
  too_large,       // over a configured limit: 413, exit 6
  unsupported,     // well-formed but not handled (e.g. encrypted without password): 415, exit 7
  corrupt,         // stored data failed verification: 500 and an alarm, exit 8
  io,              // file system or database failure: 500, exit 9
  internal,        // a bug: 500, exit 10
};

std::string_view to_string(ErrorKind kind);
int http_status(ErrorKind kind);
int exit_code(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;

  static Error invalid_input(std::string m) { return {ErrorKind::invalid_input, std::move(m)}; }
  static Error unauthorized(std::string m) { return {ErrorKind::unauthorized, std::move(m)}; }
  static Error forbidden(std::string m) { return {ErrorKind::forbidden, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorKind::not_found, std::move(m)}; }
  static Error conflict(std::string m) { return {ErrorKind::conflict, std::move(m)}; }
  static Error too_large(std::string m) { return {ErrorKind::too_large, std::move(m)}; }
  static Error unsupported(std::string m) { return {ErrorKind::unsupported, std::move(m)}; }
  static Error corrupt(std::string m) { return {ErrorKind::corrupt, std::move(m)}; }
  static Error io(std::string m) { return {ErrorKind::io, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorKind::internal, std::move(m)}; }

  // "kind: message", for logs and CLI output.
  std::string describe() const;
  // Prefixes context, e.g. err.within("letter.pdf") -> "letter.pdf: <message>".
  Error within(std::string_view context) const;
};

// Exception carrier for an Error, for use inside a module where unwinding is simpler than
// threading Result through every call. Convert back with capture_error() at the boundary.
class Failure : public std::runtime_error {
 public:
  explicit Failure(Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

[[noreturn]] inline void fail(Error error) { throw Failure(std::move(error)); }

// Turns the exception in flight into an Error (Failure keeps its kind; bad_alloc becomes
// too_large; anything else internal). Call only from a catch block.
Error capture_error();

// A value or an Error. Deliberately small: C++20 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}       // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    if (!ok()) throw Failure(std::get<1>(state_));
    return std::get<0>(state_);
  }
  const T& value() const& {
    if (!ok()) throw Failure(std::get<1>(state_));
    return std::get<0>(state_);
  }
  T&& value() && {
    if (!ok()) throw Failure(std::get<1>(state_));
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  static Status success() { return {}; }

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }
  void throw_if_error() const {
    if (error_) throw Failure(*error_);
  }

 private:
  std::optional<Error> error_;
};

// Runs fn, turning any exception into an Error value. fn returns T or void.
template <typename Fn>
auto guard(Fn&& fn) -> std::conditional_t<std::is_void_v<decltype(fn())>, Status, Result<decltype(fn())>> {
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      return Status::success();
    } else {
      return fn();
    }
  } catch (...) {
    return capture_error();
  }
}

}  // namespace redbox
