// /api/v1/notifications and /api/v1/cases/{id}/notifications over a real server: who may run and
// list them (403, audited), pending versus sent, a real SMTP delivery (aiosmtpd), and a case's
// own list with where chasing stands; plus taking a case from the reviewers' pool over HTTP.
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "support/smtp_capture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

httplib::Result post_json(httplib::Client& c, const std::string& path, const ApiFixture& f, Role role, const nlohmann::json& body) {
  return c.Post(path.c_str(), f.auth(role), body.dump(), "application/json");
}

int audit_count(ApiFixture& f, const std::string& action) {
  std::vector<storage::AuditEvent> events = f.store->catalog->audit().events(0, 100000).value();
  int n = 0;
  for (const auto& e : events) n += e.action == action ? 1 : 0;
  return n;
}

// Notification settings that send around the clock to the SMTP server on smtp_port.
nlohmann::json notification_config(int smtp_port, nlohmann::json addresses) {
  return {{"addresses", std::move(addresses)},
          {"base_url", "https://redbox.dept"},
          {"working_hours", {{"start", "00:00"}, {"end", "23:59"}}},
          {"smtp", {{"host", "127.0.0.1"}, {"port", smtp_port}, {"from", "redbox@dept.example"}}}};
}

// An MP-official case on roads, accepted and allocated to contributor-user; returns its ID.
std::string allocated_case(httplib::Client& c, const ApiFixture& f) {
  auto created = post_json(c, "/api/v1/cases", f, Role::intake, {{"type", "mp-official"}, {"topic", "roads"}, {"team", "Roads"}});
  REQUIRE(created->status == 201);
  std::string id = parse_json(created->body)["id"];
  REQUIRE(post_json(c, "/api/v1/cases/" + id + "/triage", f, Role::intake, {{"decision", "accept"}})->status == 200);
  REQUIRE(post_json(c, "/api/v1/cases/" + id + "/allocate", f, Role::caseworker, {{"official", "contributor-user"}})->status == 200);
  return id;
}

}  // namespace

TEST_CASE("notifications API: roles, pending and sent, SMTP delivery, a case's chase status") {
  ApiFixture f;
  auto dir = temp_dir();
  SmtpCapture smtp(dir.path());
  f.store->config.raw["notifications"] =
      notification_config(smtp.available() ? smtp.port() : 1,
                          {{"contributor-user", "colin@dept.example"}, {"team_leader:Roads", "roads-lead@dept.example"}});
  auto c = f.client();
  const std::string id = allocated_case(c, f);

  // Only admins and caseworkers run or list notifications across cases; refusals are audited.
  int refused_before = audit_count(f, "auth.refused");
  for (Role r : {Role::intake, Role::reviewer, Role::contributor}) {
    CHECK(c.Get("/api/v1/notifications", f.auth(r))->status == 403);
    CHECK(post_json(c, "/api/v1/notifications/run", f, r, nlohmann::json::object())->status == 403);
  }
  CHECK(audit_count(f, "auth.refused") == refused_before + 6);
  CHECK(c.Get("/api/v1/notifications")->status == 401);

  auto pending = c.Get("/api/v1/notifications?state=pending", f.auth(Role::caseworker));
  REQUIRE(pending->status == 200);
  auto pj = parse_json(pending->body);
  REQUIRE(pj["messages"].size() == 1);
  CHECK(pj["messages"][0]["to"] == "colin@dept.example");
  CHECK(pj["messages"][0]["event"] == "allocated");
  CHECK(pj["messages"][0]["payload"]["topic"] == "roads");
  CHECK(pj["messages"][0]["payload"]["link"] == "https://redbox.dept/cases/" + id);
  CHECK(audit_count(f, "notification.view") == 1);
  CHECK(c.Get("/api/v1/notifications?state=maybe", f.auth(Role::caseworker))->status == 400);
  CHECK(post_json(c, "/api/v1/notifications/run", f, Role::caseworker, {{"dry_run", "yes"}})->status == 400);
  CHECK(post_json(c, "/api/v1/notifications/run", f, Role::caseworker, {{"send", true}})->status == 400);

  // A dry run sends nothing and consumes nothing.
  auto dry = post_json(c, "/api/v1/notifications/run", f, Role::caseworker, {{"dry_run", true}});
  REQUIRE(dry->status == 200);
  CHECK(audit_count(f, "notification.dry_run") == 1);

  // A case's own list: the holder sees it; a reviewer who is not part of the case does not.
  auto own = c.Get(("/api/v1/cases/" + id + "/notifications").c_str(), f.auth(Role::contributor));
  REQUIRE(own->status == 200);
  auto oj = parse_json(own->body);
  CHECK(oj["sent"].empty());
  CHECK(oj["chase"]["who"] == "contributor-user");
  CHECK(oj["chase"]["next"]["kind"] == "chase");
  CHECK(oj["chase"]["escalate_to"] == nlohmann::json::array({"team_leader:Roads"}));
  CHECK(c.Get(("/api/v1/cases/" + id + "/notifications").c_str(), f.auth(Role::reviewer))->status == 403);

  if (!smtp.available()) {
    WARN("SMTP delivery skipped: " << smtp.skip_reason());
    return;
  }
  auto run = post_json(c, "/api/v1/notifications/run", f, Role::caseworker, nlohmann::json::object());
  REQUIRE(run->status == 200);
  auto rj = parse_json(run->body);
  if (rj["deferred"].get<bool>()) {
    WARN("not a working day here now: the run was deferred to " << rj["deliver_at"].get<std::string>());
    return;
  }
  REQUIRE(rj["messages"].size() == 1);
  auto mails = smtp.messages(1);
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].find("RCPT: colin@dept.example") == 0);
  CHECK(mails[0].find("Topic: roads") != std::string::npos);
  // Sent once: a second run has nothing, and the log shows it (newest first), for the case too.
  CHECK(parse_json(post_json(c, "/api/v1/notifications/run", f, Role::caseworker, nlohmann::json::object())->body)["messages"].empty());
  auto sent = c.Get("/api/v1/notifications?state=sent", f.auth(Role::admin));
  REQUIRE(sent->status == 200);
  auto sj = parse_json(sent->body)["notifications"];
  REQUIRE(sj.size() == 1);
  CHECK(sj[0]["case"] == id);
  CHECK(sj[0]["event"] == "allocated");
  auto sent_for_case = c.Get(("/api/v1/notifications?state=sent&case=" + id).c_str(), f.auth(Role::caseworker));
  CHECK(parse_json(sent_for_case->body)["notifications"].size() == 1);
  CHECK(parse_json(c.Get(("/api/v1/cases/" + id + "/notifications").c_str(), f.auth(Role::contributor))->body)["sent"].size() == 1);
  CHECK(audit_count(f, "notification.sent") == 2);  // each sending run, the empty one too (it records progress)
}

TEST_CASE("cases API: a reviewer not asked is refused QA, taking the case from the pool is audited") {
  ApiFixture f;
  auto c = f.client();
  auto created = post_json(c, "/api/v1/cases", f, Role::intake, {{"type", "mp-official"}, {"team", "Roads"}});
  REQUIRE(created->status == 201);
  std::string id = parse_json(created->body)["id"];
  REQUIRE(post_json(c, "/api/v1/cases/" + id + "/triage", f, Role::intake, {{"decision", "accept"}})->status == 200);
  REQUIRE(post_json(c, "/api/v1/cases/" + id + "/allocate", f, Role::caseworker, {{"official", "caseworker-user"}})->status == 200);
  auto submitted = post_json(c, "/api/v1/cases/" + id + "/sign-off", f, Role::caseworker, nlohmann::json::object());
  REQUIRE(submitted->status == 200);
  CHECK(parse_json(submitted->body)["holder"]["who"] == "role:reviewer");
  int before = audit_count(f, "case.refused");
  auto refused = post_json(c, "/api/v1/cases/" + id + "/sign-off", f, Role::reviewer, nlohmann::json::object());
  CHECK(refused->status == 403);
  CHECK(parse_json(refused->body)["error"]["message"].get<std::string>().find("has not been asked to clear it") != std::string::npos);
  CHECK(audit_count(f, "case.refused") == before + 1);
  auto taken = post_json(c, "/api/v1/cases/" + id + "/take", f, Role::reviewer, nlohmann::json::object());
  REQUIRE(taken->status == 200);
  CHECK(parse_json(taken->body)["holder"]["who"] == "reviewer-user");
  CHECK(audit_count(f, "case.pool.take") == 1);
  CHECK(post_json(c, "/api/v1/cases/" + id + "/take", f, Role::reviewer, nlohmann::json::object())->status == 409);
  auto passed = post_json(c, "/api/v1/cases/" + id + "/sign-off", f, Role::reviewer, {{"comment", "QA passed"}});
  REQUIRE(passed->status == 200);
  CHECK(parse_json(passed->body)["stage"] == "clearance");
}

TEST_CASE("the server sends notifications on its own timer, within working hours", "[http][notifications]") {
  auto dir = temp_dir();
  SmtpCapture smtp(dir.path());
  INFO(smtp.skip_reason());
  REQUIRE(smtp.available());  // python3-aiosmtpd, installed by scripts/setup
  api::ServerOptions options;
  options.notify_every = std::chrono::seconds(1);
  ApiFixture f(options, [&](storage::Store& store) {
    store.config.raw["notifications"] = notification_config(smtp.port(), {{"contributor-user", "colin@dept.example"}});
  });
  auto c = f.client();
  const std::string id = allocated_case(c, f);

  // Nobody asks for a run: the server's own timer sends the allocation notice.
  auto mail = smtp.messages(1);
  REQUIRE(mail.size() == 1);
  CHECK(mail[0].find("colin@dept.example") != std::string::npos);
  CHECK(mail[0].find("/cases/" + id) != std::string::npos);
  // Sent once, recorded as sent by the system: nothing is pending, and later runs send no more.
  auto pending = parse_json(c.Get("/api/v1/notifications?state=pending", f.auth(Role::caseworker))->body);
  CHECK(pending["messages"].empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(smtp.count() == 1);
  bool sent_by_system = false;
  const std::vector<storage::AuditEvent> events = f.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : events) sent_by_system = sent_by_system || (e.action == "notification.sent" && e.actor == "system");
  CHECK(sent_by_system);
}
