// Uploads and downloads through the HTTP API: byte-identical, hash-verified round trips.
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

httplib::Result upload_multipart(httplib::Client& c, const httplib::Headers& h, const std::string& name,
                                 const std::string& bytes, const std::string& content_type = "application/octet-stream") {
  httplib::MultipartFormDataItems items = {{"note", "hello", "", ""}, {"file", bytes, name, content_type}};
  return c.Post("/api/v1/documents", h, items);
}

httplib::Result upload_raw(httplib::Client& c, httplib::Headers h, const std::string& name, const std::string& bytes) {
  h.emplace("X-File-Name", name);
  return c.Post("/api/v1/documents", h, bytes, "application/octet-stream");
}

}  // namespace

TEST_CASE("multipart and raw uploads round-trip byte for byte", "[http]") {
  ApiFixture fx;
  auto c = fx.client();
  for (const char* file : {"pdfs/vector.pdf", "scans/linn.png", "scans/multipage.tiff", "pdfs/tagged.pdf"}) {
    const std::string bytes = read_corpus(std::string("corpus/") + file);
    const std::string expected_sha = sha256_hex(bytes);
    for (bool multipart : {true, false}) {
      CAPTURE(file, multipart);
      auto res = multipart ? upload_multipart(c, fx.auth(Role::intake), "letter.bin", bytes)
                           : upload_raw(c, fx.auth(Role::caseworker), "letter.bin", bytes);
      REQUIRE(res);
      REQUIRE(res->status == 201);
      auto doc = parse_json(res->body);
      CHECK(doc["sha256"] == expected_sha);
      CHECK(doc["size"] == bytes.size());
      CHECK(doc["file_name"] == "letter.bin");
      CHECK(doc["source"] == "upload");
      const std::string id = doc["id"];
      CHECK(res->get_header_value("Location") == "/api/v1/documents/" + id);

      auto down = c.Get("/api/v1/documents/" + id + "/content", fx.auth(Role::reviewer));
      REQUIRE(down);
      REQUIRE(down->status == 200);
      CHECK(down->body.size() == bytes.size());
      CHECK(sha256_hex(down->body) == expected_sha);
      CHECK(down->body == bytes);
      CHECK(down->get_header_value("X-Content-SHA256") == expected_sha);
      CHECK(down->get_header_value("Content-Disposition").find("letter.bin") != std::string::npos);
    }
  }
  // The media type is sniffed from the bytes, not taken from the name.
  auto res = upload_raw(c, fx.auth(Role::admin), "not-really.txt", read_corpus("corpus/pdfs/vector.pdf"));
  REQUIRE(res);
  CHECK(parse_json(res->body)["media_type"] == "application/pdf");
}

TEST_CASE("list pages through documents and show returns metadata", "[http]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string bytes = read_corpus("corpus/scans/linn.png");
  std::set<std::string> uploaded;
  for (int i = 0; i < 5; ++i) {
    auto res = upload_raw(c, fx.auth(Role::intake), "scan" + std::to_string(i) + ".png", bytes + std::to_string(i));
    REQUIRE(res);
    REQUIRE(res->status == 201);
    uploaded.insert(parse_json(res->body)["id"].get<std::string>());
  }
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto res = c.Get("/api/v1/documents?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), fx.auth(Role::reviewer));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto page = parse_json(res->body);
    CHECK(page["documents"].size() <= 2);
    for (const auto& d : page["documents"]) seen.insert(d["id"].get<std::string>());
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  CHECK(seen == uploaded);
  CHECK(pages == 3);

  auto show = c.Get("/api/v1/documents/" + *uploaded.begin(), fx.auth(Role::caseworker));
  REQUIRE(show);
  REQUIRE(show->status == 200);
  auto doc = parse_json(show->body);
  CHECK(doc["id"] == *uploaded.begin());
  REQUIRE(doc["versions"].size() == 1);
  CHECK(doc["versions"][0]["kind"] == "original");

  for (const char* bad : {"0", "501", "abc", "-1"}) {
    auto res = c.Get(std::string("/api/v1/documents?limit=") + bad, fx.auth(Role::admin));
    REQUIRE(res);
    CHECK(res->status == 400);
  }
}

TEST_CASE("unknown and malformed IDs are 404 with a JSON error", "[http]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string unknown = "doc_01M83XBJMCVF9AKJ0GH8BGZWCY";
  for (const std::string& path : {"/api/v1/documents/" + unknown, "/api/v1/documents/" + unknown + "/content",
                                 std::string("/api/v1/documents/not-an-id"), std::string("/api/v1/documents/..%2F..%2Fetc"),
                                 std::string("/api/v1/documents/not-an-id/content"), std::string("/api/v1/nothing-here")}) {
    CAPTURE(path);
    auto res = c.Get(path, fx.auth(Role::admin));
    REQUIRE(res);
    CHECK(res->status == 404);
    auto body = parse_json(res->body);
    CHECK(body["error"]["code"] == "not_found");
    CHECK(!body["error"]["message"].get<std::string>().empty());
  }
  // A document exists but has no redacted version; and a version ID of another document.
  auto up = upload_raw(c, fx.auth(Role::admin), "a.pdf", read_corpus("corpus/pdfs/vector.pdf"));
  REQUIRE(up);
  const std::string id = parse_json(up->body)["id"];
  auto res = c.Get("/api/v1/documents/" + id + "/content?version=redacted", fx.auth(Role::admin));
  REQUIRE(res);
  CHECK(res->status == 404);
  res = c.Get("/api/v1/documents/" + id + "/content?version=ver_01M83XBJMCVF9AKJ0GH8BGZWCY", fx.auth(Role::admin));
  REQUIRE(res);
  CHECK(res->status == 404);
  res = c.Get("/api/v1/documents/" + id + "/content?version=bogus", fx.auth(Role::admin));
  REQUIRE(res);
  CHECK(res->status == 400);
  // By version ID it works.
  const std::string ver = parse_json(up->body)["versions"][0]["id"];
  res = c.Get("/api/v1/documents/" + id + "/content?version=" + ver, fx.auth(Role::admin));
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("a hostile file name is stored as a display name only", "[http]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string bytes = read_corpus("corpus/scans/linn.png");
  const auto outside = fx.dir.path() / "etc" / "passwd";
  for (bool multipart : {true, false}) {
    auto res = multipart ? upload_multipart(c, fx.auth(Role::intake), "../../etc/passwd", bytes)
                         : upload_raw(c, fx.auth(Role::intake), "..%2F..%2Fetc%2Fpasswd", bytes);
    REQUIRE(res);
    REQUIRE(res->status == 201);
    CHECK(parse_json(res->body)["file_name"] == "passwd");
  }
  CHECK_FALSE(std::filesystem::exists(outside));
  CHECK_FALSE(std::filesystem::exists(fx.dir.path() / "passwd"));
  CHECK_FALSE(std::filesystem::exists(fx.dir.path() / "data" / "passwd"));
  // Nothing named passwd anywhere in the data folder: blobs are named by hash.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(fx.dir.path())) {
    CHECK(entry.path().filename() != "passwd");
  }
}

TEST_CASE("downloading an original is audited, corrupt blobs are never served", "[http]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string bytes = read_corpus("corpus/pdfs/tagged.pdf");
  auto up = upload_raw(c, fx.auth(Role::intake), "t.pdf", bytes);
  REQUIRE(up);
  auto doc = parse_json(up->body);
  const std::string ver = doc["versions"][0]["id"];
  auto before = fx.store->catalog->audit().events_for(ver).value();
  auto down = c.Get("/api/v1/documents/" + doc["id"].get<std::string>() + "/content?version=original",
                    fx.auth(Role::reviewer));
  REQUIRE(down);
  REQUIRE(down->status == 200);
  auto after = fx.store->catalog->audit().events_for(ver).value();
  REQUIRE(after.size() == before.size() + 1);
  CHECK(after.back().action == "version.download");
  CHECK(after.back().actor == "reviewer-user");
  CHECK(after.back().details["kind"] == "original");

  // Flip a byte of the stored blob: the download is refused with 500 "corrupt".
  auto path = fx.store->blobs->local_path(doc["sha256"]);
  REQUIRE(path);
  std::filesystem::permissions(*path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::string stored = read_file(*path).value();
  stored[stored.size() / 2] ^= 0x5A;
  {
    std::ofstream out(*path, std::ios::binary | std::ios::trunc);
    out << stored;
  }
  auto bad = c.Get("/api/v1/documents/" + doc["id"].get<std::string>() + "/content", fx.auth(Role::admin));
  REQUIRE(bad);
  CHECK(bad->status == 500);
  CHECK(parse_json(bad->body)["error"]["code"] == "corrupt");
  CHECK(bad->body.find(stored.substr(0, 16)) == std::string::npos);
}
