// A data folder with one user per role and an ApiServer on an ephemeral port, in-process.
#pragma once

#include <functional>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/http/server.h"
#include "common/files.h"
#include "common/sha256.h"
#include "storage/store.h"
#include "support/test_support.h"

namespace redbox::test {

struct ApiFixture {
  // prepare: runs on the store before the server starts (e.g. config its timers read at once).
  explicit ApiFixture(api::ServerOptions options = {}, const std::function<void(storage::Store&)>& prepare = {})
      : dir(temp_dir()) {
    spdlog::set_level(spdlog::level::warn);  // the access log would drown the test output
    store = std::make_unique<storage::Store>(std::move(storage::init_store(dir.path() / "data").value()));
    if (prepare) prepare(*store);
    for (auto role : {storage::Role::admin, storage::Role::intake, storage::Role::caseworker, storage::Role::reviewer,
                      storage::Role::contributor}) {
      std::string name = std::string(storage::to_string(role)) + "-user";
      tokens[role] = store->catalog->create_user(name, role, "test").value().token;
    }
    options.host = "127.0.0.1";
    options.port = 0;
    server = std::make_unique<api::ApiServer>(*store, options);
    server->start().throw_if_error();
  }
  ~ApiFixture() { server->stop(); }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(std::chrono::seconds(30));
    c.set_write_timeout(std::chrono::seconds(30));
    return c;
  }
  httplib::Headers auth(storage::Role role) const { return {{"Authorization", "Bearer " + tokens.at(role)}}; }

  TempDir dir;
  std::unique_ptr<storage::Store> store;
  std::map<storage::Role, std::string> tokens;
  std::unique_ptr<api::ApiServer> server;
};

inline nlohmann::json parse_json(const std::string& body) { return nlohmann::json::parse(body); }

inline std::string read_corpus(const std::string& relative) { return read_file(data_path(relative)).value(); }

}  // namespace redbox::test
