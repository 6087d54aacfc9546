// Sign-off pools: a reviewer who was not asked may not pass (or return) QA on a case waiting in
// the reviewers' pool; taking it from the pool is explicit, recorded and audited.
#include <catch2/catch.hpp>

#include "case_fixture.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::day;

namespace {

Case case_in_qa(test::CaseFixture& f, const std::string& reviewer) {
  NewCase n;
  n.type = "mp-official";
  n.received = day("2026-02-20");
  n.team = "Health Policy";
  Case c = f.service->create(f.actor("ian"), n).value();
  TriageRequest accept;
  accept.decision = TriageDecision::accept;
  f.service->triage(f.actor("ian"), c.id, accept).value();
  f.service->allocate(f.actor("carla"), c.id, "carla").value();
  return f.service->sign_off(f.actor("carla"), c.id, "draft ready", reviewer).value().updated;
}

std::vector<storage::AuditEvent> audit_events(test::CaseFixture& f, const std::string& action) {
  std::vector<storage::AuditEvent> out;
  std::vector<storage::AuditEvent> all = f.store->catalog->audit().events(0, 100000).value();
  for (auto& e : all) {
    if (e.action == action) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

TEST_CASE("reviewer pool: a reviewer not asked is refused, taking from the pool is explicit and audited") {
  test::CaseFixture f;
  f.store->catalog->create_user("ray", storage::Role::reviewer, "test").value();

  Case pooled = case_in_qa(f, "");
  REQUIRE(pooled.stage == "qa");
  REQUIRE(pooled.holder == "role:reviewer");
  // Rita sees it (the pool is hers) but has not been asked: refused, saying why, audited.
  CHECK(f.service->get(f.actor("rita"), pooled.id).value().stage == "qa");
  auto refused = f.service->sign_off(f.actor("rita"), pooled.id, "looks fine", "");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::forbidden);
  CHECK(refused.error().message.find("has not been asked to clear it") != std::string::npos);
  CHECK(refused.error().message.find("take it from the pool") != std::string::npos);
  CHECK(f.service->return_for_corrections(f.actor("rita"), pooled.id, "typo").error().kind == ErrorKind::forbidden);
  auto refusals = audit_events(f, "case.refused");
  REQUIRE(refusals.size() >= 2);
  CHECK(refusals.back().details["reason"].get<std::string>().find("rita may not 'return_to_draft'") != std::string::npos);
  CHECK(f.service->get(f.actor("carla"), pooled.id).value().stage == "qa");  // nothing changed

  // A caseworker cannot take from the reviewers' pool.
  CHECK(f.service->take_from_pool(f.actor("carla"), pooled.id).error().kind == ErrorKind::forbidden);
  // Ray takes it: he holds it, it is in the history and the audit log; Rita still cannot pass it.
  Case taken = f.service->take_from_pool(f.actor("ray"), pooled.id).value();
  CHECK(taken.holder == "ray");
  CHECK(std::find(taken.participants.begin(), taken.participants.end(), std::pair<std::string, std::string>{"ray", "clearer"}) !=
        taken.participants.end());
  auto history = f.service->history(f.actor("carla"), pooled.id).value();
  CHECK(history.back().action == "pool.take");
  CHECK(history.back().actor == "ray");
  CHECK(history.back().details["pool"] == "role:reviewer");
  CHECK(audit_events(f, "case.pool.take").size() == 1);
  // Once taken it has left the pool: Rita no longer sees it, let alone passes or takes it.
  auto not_hers = f.service->sign_off(f.actor("rita"), pooled.id, "", "");
  REQUIRE_FALSE(not_hers);
  CHECK(not_hers.error().kind == ErrorKind::forbidden);
  CHECK(f.service->take_from_pool(f.actor("rita"), pooled.id).error().kind == ErrorKind::forbidden);
  // A reviewer who can see it (granted a part in it) is still refused, and told who has it.
  f.service->request_contribution(f.actor("carla"), pooled.id, "rita", "a second opinion").value();
  auto told = f.service->sign_off(f.actor("rita"), pooled.id, "", "");
  REQUIRE_FALSE(told);
  CHECK(told.error().message.find("it was given to ray to clear, not to rita") != std::string::npos);
  // Taking twice is a conflict: it is no longer in the pool.
  CHECK(f.service->take_from_pool(f.actor("rita"), pooled.id).error().kind == ErrorKind::conflict);
  auto passed = f.service->sign_off(f.actor("ray"), pooled.id, "QA passed", "").value();
  CHECK(passed.updated.stage == "clearance");
  CHECK(passed.updated.holder == "role:team_leader");
  // The same rule holds for the team leaders' pool.
  CHECK(f.service->sign_off(f.actor("tess"), pooled.id, "", "").error().kind == ErrorKind::forbidden);
  f.service->take_from_pool(f.actor("tess"), pooled.id).value();
  CHECK(f.service->sign_off(f.actor("tess"), pooled.id, "", "").value().updated.stage == "dispatch");

  // Named when submitted: Rita may pass it straight away, Ray may not.
  Case asked = case_in_qa(f, "rita");
  CHECK(asked.holder == "rita");
  CHECK(f.service->sign_off(f.actor("ray"), asked.id, "", "").error().kind == ErrorKind::forbidden);
  CHECK(f.service->take_from_pool(f.actor("ray"), asked.id).error().kind == ErrorKind::forbidden);  // not his to see
  CHECK(f.service->sign_off(f.actor("rita"), asked.id, "", "").value().updated.stage == "clearance");
  // A team leader (not acting as the QA reviewer) may still return a case sitting in QA.
  Case supervised = case_in_qa(f, "");
  CHECK(f.service->return_for_corrections(f.actor("tess"), supervised.id, "wrong template").value().updated.stage == "draft");
}
