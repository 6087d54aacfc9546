// /api/v1/cases, /api/v1/directory and /api/v1/reports over a real server: roles (403, audited),
// contributors seeing only their cases, triage and history, directory import, CSV reports.
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

httplib::Result post_json(httplib::Client& c, const std::string& path, const ApiFixture& f, Role role, const nlohmann::json& body) {
  return c.Post(path.c_str(), f.auth(role), body.dump(), "application/json");
}

int refusals(ApiFixture& f) {
  std::vector<storage::AuditEvent> events = f.store->catalog->audit().events(0, 100000).value();
  int n = 0;
  for (const auto& e : events) n += (e.action == "case.refused" || e.action == "auth.refused") ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("cases API: roles, visibility, triage, history, directory and reports") {
  ApiFixture f;
  auto c = f.client();
  nlohmann::json body = {{"type", "foi"}, {"received", "2026-11-02"}, {"requester", {{"name", "Jane Doe"}, {"email", "jane@example.org"}}},
                         {"topic", "transport"}};
  auto created = post_json(c, "/api/v1/cases", f, Role::intake, body);
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto kase = parse_json(created->body);
  std::string id = kase["id"];
  CHECK(kase["reference"] == "FOI-2026-0001");
  CHECK(kase["stage"] == "received");

  int before = refusals(f);
  // A contributor may not log cases (router policy) nor see one they are not part of (service).
  CHECK(post_json(c, "/api/v1/cases", f, Role::contributor, body)->status == 403);
  auto hidden = c.Get(("/api/v1/cases/" + id).c_str(), f.auth(Role::contributor));
  CHECK(hidden->status == 403);
  CHECK(parse_json(hidden->body)["error"]["code"] == "forbidden");
  CHECK(parse_json(c.Get("/api/v1/cases", f.auth(Role::contributor))->body)["cases"].empty());
  // A reviewer may not triage (the FOI type allows intake and caseworkers).
  CHECK(post_json(c, "/api/v1/cases/" + id + "/triage", f, Role::reviewer, {{"decision", "accept"}})->status == 403);
  CHECK(refusals(f) == before + 3);

  auto triaged = post_json(c, "/api/v1/cases/" + id + "/triage", f, Role::intake, {{"decision", "accept"}});
  REQUIRE(triaged->status == 200);
  CHECK(parse_json(triaged->body)["stage"] == "allocation");
  CHECK(post_json(c, "/api/v1/cases/" + id + "/triage", f, Role::intake, {{"decision", "maybe"}})->status == 400);
  CHECK(post_json(c, "/api/v1/cases/" + id + "/transitions", f, Role::caseworker, {{"transition", "dispatch"}})->status == 409);
  auto allocated = post_json(c, "/api/v1/cases/" + id + "/allocate", f, Role::caseworker, {{"official", "contributor-user"}});
  REQUIRE(allocated->status == 200);
  // Now the contributor holds it and sees it.
  auto visible = c.Get(("/api/v1/cases/" + id).c_str(), f.auth(Role::contributor));
  REQUIRE(visible->status == 200);
  CHECK(parse_json(visible->body)["holder"]["who"] == "contributor-user");
  CHECK(parse_json(c.Get("/api/v1/cases", f.auth(Role::contributor))->body)["cases"].size() == 1);

  auto history = c.Get(("/api/v1/cases/" + id + "/history").c_str(), f.auth(Role::caseworker));
  REQUIRE(history->status == 200);
  CHECK(parse_json(history->body)["events"].size() == 4);  // create, start_triage, accept, allocate
  CHECK(c.Get("/api/v1/cases/case_nope", f.auth(Role::caseworker))->status == 404);

  // Directory: caseworkers manage it, reviewers only read it.
  nlohmann::json csv = {{"csv", "topic,team,officials\ntransport,Roads Team,caseworker-user\n"}};
  CHECK(post_json(c, "/api/v1/directory/import", f, Role::reviewer, csv)->status == 403);
  REQUIRE(post_json(c, "/api/v1/directory/import", f, Role::caseworker, csv)->status == 201);
  auto exported = c.Get("/api/v1/directory?format=csv", f.auth(Role::reviewer));
  REQUIRE(exported->status == 200);
  CHECK(exported->body == "topic,name,team,officials,deputies,keywords\ntransport,,Roads Team,caseworker-user,,\n");

  auto report = c.Get("/api/v1/reports/open?format=csv", f.auth(Role::reviewer));
  REQUIRE(report->status == 200);
  CHECK(report->body.find("contributor-user,1,") != std::string::npos);
  CHECK(c.Get("/api/v1/reports/open", f.auth(Role::contributor))->status == 403);
  CHECK(c.Get("/api/v1/reports/bogus", f.auth(Role::reviewer))->status == 400);
  // Letters: recorded against a case, then found as a near-duplicate and used for topics.
  std::string doc = f.store->catalog->create_document(
      [] {
        storage::NewDocument d;
        d.file_name = "letter.txt";
        d.original.sha256 = std::string(64, 'a');
        d.original.size = 1;
        d.original.media_type = "text/plain";
        return d;
      }(),
      "test").value().id;
  std::string text = "The bus lane on the high street is blocked every morning by delivery lorries and nobody enforces it.";
  CHECK(post_json(c, "/api/v1/cases/" + id + "/letters", f, Role::caseworker, {{"document", doc}, {"text", text}})->status == 201);
  auto similar = post_json(c, "/api/v1/cases/similar-letters", f, Role::reviewer, {{"text", text}});
  REQUIRE(similar->status == 200);
  CHECK(parse_json(similar->body)["similar"][0]["case"] == id);
  CHECK(post_json(c, "/api/v1/cases/similar-letters", f, Role::contributor, {{"text", text}})->status == 403);
  auto topics = post_json(c, "/api/v1/cases/suggest-topic", f, Role::intake, {{"text", "lorries block the bus lane"}});
  REQUIRE(topics->status == 200);
  CHECK(parse_json(topics->body)["suggestions"][0]["topic"] == "transport");

  auto letter = c.Get(("/api/v1/cases/" + id + "/letters/acknowledgement?format=pdf").c_str(), f.auth(Role::caseworker));
  REQUIRE(letter->status == 200);
  CHECK(letter->body.rfind("%PDF-", 0) == 0);
}
