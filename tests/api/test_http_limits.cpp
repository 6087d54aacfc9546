// Upload size limits (Content-Length and chunked), malformed bodies, and concurrency.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

api::ServerOptions small_limit() {
  api::ServerOptions o;
  o.max_upload_bytes = 64 * 1024;
  return o;
}

std::size_t count_blobs(ApiFixture& fx) {
  std::size_t n = 0;
  fx.store->blobs->for_each([&](const storage::BlobRef&) {
    ++n;
    return Status::success();
  }).throw_if_error();
  return n;
}

std::size_t count_documents(ApiFixture& fx) {
  return fx.store->catalog->list_documents(500, std::nullopt).value().documents.size();
}

// Sends raw bytes on a fresh connection and returns everything the server answers.
std::string raw_exchange(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buf[4096];
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
    if (answer.find("\r\n\r\n") != std::string::npos && answer.find("}\n") != std::string::npos) break;
  }
  ::close(fd);
  return answer;
}

}  // namespace

TEST_CASE("uploads over the limit get 413 and leave nothing behind", "[http][limits]") {
  ApiFixture fx(small_limit());
  auto c = fx.client();
  auto h = fx.auth(Role::intake);
  h.emplace("X-File-Name", "big.bin");
  const std::string big(200 * 1024, 'x');

  SECTION("declared by Content-Length: refused before the body is read") {
    // Only the headers are sent: a 413 that arrives proves the body was never waited for.
    std::string answer = raw_exchange(fx.server->port(),
                                      "POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                          fx.tokens[Role::intake] +
                                          "\r\nX-File-Name: huge.bin\r\nContent-Length: 10000000000\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(answer.find("too_large") != std::string::npos);
    auto res = c.Post("/api/v1/documents", h, big, "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 413);
  }
  SECTION("chunked: counted while streaming") {
    std::size_t sent = 0;
    auto res = c.Post(
        "/api/v1/documents", h,
        [&](std::size_t, httplib::DataSink& sink) {
          if (sent >= big.size()) {
            sink.done();
            return true;
          }
          std::size_t n = std::min<std::size_t>(16 * 1024, big.size() - sent);
          sink.write(big.data() + sent, n);
          sent += n;
          return true;
        },
        "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(parse_json(res->body)["error"]["code"] == "too_large");
  }
  SECTION("multipart over the limit") {
    httplib::MultipartFormDataItems items = {{"file", big, "big.bin", "application/octet-stream"}};
    auto res = c.Post("/api/v1/documents", fx.auth(Role::intake), items);
    REQUIRE(res);
    CHECK(res->status == 413);
  }
  CHECK(count_documents(fx) == 0);
  CHECK(count_blobs(fx) == 0);
  // Exactly at the limit is fine.
  auto ok = c.Post("/api/v1/documents", h, std::string(64 * 1024, 'y'), "application/octet-stream");
  REQUIRE(ok);
  CHECK(ok->status == 201);
}

TEST_CASE("malformed upload bodies are 400", "[http][limits]") {
  ApiFixture fx;
  auto c = fx.client();
  auto h = fx.auth(Role::intake);
  SECTION("multipart without a file part") {
    httplib::MultipartFormDataItems items = {{"note", "hello", "", ""}};
    auto res = c.Post("/api/v1/documents", h, items);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(parse_json(res->body)["error"]["message"].get<std::string>().find("'file'") != std::string::npos);
  }
  SECTION("multipart with a broken body") {
    auto res = c.Post("/api/v1/documents", h, "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc",
                      "multipart/form-data; boundary=XYZ");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(parse_json(res->body)["error"]["code"] == "invalid_input");
  }
  SECTION("multipart without a boundary") {
    auto res = c.Post("/api/v1/documents", h, "abc", "multipart/form-data");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  SECTION("two file parts") {
    httplib::MultipartFormDataItems items = {{"file", "aaa", "a.txt", "text/plain"}, {"file", "bbb", "b.txt", "text/plain"}};
    auto res = c.Post("/api/v1/documents", h, items);
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  SECTION("raw body without X-File-Name") {
    auto res = c.Post("/api/v1/documents", h, "abc", "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  SECTION("empty file") {
    auto h2 = h;
    h2.emplace("X-File-Name", "empty.pdf");
    auto res = c.Post("/api/v1/documents", h2, "", "application/pdf");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  CHECK(count_documents(fx) == 0);
  CHECK(count_blobs(fx) == 0);
}

TEST_CASE("concurrent uploads from 8 threads", "[http][concurrency]") {
  ApiFixture fx;
  const std::string same = read_corpus("corpus/pdfs/vector.pdf");
  const std::string other = read_corpus("corpus/scans/linn.png");
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto c = fx.client();
      for (int i = 0; i < 3; ++i) {
        auto h = fx.auth(t % 2 == 0 ? Role::intake : Role::caseworker);
        h.emplace("X-File-Name", "f.bin");
        // Each thread: the shared file, a shared second file, and its own unique file.
        std::string body = i == 0 ? same : i == 1 ? other : other + "thread" + std::to_string(t);
        auto res = c.Post("/api/v1/documents", h, body, "application/octet-stream");
        if (res && res->status == 201 && parse_json(res->body)["sha256"] == sha256_hex(body)) ++created;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(created == 24);
  CHECK(count_documents(fx) == 24);
  CHECK(count_blobs(fx) == 2 + 8);  // identical content is stored once
  auto audit = fx.store->catalog->audit().verify().value();
  CHECK(audit.ok);
  auto c = fx.client();
  auto res = c.Get("/api/v1/audit/verify", fx.auth(Role::admin));
  REQUIRE(res);
  CHECK(parse_json(res->body)["ok"] == true);
}
