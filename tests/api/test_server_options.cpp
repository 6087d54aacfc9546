// Server settings from config.json and --listen, and partial downloads (Range).
#include <catch2/catch.hpp>

#include "api/http/server_options.h"
#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;

TEST_CASE("server options come from config.json and listen addresses parse strictly", "[http][options]") {
  auto dir = temp_dir();
  auto defaults = api::load_server_options(dir.path()).value();  // no config.json: defaults
  CHECK(defaults.max_upload_bytes == 512ULL << 20);
  CHECK(defaults.port == 8080);

  write_file_atomic(dir.path() / "config.json",
                    R"({"format": 1, "max_upload_bytes": 1000, "server": {"listen": "0.0.0.0:9000", "threads": 3}})")
      .throw_if_error();
  auto options = api::load_server_options(dir.path()).value();
  CHECK(options.max_upload_bytes == 1000);
  CHECK(options.host == "0.0.0.0");
  CHECK(options.port == 9000);
  CHECK(options.threads == 3);
  CHECK_FALSE(options.notify_every.has_value());  // unset: `redbox serve` picks 30 minutes

  write_file_atomic(dir.path() / "config.json", R"({"server": {"notify_every_minutes": 0}})").throw_if_error();
  CHECK(api::load_server_options(dir.path()).value().notify_every == std::chrono::seconds(0));  // off
  write_file_atomic(dir.path() / "config.json", R"({"server": {"notify_every_minutes": 15}})").throw_if_error();
  CHECK(api::load_server_options(dir.path()).value().notify_every == std::chrono::minutes(15));

  write_file_atomic(dir.path() / "config.json", R"({"server": {"max_upload": "2MiB"}})").throw_if_error();
  CHECK(api::load_server_options(dir.path()).value().max_upload_bytes == 2ULL << 20);

  for (const char* bad : {R"({"max_upload_bytes": "lots"})", R"({"server": {"threads": 0}})",
                          R"({"server": {"notify_every_minutes": -5}})", R"({"server": {"notify_every_minutes": "often"}})", "[1]",
                          "{oops"}) {
    CAPTURE(bad);
    write_file_atomic(dir.path() / "config.json", bad).throw_if_error();
    auto r = api::load_server_options(dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::invalid_input);
    CHECK(r.error().message.find("config.json") != std::string::npos);
  }

  api::ServerOptions o;
  CHECK(api::parse_listen_address("127.0.0.1:0", o).ok());
  CHECK(o.port == 0);
  CHECK(api::parse_listen_address("[::1]:8081", o).ok());
  CHECK(o.host == "::1");
  CHECK(o.port == 8081);
  CHECK(api::parse_listen_address("9090", o).ok());
  CHECK(o.port == 9090);
  for (const char* bad : {"host:", "host:70000", "host:abc", ":80", "[::1]80"}) {
    CAPTURE(bad);
    CHECK_FALSE(api::parse_listen_address(bad, o).ok());
  }
}

TEST_CASE("Range requests get the right bytes", "[http][options]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string bytes = read_corpus("corpus/scans/linn.png");
  auto h = fx.auth(storage::Role::intake);
  h.emplace("X-File-Name", "linn.png");
  auto up = c.Post("/api/v1/documents", h, bytes, "image/png");
  REQUIRE(up);
  REQUIRE(up->status == 201);
  const std::string id = parse_json(up->body)["id"];
  auto rh = fx.auth(storage::Role::reviewer);
  rh.emplace("Range", "bytes=70000-70099");
  auto part = c.Get("/api/v1/documents/" + id + "/content", rh);
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK(part->body == bytes.substr(70000, 100));
}
