// The HTTP JSON API over an open data folder. Owns an httplib::Server and its listening thread;
// the Store is borrowed and must outlive the ApiServer.
//
//   storage::Store store = ...;
//   api::ApiServer server(store, {.host = "127.0.0.1", .port = 0});  // 0: ephemeral (tests)
//   server.start().throw_if_error();
//   ... server.port() ...
//   server.stop();  // finishes requests in flight, then returns
//
// Thread-safety: start/stop/port from one controlling thread; requests run on the server's
// worker pool (ServerOptions::threads).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/http/server_options.h"
#include "common/error.h"
#include "storage/store.h"

namespace redbox::api {

class ApiServer {
 public:
  ApiServer(storage::Store& store, ServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds (io error naming the address if it cannot) and serves on a background thread.
  Status start();
  // The bound port (the ephemeral one when options.port was 0); 0 before start().
  int port() const;
  // "http://HOST:PORT"
  std::string url() const;
  const ServerOptions& options() const;
  // "METHOD /pattern" of every route, in registration order.
  std::vector<std::string> routes() const;
  // Stops accepting, lets requests in flight finish, joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redbox::api
