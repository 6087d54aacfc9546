// /api/v1/cases/{id}/draft... over a real server: a draft built by a caseworker and a
// contributor, blame and compare as JSON and text, a contributor refused other fragments
// (403, audited), the reviewer's copy stored as a document, and the template library.
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

httplib::Result post_json(httplib::Client& c, const std::string& path, const ApiFixture& f, Role role, const nlohmann::json& body) {
  return c.Post(path.c_str(), f.auth(role), body.dump(), "application/json");
}

int draft_refusals(ApiFixture& f) {
  std::vector<storage::AuditEvent> events = f.store->catalog->audit().events(0, 100000).value();
  int n = 0;
  for (const auto& e : events) n += e.action == "draft.refused" ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("drafts API: fragments, contribution, blame, compare, access, export, templates") {
  ApiFixture f;
  auto c = f.client();
  auto created = post_json(c, "/api/v1/cases", f, Role::caseworker,
                           {{"type", "foi"}, {"received", "2026-11-02"}, {"owner", "caseworker-user"}, {"topic", "transport"}});
  REQUIRE(created->status == 201);
  std::string id = parse_json(created->body)["id"];
  std::string d = "/api/v1/cases/" + id + "/draft";

  REQUIRE(post_json(c, d, f, Role::caseworker, {{"title", "Reply"}})->status == 201);
  CHECK(post_json(c, d, f, Role::caseworker, nlohmann::json::object())->status == 409);
  auto opening = post_json(c, d + "/fragments", f, Role::caseworker, {{"title", "Opening"}, {"text", "Thank you for your request."}});
  REQUIRE(opening->status == 201);
  std::string a = parse_json(opening->body)["id"];
  auto req = post_json(c, d + "/requests", f, Role::caseworker,
                       {{"contributor", "contributor-user"}, {"fragment_title", "Figures"}, {"due", "2099-01-05"}, {"instructions", "Bus figures"}});
  REQUIRE(req->status == 201);
  auto rj = parse_json(req->body);
  std::string b = rj["fragment"], request = rj["id"];
  CHECK(rj["state"] == "requested");

  // The contributor writes and submits their fragment, and sees nothing else.
  REQUIRE(post_json(c, d + "/fragments/" + b, f, Role::contributor, {{"text", "There were 42 buses."}})->status == 200);
  auto mine = c.Get(d.c_str(), f.auth(Role::contributor));
  REQUIRE(mine->status == 200);
  auto view = parse_json(mine->body);
  CHECK(view["access"] == "contributor");
  REQUIRE(view["fragments"].size() == 1);
  CHECK(view["fragments"][0]["id"] == b);
  int before = draft_refusals(f);
  CHECK(post_json(c, d + "/fragments/" + a, f, Role::contributor, {{"text", "Mine now."}})->status == 403);
  CHECK(c.Get((d + "/fragments/" + a + "/versions").c_str(), f.auth(Role::contributor))->status == 403);
  CHECK(post_json(c, d + "/requests/" + request + "/accept", f, Role::contributor, nlohmann::json::object())->status == 403);
  CHECK(draft_refusals(f) == before + 3);
  CHECK(post_json(c, d + "/exports", f, Role::contributor, {{"kind", "final"}})->status == 403);  // router policy
  REQUIRE(post_json(c, d + "/requests/" + request + "/submit", f, Role::contributor, nlohmann::json::object())->status == 200);
  auto accepted = post_json(c, d + "/requests/" + request + "/accept", f, Role::caseworker, {{"note", "Thanks"}});
  REQUIRE(accepted->status == 200);
  CHECK(parse_json(accepted->body)["state"] == "accepted");

  // The caseworker edits the figure; blame and compare show who wrote what.
  REQUIRE(post_json(c, d + "/fragments/" + b, f, Role::caseworker, {{"text", "There were 44 buses."}})->status == 200);
  auto blame = c.Get((d + "/blame").c_str(), f.auth(Role::reviewer));
  CHECK(blame->status == 403);  // a reviewer not on the case
  blame = c.Get((d + "/blame").c_str(), f.auth(Role::caseworker));
  REQUIRE(blame->status == 200);
  auto bj = parse_json(blame->body);
  REQUIRE(bj["fragments"].size() == 2);
  std::string words;
  for (const auto& w : bj["fragments"][1]["words"]) words += w["word"].get<std::string>() + "/" + w["author"].get<std::string>() + " ";
  CHECK(words == "There/contributor-user were/contributor-user 44/caseworker-user buses./contributor-user ");
  auto text = c.Get((d + "/blame?format=text").c_str(), f.auth(Role::caseworker));
  CHECK(text->get_header_value("Content-Type").find("text/plain") == 0);
  auto cmp = c.Get((d + "/compare?from=1").c_str(), f.auth(Role::caseworker));
  REQUIRE(cmp->status == 200);
  auto cj = parse_json(cmp->body);
  REQUIRE(cj["changes"].size() == 1);
  CHECK(cj["changes"][0]["change"] == "added");
  CHECK(c.Get((d + "/compare").c_str(), f.auth(Role::caseworker))->status == 400);
  CHECK(c.Get((d + "/compare?from=99").c_str(), f.auth(Role::caseworker))->status == 404);

  // Comments, export, templates.
  REQUIRE(post_json(c, d + "/comments", f, Role::caseworker, {{"fragment", b}, {"start_word", 2}, {"end_word", 3}, {"text", "Source?"}})->status == 201);
  auto comments = parse_json(c.Get((d + "/comments").c_str(), f.auth(Role::contributor))->body);
  REQUIRE(comments["comments"].size() == 1);
  CHECK(comments["comments"][0]["quote"] == "44");
  auto exported = post_json(c, d + "/exports", f, Role::caseworker, {{"kind", "review"}});
  REQUIRE(exported->status == 201);
  std::string doc = parse_json(exported->body)["document"];
  auto shown = c.Get(("/api/v1/documents/" + doc).c_str(), f.auth(Role::caseworker));
  REQUIRE(shown->status == 200);
  CHECK(parse_json(shown->body)["versions"][0]["media_type"] == "application/pdf");
  auto saved = post_json(c, "/api/v1/draft-templates", f, Role::caseworker, {{"id", "ack"}, {"text", "We received {{reference}} on {{received.long}}."}});
  REQUIRE(saved->status == 201);
  CHECK(post_json(c, "/api/v1/draft-templates", f, Role::reviewer, {{"id", "x"}, {"text", "y"}})->status == 403);
  auto from_template = post_json(c, d + "/fragments", f, Role::caseworker, {{"template", "ack"}, {"position", 0}});
  REQUIRE(from_template->status == 201);
  auto fj = parse_json(from_template->body);
  CHECK(fj["version"]["provenance"] == "template");
  CHECK(fj["version"]["text"] == "We received FOI-2026-0001 on 2 November 2026.");
  CHECK(fj["position"] == 0);
}
