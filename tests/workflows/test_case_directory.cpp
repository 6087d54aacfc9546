// The topic directory (versions, hierarchy, CSV, audit), allocation from it (suggestion,
// accept/decline, reallocation in one step) and the case reports.
#include <catch2/catch.hpp>

#include "case_fixture.h"
#include "workflows/directory.h"
#include "workflows/reports.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::CaseFixture;
using redbox::test::day;

namespace {

constexpr const char* kCsv =
    "topic,name,team,officials,deputies,keywords\n"
    "health,Health,Health Policy,carla;tess,colin,nhs;hospital\n"
    "health/nhs/waiting-times,\"Waiting times, NHS\",,,,waiting list\n"
    "transport,Transport,Roads Team,olive,,roads;rail\n";

NewCase letter(const std::string& topic) {
  NewCase n;
  n.type = "mp-official";
  n.received = day("2026-02-27");
  n.topic = topic;
  n.requester.name = "A Constituent";
  n.mp = "Jo Bloggs MP";
  return n;
}

}  // namespace

TEST_CASE("directory: CSV import makes a version, topics inherit from parents, export round-trips, changes are audited") {
  CaseFixture f;
  TopicDirectory dir(*f.store->catalog);
  CHECK(dir.topics().value().empty());
  auto v1 = dir.import_csv("ada", kCsv, "initial").value();
  CHECK(v1.version == 1);
  auto topics = dir.topics().value();
  REQUIRE(topics.size() == 3);
  CHECK(topics[1].name == "Waiting times, NHS");
  Topic wt = dir.resolve("Health/NHS/Waiting Times").value();
  CHECK(wt.team == "Health Policy");
  CHECK(wt.officials == std::vector<std::string>{"carla", "tess"});
  CHECK(wt.deputies == std::vector<std::string>{"colin"});
  CHECK(dir.resolve("education").error().kind == ErrorKind::not_found);
  std::string exported = directory_csv(topics);
  CHECK(parse_directory_csv(exported, "export").value().size() == 3);
  CHECK(exported.find("\"Waiting times, NHS\"") != std::string::npos);

  auto v2 = dir.set_topic("ada", {"transport", "Transport", "Transport Policy", {"olive"}, {}, {}}, "team renamed").value();
  CHECK(v2.version == 2);
  CHECK(dir.resolve("transport").value().team == "Transport Policy");
  CHECK(dir.topics(1).value()[2].team == "Roads Team");  // the old version stays readable
  auto v3 = dir.remove_topic("ada", "health/nhs/waiting-times", "").value();
  CHECK(dir.topics(v3.version).value().size() == 2);
  CHECK(dir.versions().value().size() == 3);
  std::vector<storage::AuditEvent> events = f.store->catalog->audit().events_for("directory").value();
  REQUIRE(events.size() == 3);
  CHECK(events[0].action == "directory.import");
  CHECK(events[1].action == "directory.set");
  CHECK(events[2].action == "directory.remove");

  auto bad = dir.import_csv("ada", "topic,team\nhealth,A\n,B\n", "");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::invalid_input);
  CHECK(bad.error().message.find("line 3") != std::string::npos);
  CHECK(dir.import_csv("ada", "topic,colour\nhealth,red\n", "").error().message.find("unknown column 'colour'") != std::string::npos);
  CHECK(dir.import_csv("ada", "topic\nhealth\nHealth\n", "").error().message.find("listed twice") != std::string::npos);
  CHECK(dir.versions().value().size() == 3);  // failed imports leave no version
}

TEST_CASE("allocation: suggested from the topic, accepted or declined with a reason, reallocated in one step") {
  CaseFixture f;
  TopicDirectory(*f.store->catalog).import_csv("ada", kCsv, "").value();
  Case c = f.service->create(f.actor("ian"), letter("health/nhs/waiting-times")).value();
  CHECK(c.team == "Health Policy");  // from the directory
  f.service->triage(f.actor("ian"), c.id, {TriageDecision::accept, "", "", "", std::nullopt}).value();
  auto first = f.service->allocate(f.actor("carla"), c.id, "").value();
  CHECK(first.updated.owner == "carla");  // the first official with the fewest open cases
  CHECK(first.updated.holder == "carla");
  CHECK(first.updated.allocation == "offered");
  CHECK(first.updated.action_needed == "accept or decline the allocation");

  // Another case on the topic goes to the other official (carla now holds one).
  Case d = f.service->create(f.actor("ian"), letter("health")).value();
  f.service->triage(f.actor("ian"), d.id, {TriageDecision::accept, "", "", "", std::nullopt}).value();
  CHECK(f.service->allocate(f.actor("carla"), d.id, "").value().updated.owner == "tess");

  // Only the official can answer the allocation; declining needs a reason and hands it back.
  CHECK(f.service->accept_allocation(f.actor("tess"), c.id).error().kind == ErrorKind::forbidden);
  CHECK(f.service->decline_allocation(f.actor("carla"), c.id, "").error().kind == ErrorKind::invalid_input);
  auto declined = f.service->decline_allocation(f.actor("carla"), c.id, "on leave until April").value();
  CHECK(declined.updated.stage == "allocation");
  CHECK(declined.updated.owner.empty());
  CHECK(declined.updated.holder == "team:Health Policy");
  auto again = f.service->allocate(f.actor("tess"), c.id, "colin").value();
  CHECK(again.updated.holder == "colin");
  auto accepted = f.service->accept_allocation(f.actor("colin"), c.id).value();
  CHECK(accepted.allocation == "accepted");
  CHECK(accepted.action_needed == "draft the reply");

  // Reallocation to anyone, across teams, in one step with a reason; a contributor cannot.
  CHECK(f.service->reallocate(f.actor("colin"), c.id, "olive", "not mine", "").error().kind == ErrorKind::forbidden);
  auto moved = f.service->reallocate(f.actor("tess"), c.id, "olive", "it is about hospital parking", "Roads Team").value();
  CHECK(moved.owner == "olive");
  CHECK(moved.holder == "olive");
  CHECK(moved.team == "Roads Team");
  CHECK(moved.stage == "draft");
  CHECK(f.service->get(f.actor("olive"), c.id).value().id == c.id);
  auto h = f.service->history(f.actor("carla"), c.id).value();
  std::vector<std::string> actions;
  for (const auto& e : h) actions.push_back(e.action);
  CHECK(actions == std::vector<std::string>{"create", "transition:start_triage", "transition:accept", "transition:allocate",
                                            "transition:reallocate", "transition:allocate", "allocation.accept",
                                            "allocation.reallocate"});
  CHECK(h.back().reason == "it is about hospital parking");
  CHECK(h.back().details["from"] == "colin");
}

TEST_CASE("reports: open by team and holder, overdue, due this week, percentage on time by type and month") {
  CaseFixture f("2026-02-02");
  // Two MP letters received 2 February (due 2 March), one answered on time, one late.
  NewCase n = letter("health");
  n.team = "Health Policy";
  n.received = day("2026-02-02");
  Case on_time = f.service->create(f.actor("ian"), n).value();
  Case late = f.service->create(f.actor("ian"), n).value();
  Case open = f.service->create(f.actor("ian"), n).value();
  CHECK(format_date(open.due) == "2026-03-02");
  auto answer = [&](const Case& c) {
    for (const char* t : {"start_triage", "accept", "allocate", "submit_for_qa"}) {
      TransitionRequest r;
      r.transition = t;
      f.service->transition(f.actor("carla"), c.id, r).value();
    }
    f.service->take_from_pool(f.actor("rita"), c.id).value();
    f.service->sign_off(f.actor("rita"), c.id, "", "tess").value();
    f.service->sign_off(f.actor("tess"), c.id, "", "").value();
    TransitionRequest r;
    r.transition = "dispatch";
    f.service->transition(f.actor("carla"), c.id, r).value();
  };
  f.set_today("2026-02-20");
  answer(on_time);
  f.set_today("2026-03-04");
  answer(late);
  auto pct = case_report(*f.store->catalog, "on-time", day("2026-03-04")).value();
  REQUIRE(pct.rows.size() == 2);
  CHECK(pct.rows[0] == std::vector<std::string>{"mp-official", "2026-02", "1", "1", "100.0"});
  CHECK(pct.rows[1] == std::vector<std::string>{"mp-official", "2026-03", "1", "0", "0.0"});
  auto overdue = case_report(*f.store->catalog, "overdue", day("2026-03-04")).value();
  REQUIRE(overdue.rows.size() == 1);
  CHECK(overdue.rows[0][2] == open.reference);
  CHECK(case_report(*f.store->catalog, "due-week", day("2026-02-26")).value().rows.empty());  // Thu -> Sun: not yet
  CHECK(case_report(*f.store->catalog, "due-week", day("2026-03-02")).value().rows.size() == 1);
  auto by_team = case_report(*f.store->catalog, "open", day("2026-03-04")).value();
  REQUIRE(by_team.rows.size() == 1);
  CHECK(by_team.rows[0] == std::vector<std::string>{"Health Policy", "role:intake", "1", "1", "0"});
  std::string csv = by_team.csv();
  CHECK(csv == "team,holder,open,overdue,due_this_week\nHealth Policy,role:intake,1,1,0\n");
  CHECK(case_report(*f.store->catalog, "everything", day("2026-03-04")).error().kind == ErrorKind::invalid_input);
}
