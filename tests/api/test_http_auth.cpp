// Authentication and the role policy, on every route, with every refusal audited.
#include <catch2/catch.hpp>

#include "api/http/policy.h"
#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

std::size_t refusals(ApiFixture& fx) {
  std::size_t n = 0;
  const auto events = fx.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : events) {
    if (e.action == "auth.refused") ++n;
  }
  return n;
}

std::string upload(ApiFixture& fx) {
  auto c = fx.client();
  httplib::Headers h = fx.auth(Role::intake);
  h.emplace("X-File-Name", "a.pdf");
  auto res = c.Post("/api/v1/documents", h, read_corpus("corpus/pdfs/vector.pdf"), "application/pdf");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  return parse_json(res->body)["id"];
}

}  // namespace

TEST_CASE("every route but /healthz needs a valid token", "[http][auth]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string id = upload(fx);
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);

  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/v1/documents"},         {"GET", "/api/v1/documents/" + id},
      {"GET", "/api/v1/documents/" + id + "/content"}, {"POST", "/api/v1/documents"},
      {"POST", "/api/v1/users"},            {"GET", "/api/v1/users"},
      {"GET", "/api/v1/audit/verify"}};
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer " + std::string(64, 'a')}},
        httplib::Headers{{"Authorization", "Basic YWxpY2U6c2VjcmV0"}},
        httplib::Headers{{"Authorization", "Bearer " + fx.tokens[Role::admin] + "x"}}}) {
    for (const auto& [method, path] : routes) {
      CAPTURE(method, path);
      const std::size_t before = refusals(fx);
      auto res = method == "GET" ? c.Get(path, headers) : c.Post(path, headers, "{}", "application/json");
      REQUIRE(res);
      CHECK(res->status == 401);
      CHECK(parse_json(res->body)["error"]["code"] == "unauthorized");
      CHECK(res->get_header_value("WWW-Authenticate").find("Bearer") == 0);
      CHECK(refusals(fx) == before + 1);
    }
  }
  // The token itself never appears in the audit log.
  const auto events = fx.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : events) {
    CHECK(e.details.dump().find(fx.tokens[Role::admin]) == std::string::npos);
  }
}

TEST_CASE("roles are enforced as the policy table says", "[http][auth]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string id = upload(fx);
  const std::string pdf = read_corpus("corpus/pdfs/vector.pdf");
  for (Role role : {Role::admin, Role::intake, Role::caseworker, Role::reviewer, Role::contributor}) {
    CAPTURE(storage::to_string(role));
    auto h = fx.auth(role);
    auto expect = [&](bool allowed_to, const httplib::Result& res, int ok_status) {
      REQUIRE(res);
      const std::size_t audited = refusals(fx);
      (void)audited;
      CHECK(res->status == (allowed_to ? ok_status : 403));
      if (!allowed_to) CHECK(parse_json(res->body)["error"]["code"] == "forbidden");
    };
    const std::size_t before = refusals(fx);
    int expected_refusals = 0;
    auto h_up = h;
    h_up.emplace("X-File-Name", "b.pdf");
    bool may_upload = api::allowed(role, api::Action::document_upload);
    expect(may_upload, c.Post("/api/v1/documents", h_up, pdf, "application/pdf"), 201);
    expected_refusals += may_upload ? 0 : 1;
    bool may_read = api::allowed(role, api::Action::document_read);
    expect(may_read, c.Get("/api/v1/documents", h), 200);
    expect(may_read, c.Get("/api/v1/documents/" + id, h), 200);
    expected_refusals += may_read ? 0 : 2;
    bool may_download = may_read && api::allowed(role, api::Action::download_unredacted);
    expect(may_download, c.Get("/api/v1/documents/" + id + "/content", h), 200);
    expected_refusals += may_download ? 0 : 1;
    bool admin = role == Role::admin;
    expect(admin,
           c.Post("/api/v1/users", h,
                  nlohmann::json{{"name", "new-" + std::string(storage::to_string(role))}, {"role", "reviewer"}}.dump(),
                  "application/json"),
           201);
    expect(admin, c.Get("/api/v1/audit/verify", h), 200);
    expected_refusals += admin ? 0 : 2;
    CHECK(refusals(fx) == before + expected_refusals);
  }
  // The policy table as specified.
  CHECK(api::allowed(Role::caseworker, api::Action::document_upload));
  CHECK_FALSE(api::allowed(Role::reviewer, api::Action::document_upload));
  CHECK_FALSE(api::allowed(Role::contributor, api::Action::document_upload));
  CHECK_FALSE(api::allowed(Role::contributor, api::Action::document_read));
  CHECK_FALSE(api::allowed(Role::caseworker, api::Action::user_manage));
  CHECK(api::allowed(Role::reviewer, api::Action::download_unredacted));
}

TEST_CASE("POST /users validates its JSON and the new token works once created", "[http][auth]") {
  ApiFixture fx;
  auto c = fx.client();
  auto h = fx.auth(Role::admin);
  for (const std::string& body : {std::string("{not json"), std::string("[1,2]"), std::string(""),
                                 std::string(R"({"name": "x"})"), std::string(R"({"name": 3, "role": "admin"})"),
                                 std::string(R"({"name": "x", "role": "overlord"})")}) {
    CAPTURE(body);
    auto res = c.Post("/api/v1/users", h, body, "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(parse_json(res->body)["error"]["code"] == "invalid_input");
  }
  auto res = c.Post("/api/v1/users", h, R"({"name": "bob", "role": "reviewer"})", "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  auto created = parse_json(res->body);
  CHECK(created["user"]["role"] == "reviewer");
  const std::string token = created["token"];
  auto as_bob = c.Get("/api/v1/documents", {{"Authorization", "Bearer " + token}});
  REQUIRE(as_bob);
  CHECK(as_bob->status == 200);
  // Only a hash is stored: listing users never shows tokens.
  auto list = c.Get("/api/v1/users", h);
  REQUIRE(list);
  CHECK(list->body.find(token) == std::string::npos);
  // A second user of the same name is a conflict.
  auto dup = c.Post("/api/v1/users", h, R"({"name": "bob", "role": "reviewer"})", "application/json");
  REQUIRE(dup);
  CHECK(dup->status == 409);
}
