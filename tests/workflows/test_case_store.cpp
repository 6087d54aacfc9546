// Cases end to end through CaseService over a real catalog: every shipped type from receipt to
// closure, triage (reject, transfer with its letter, clarification stopping the clock), complaint
// escalation, sign-off and returns, role checks with audited refusals, recomputed deadlines.
#include <catch2/catch.hpp>

#include <deque>
#include <map>
#include <set>

#include "case_fixture.h"
#include "workflows/case_letters.h"
#include "workflows/text_pdf.h"
#include "workflows/working_days.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::CaseFixture;
using redbox::test::day;

namespace {

NewCase letter_from(const std::string& type, const char* received) {
  NewCase n;
  n.type = type;
  n.received = day(received);
  n.requester = {"Mrs Jane O'Neil", "12 High St, Leeds LS1 4AB", "Jane.ONeil@example.org", ""};
  n.topic = "health";
  n.team = "Correspondence";
  return n;
}

// The answered path: transitions without a reason, not opening other cases, avoiding
// clarification, from the initial stage to a closed stage (breadth-first).
std::vector<const Transition*> answered_path(const CaseType& type) {
  std::map<std::string, std::pair<std::string, const Transition*>> via;
  std::deque<std::string> queue{type.initial_stage};
  std::set<std::string> seen{type.initial_stage};
  while (!queue.empty()) {
    std::string s = queue.front();
    queue.pop_front();
    if (type.stage(s)->closed) {
      std::vector<const Transition*> path;
      for (std::string at = s; at != type.initial_stage; at = via[at].first) path.insert(path.begin(), via[at].second);
      return path;
    }
    for (const auto* t : type.transitions_from(s)) {
      if (t->requires_reason || !t->creates_case.empty() || t->to == "clarification" || seen.count(t->to)) continue;
      seen.insert(t->to);
      via[t->to] = {s, t};
      queue.push_back(t->to);
    }
  }
  return {};
}

// The first test user holding a role the transition allows.
std::string user_for(const Transition& t) {
  static const std::vector<std::pair<std::string, std::vector<Role>>> kUsers = {
      {"ian", {Role::intake}},         {"carla", {Role::caseworker}},                 {"rita", {Role::reviewer}},
      {"tess", {Role::caseworker, Role::team_leader}}, {"paul", {Role::contributor, Role::private_office}}, {"ada", {Role::admin}}};
  for (const auto& [name, roles] : kUsers) {
    for (Role r : roles) {
      if (std::find(t.roles.begin(), t.roles.end(), r) != t.roles.end()) return name;
    }
  }
  return {};
}

TriageRequest decide(TriageDecision d, std::string reason, std::string transfer_to, std::string assignee) {
  TriageRequest r;
  r.decision = d;
  r.reason = std::move(reason);
  r.transfer_to = std::move(transfer_to);
  r.assignee = std::move(assignee);
  return r;
}

TransitionRequest step(const std::string& transition) {
  TransitionRequest r;
  r.transition = transition;
  return r;
}

std::int64_t audit_count(CaseFixture& f, const std::string& object, const std::string& action) {
  std::int64_t n = 0;
  std::vector<storage::AuditEvent> events = f.store->catalog->audit().events_for(object).value();
  for (const auto& e : events) n += e.action == action ? 1 : 0;
  return n;
}

std::int64_t refusals(CaseFixture& f) {
  std::int64_t n = 0;
  std::vector<storage::AuditEvent> events = f.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : events) n += e.action == "case.refused" ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("every shipped case type goes from receipt to closure by its declared transitions and roles") {
  CaseFixture f;
  auto all = f.types.all();
  REQUIRE(all.size() == 13);
  for (const CaseType* type : all) {
    INFO("type " << type->id);
    NewCase n = letter_from(type->id, "2026-03-02");  // today: a data breach has only 3 days
    if (type->deadline.kind == DeadlineKind::named_day) n.named_day = day("2026-03-10");
    Case c = f.service->create(f.actor("ian"), n).value();
    CHECK(c.stage == type->initial_stage);
    CHECK_FALSE(c.closed);
    CHECK(c.deadline.contains("explanation"));
    auto path = answered_path(*type);
    REQUIRE_FALSE(path.empty());
    std::size_t takes = 0;
    for (const Transition* t : path) {
      INFO("transition " << t->id << " from " << c.stage);
      std::string who = user_for(*t);
      REQUIRE_FALSE(who.empty());
      // A case waiting in a sign-off pool is taken by the person who signs it off.
      for (const auto& st : type->sign_off) {
        if (st.stage == c.stage && c.holder == "role:" + std::string(to_string(st.role)) && f.actor(who).has(st.role)) {
          c = f.service->take_from_pool(f.actor(who), c.id).value();
          ++takes;
        }
      }
      TransitionRequest req;
      req.transition = t->id;
      auto r = f.service->transition(f.actor(who), c.id, req);
      if (!r) FAIL(r.error().describe());
      c = r->updated;
      CHECK(c.stage == t->to);
    }
    CHECK(c.closed);
    CHECK(c.outcome == "answered");
    REQUIRE(c.on_time.has_value());
    CHECK(*c.on_time);
    CHECK(c.holder.empty());
    auto h = f.service->history(f.actor("carla"), c.reference).value();
    CHECK(h.size() == path.size() + 1 + takes);  // the creation, one event per transition, the pool takes
    CHECK(h.front().action == "create");
    CHECK(audit_count(f, c.id, "case.transition") == static_cast<std::int64_t>(path.size()));
  }
  // References follow each type's format, numbered per type and year.
  auto b = f.service->create(f.actor("ian"), letter_from("mp-official", "2026-02-21")).value();
  CHECK(b.reference == "B2026/00002");
  // Answered late: recorded as not on time.
  Case late = f.service->create(f.actor("ian"), letter_from("data-breach", "2026-02-20")).value();
  for (const char* t : {"assess", "notifiable", "notified"}) late = f.service->transition(f.actor("tess"), late.id, step(t)).value().updated;
  REQUIRE(late.holder == "role:team_leader");  // remediation is signed off by a team leader: tess takes it
  f.service->take_from_pool(f.actor("tess"), late.id).value();
  late = f.service->transition(f.actor("tess"), late.id, step("close")).value().updated;
  CHECK(late.outcome == "answered");
  CHECK(late.on_time == std::optional<bool>(false));
  auto m = f.service->create(f.actor("ian"), letter_from("mp-private-office", "2026-02-21")).value();
  CHECK(m.reference == "M2026/00002");
  CHECK(f.store->catalog->audit().verify().value().ok);
}

TEST_CASE("transitions are only those the type declares, from the current stage, with a reason where required") {
  CaseFixture f;
  Case c = f.service->create(f.actor("ian"), letter_from("sar", "2026-02-20")).value();
  TransitionRequest dispatch = step("dispatch");
  auto r = f.service->transition(f.actor("carla"), c.id, dispatch);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::conflict);
  TransitionRequest bogus = step("teleport");
  CHECK(f.service->transition(f.actor("carla"), c.id, bogus).error().kind == ErrorKind::invalid_input);
  f.service->transition(f.actor("ian"), c.id, step("start_triage")).value();
  auto no_reason = f.service->transition(f.actor("ian"), c.id, step("reject"));
  REQUIRE_FALSE(no_reason);
  CHECK(no_reason.error().kind == ErrorKind::invalid_input);
  CHECK(f.service->get(f.actor("carla"), c.id).value().stage == "triage");
}

TEST_CASE("triage: reject with a reason, and the rejection letter carries it") {
  CaseFixture f;
  Case c = f.service->create(f.actor("ian"), letter_from("sar", "2026-02-20")).value();
  TriageRequest t = decide(TriageDecision::reject, "the request was made on behalf of someone else without their authority", "", "");
  auto r = f.service->triage(f.actor("ian"), c.reference, t).value();
  CHECK(r.updated.closed);
  CHECK(r.updated.outcome == "rejected");
  CHECK_FALSE(r.updated.on_time.has_value());
  auto h = f.service->history(f.actor("ian"), c.id).value();
  REQUIRE(h.size() == 3);  // create, start_triage, reject
  CHECK(h[2].reason == t.reason);
  std::string letter = f.service->letter(f.actor("ian"), c.id, "rejection").value();
  CHECK(letter.find(t.reason) != std::string::npos);
  CHECK(letter.find(c.reference) != std::string::npos);
  CHECK(letter.find("Dear Mrs Jane O'Neil") != std::string::npos);
}

TEST_CASE("triage: an FOI transfer closes the request, opens the linked transfer case, and writes the letter as PDF") {
  CaseFixture f;
  Case c = f.service->create(f.actor("ian"), letter_from("foi", "2026-02-20")).value();
  TriageRequest t = decide(TriageDecision::transfer, "the information is held by the Home Office", "Home Office FOI team", "");
  auto r = f.service->triage(f.actor("carla"), c.id, t).value();
  CHECK(r.updated.closed);
  CHECK(r.updated.outcome == "transferred");
  REQUIRE(r.created.has_value());
  CHECK(r.created->type == "foi-transfer");
  CHECK(r.created->reference.rfind("FOIT-2026-", 0) == 0);
  REQUIRE(r.updated.links.size() == 1);
  CHECK(r.updated.links[0].kind == "transferred_to");
  CHECK(r.updated.links[0].case_id == r.created->id);
  REQUIRE(r.created->links.size() == 1);
  CHECK(r.created->links[0].kind == "transferred_from");
  std::string letter = f.service->letter(f.actor("carla"), c.id, "transfer").value();
  CHECK(letter.find("Home Office FOI team") != std::string::npos);
  std::string pdf = text_to_pdf(letter, "transfer");
  CHECK(pdf.rfind("%PDF-1.4", 0) == 0);
  if (redbox::test::have_program("pdftotext")) {
    auto tmp = redbox::test::temp_dir();
    write_file_atomic(tmp.path() / "l.pdf", pdf).throw_if_error();
    auto out = redbox::test::run_process("pdftotext", {(tmp.path() / "l.pdf").string(), "-"});
    REQUIRE(out.exit_code == 0);
    CHECK(out.out.find(c.reference) != std::string::npos);
    CHECK(out.out.find("Home Office FOI team") != std::string::npos);
  }
  // MP correspondence transfers close without a new case but keep where it went.
  Case b = f.service->create(f.actor("ian"), letter_from("mp-official", "2026-02-20")).value();
  auto rb = f.service->triage(f.actor("ian"), b.id, decide(TriageDecision::transfer, "a devolved matter", "Scottish Government", "")).value();
  CHECK(rb.updated.outcome == "transferred");
  CHECK_FALSE(rb.created.has_value());
  CHECK(rb.updated.metadata["transfer_to"] == "Scottish Government");
  // Transfer is not a step every type has.
  Case s = f.service->create(f.actor("ian"), letter_from("sar", "2026-02-20")).value();
  CHECK(f.service->triage(f.actor("ian"), s.id, decide(TriageDecision::transfer, "x", "y", "")).error().kind == ErrorKind::conflict);
}

TEST_CASE("clarification stops a SAR's clock and the reply resumes it, FOI restarts the count") {
  CaseFixture f("2026-01-05");
  Case c = f.service->create(f.actor("ian"), letter_from("sar", "2026-01-05")).value();
  CHECK(format_date(c.due) == "2026-02-05");
  f.set_today("2026-01-09");
  auto paused = f.service->triage(f.actor("ian"), c.id, decide(TriageDecision::clarify, "which years of records do you want?", "", "")).value();
  CHECK(paused.updated.stage == "clarification");
  REQUIRE(paused.updated.paused_since.has_value());
  CHECK(format_date(*paused.updated.paused_since) == "2026-01-09");
  CHECK(paused.updated.holder == "requester");
  f.set_today("2026-01-19");
  auto resumed = f.service->clarification_received(f.actor("ian"), c.id, std::nullopt, {}).value();
  CHECK(resumed.updated.stage == "triage");
  CHECK_FALSE(resumed.updated.paused_since.has_value());
  REQUIRE(resumed.updated.clock_stops.size() == 1);
  // Ten days stopped (10th to 19th January): 5 February + 10 days = Sunday 15 February ->
  // Monday 16 February.
  CHECK(format_date(resumed.updated.due) == "2026-02-16");
  auto h = f.service->history(f.actor("ian"), c.id).value();
  CHECK(h.back().details["old_due"] == "2026-02-05");
  CHECK(h.back().details["new_due"] == "2026-02-16");

  Case foi = f.service->create(f.actor("ian"), letter_from("foi", "2026-01-19")).value();
  f.service->triage(f.actor("ian"), foi.id, decide(TriageDecision::clarify, "", "", "")).value();
  f.set_today("2026-02-02");
  auto r = f.service->clarification_received(f.actor("ian"), foi.id, day("2026-01-30"), {}).value();
  WorkingDays uk(HolidayCalendar::built_in(), DivisionSet::uk());
  CHECK(r.updated.due == uk.add_working_days(day("2026-01-30"), 20));
}

TEST_CASE("a case left awaiting clarification lapses, and the same requester's next letter is linked to it") {
  CaseFixture f("2026-01-05");
  Case c = f.service->create(f.actor("ian"), letter_from("sar", "2026-01-05")).value();
  f.service->triage(f.actor("ian"), c.id, decide(TriageDecision::clarify, "which records?", "", "")).value();
  f.set_today("2026-02-20");
  CHECK(f.service->close_lapsed(f.actor("carla"), 60).value().closed.empty());
  f.set_today("2026-03-07");
  // Intake may not close lapsed cases (the type allows caseworkers only): nothing happens.
  CHECK(f.service->close_lapsed(f.actor("ian"), 60).error().kind == ErrorKind::forbidden);
  auto lapsed = f.service->close_lapsed(f.actor("carla"), 60).value();
  REQUIRE(lapsed.closed == std::vector<std::string>{c.reference});
  Case closed = f.service->get(f.actor("carla"), c.id).value();
  CHECK(closed.outcome == "lapsed");
  NewCase again = letter_from("sar", "2026-03-07");
  again.requester = {"jane oneil", "12 High Street, Leeds, LS14AB", "", ""};
  Case next = f.service->create(f.actor("ian"), again).value();
  REQUIRE(next.links.size() == 1);
  CHECK(next.links[0].kind == "follow_up_of");
  CHECK(next.links[0].case_id == c.id);
  auto matches = f.service->same_requester(f.actor("carla"), again.requester, next.id).value();
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].matched_on == std::vector<std::string>{"name+postcode", "address+postcode"});
  // Someone else at another postcode is not matched.
  CHECK(f.service->same_requester(f.actor("carla"), {"Jane O'Neil", "1 Low Rd, York YO1 7HH", "", ""}).value().empty());
}

TEST_CASE("complaint escalation opens the next stage as a linked case, up to stage 3") {
  CaseFixture f;
  Case c1 = f.service->create(f.actor("ian"), letter_from("complaint-1", "2026-02-20")).value();
  CHECK(f.service->escalate(f.actor("ian"), c1.id, "unhappy").error().kind == ErrorKind::conflict);  // not closed yet
  for (const char* t : {"start_triage", "accept", "allocate"}) f.service->transition(f.actor("carla"), c1.id, step(t)).value();
  f.service->sign_off(f.actor("carla"), c1.id, "draft ready", "").value();                      // owner -> QA
  f.service->take_from_pool(f.actor("rita"), c1.id).value();
  f.service->sign_off(f.actor("rita"), c1.id, "QA passed", "").value();                          // QA -> clearance
  f.service->take_from_pool(f.actor("tess"), c1.id).value();
  f.service->sign_off(f.actor("tess"), c1.id, "", "").value();                                   // team leader
  f.service->transition(f.actor("ian"), c1.id, step("dispatch")).value();
  auto e = f.service->escalate(f.actor("ian"), c1.id, "the complainant is not satisfied with the reply").value();
  REQUIRE(e.created.has_value());
  CHECK(e.created->type == "complaint-2");
  CHECK(e.created->requester.name == "Mrs Jane O'Neil");
  CHECK(e.created->links[0].kind == "escalated_from");
  CHECK(e.updated.links.back().kind == "escalated_to");
  CHECK(e.updated.closed);
  Case c2 = *e.created;
  TriageRequest reject = decide(TriageDecision::reject, "outside the complaints procedure", "", "");
  f.service->triage(f.actor("ian"), c2.id, reject).value();
  auto e3 = f.service->escalate(f.actor("carla"), c2.id, "asks for review").value();
  REQUIRE(e3.created.has_value());
  CHECK(e3.created->type == "complaint-3");
  f.service->triage(f.actor("ian"), e3.created->id, reject).value();
  CHECK(f.service->escalate(f.actor("carla"), e3.created->id, "again").error().kind == ErrorKind::conflict);
}

TEST_CASE("sign-off chain with return for corrections, M cases go to Private Office for the Minister") {
  CaseFixture f;
  Case m = f.service->create(f.actor("ian"), letter_from("mp-private-office", "2026-02-20")).value();
  CHECK(m.reference == "M2026/00001");
  f.service->triage(f.actor("ian"), m.id, decide(TriageDecision::accept, "", "", "")).value();
  f.service->allocate(f.actor("carla"), m.id, "colin").value();
  // The contributor now holds it and may see it and submit the draft.
  CHECK(f.service->get(f.actor("colin"), m.id).value().holder == "colin");
  f.service->sign_off(f.actor("colin"), m.id, "", "rita").value();
  CHECK(f.service->get(f.actor("colin"), m.id).value().holder == "rita");
  auto back = f.service->return_for_corrections(f.actor("rita"), m.id, "paragraph 2 quotes the wrong figure").value();
  CHECK(back.updated.stage == "draft");
  CHECK(back.updated.holder == "colin");  // back to the owner
  f.service->sign_off(f.actor("colin"), m.id, "corrected", "").value();
  f.service->take_from_pool(f.actor("rita"), m.id).value();
  f.service->sign_off(f.actor("rita"), m.id, "", "tess").value();  // names the team leader who signs off
  auto cleared = f.service->sign_off(f.actor("tess"), m.id, "", "").value();
  CHECK(cleared.updated.stage == "private_office");
  CHECK(cleared.updated.holder == "role:private_office");
  // A team leader cannot sign for the Minister; Private Office records the signature.
  CHECK(f.service->sign_off(f.actor("tess"), m.id, "", "").error().kind == ErrorKind::forbidden);
  f.service->take_from_pool(f.actor("paul"), m.id).value();
  auto returned = f.service->return_for_corrections(f.actor("paul"), m.id, "the Minister wants a warmer tone").value();
  CHECK(returned.updated.stage == "draft");
  f.service->sign_off(f.actor("colin"), m.id, "", "rita").value();
  f.service->sign_off(f.actor("rita"), m.id, "", "tess").value();
  f.service->sign_off(f.actor("tess"), m.id, "", "paul").value();
  auto signed_ = f.service->sign_off(f.actor("paul"), m.id, "signed", "").value();
  CHECK(signed_.updated.stage == "dispatch");
  auto h = f.service->history(f.actor("carla"), m.id).value();
  std::vector<std::string> reasons;
  for (const auto& e : h) {
    if (!e.reason.empty()) reasons.push_back(e.reason);
  }
  CHECK(reasons == std::vector<std::string>{"paragraph 2 quotes the wrong figure", "the Minister wants a warmer tone"});
}

TEST_CASE("roles: contributors see only their cases, reviewers what they clear, refusals are audited") {
  CaseFixture f;
  Case a = f.service->create(f.actor("ian"), letter_from("foi", "2026-02-20")).value();
  Case b = f.service->create(f.actor("ian"), letter_from("foi", "2026-02-20")).value();
  std::int64_t before = refusals(f);
  auto denied = f.service->get(f.actor("colin"), a.id);
  REQUIRE_FALSE(denied);
  CHECK(denied.error().kind == ErrorKind::forbidden);
  CHECK(f.service->history(f.actor("rita"), a.id).error().kind == ErrorKind::forbidden);
  CHECK(refusals(f) == before + 2);
  CHECK(f.service->list(f.actor("colin"), {}).value().cases.empty());
  CHECK(f.service->list(f.actor("carla"), {}).value().cases.size() == 2);
  // Contributors and reviewers cannot log or triage.
  CHECK(f.service->create(f.actor("colin"), letter_from("foi", "2026-02-20")).error().kind == ErrorKind::forbidden);
  CHECK(f.service->triage(f.actor("rita"), a.id, decide(TriageDecision::accept, "", "", "")).error().kind == ErrorKind::forbidden);
  // Intake may triage but not allocate.
  f.service->triage(f.actor("ian"), a.id, decide(TriageDecision::accept, "", "", "")).value();
  CHECK(f.service->transition(f.actor("ian"), a.id, step("allocate")).error().kind == ErrorKind::forbidden);
  f.service->request_contribution(f.actor("carla"), a.id, "colin", "figures for 2025").value();
  auto colin_sees = f.service->list(f.actor("colin"), {}).value();
  REQUIRE(colin_sees.cases.size() == 1);
  CHECK(colin_sees.cases[0].id == a.id);
  CHECK(f.service->get(f.actor("colin"), b.id).error().kind == ErrorKind::forbidden);
  // The reviewer sees a case once it waits for QA (held by the reviewers' pool).
  f.service->allocate(f.actor("carla"), a.id, "carla").value();
  CHECK(f.service->get(f.actor("rita"), a.id).error().kind == ErrorKind::forbidden);
  f.service->sign_off(f.actor("carla"), a.id, "", "").value();
  CHECK(f.service->get(f.actor("rita"), a.id).value().stage == "qa");
  // A caseworker may not pass QA; a reviewer may, once asked or having taken it from the pool.
  CHECK(f.service->sign_off(f.actor("carla"), a.id, "", "").error().kind == ErrorKind::forbidden);
  f.service->take_from_pool(f.actor("rita"), a.id).value();
  f.service->sign_off(f.actor("rita"), a.id, "", "").value();
  // Only admins grant roles.
  CHECK(f.service->grant_role(f.actor("carla"), "carla", Role::team_leader).error().kind == ErrorKind::forbidden);
  CHECK(refusals(f) >= before + 9);
}

TEST_CASE("a newly announced bank holiday moves the deadlines of open cases") {
  CaseFixture f("2026-06-01");
  Case open = f.service->create(f.actor("ian"), letter_from("mp-official", "2026-06-01")).value();
  Case done = f.service->create(f.actor("ian"), letter_from("mp-official", "2026-06-01")).value();
  f.service->triage(f.actor("ian"), done.id, decide(TriageDecision::reject, "duplicate", "", "")).value();
  WorkingDays ew(HolidayCalendar::built_in(), Division::england_and_wales);
  CHECK(open.due == ew.add_working_days(day("2026-06-01"), 20));
  CHECK(f.service->recompute_deadlines(f.actor("carla")).value().empty());  // same calendar: nothing moves

  HolidayCalendar announced = HolidayCalendar::built_in();
  announced.add(Division::england_and_wales, {day("2026-06-12"), "Special bank holiday", "", true}).throw_if_error();
  CaseService after(*f.store->catalog, f.types, announced, f.clock);
  auto moved = after.recompute_deadlines(f.actor("carla")).value();
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].case_id == open.id);
  CHECK(moved[0].new_due == ew.next_working_day(moved[0].old_due));
  Case reloaded = after.get(f.actor("carla"), open.id).value();
  bool explained = false;
  for (const auto& line : reloaded.deadline["explanation"]) explained = explained || line.get<std::string>().find("Special bank holiday") != std::string::npos;
  CHECK(explained);
  CHECK(f.service->recompute_deadlines(f.actor("colin")).error().kind == ErrorKind::forbidden);
}

TEST_CASE("cases link documents from the store and refuse unknown ones") {
  CaseFixture f;
  auto tmp = redbox::test::temp_dir();
  write_file_atomic(tmp.path() / "letter.txt", "Dear Sir, please send me my records.").throw_if_error();
  auto doc = storage::add_file(*f.store, tmp.path() / "letter.txt", {}, "ian").value();
  NewCase n = letter_from("sar", "2026-02-20");
  n.documents = {doc.id};
  Case c = f.service->create(f.actor("ian"), n).value();
  REQUIRE(c.documents.size() == 1);
  CHECK(c.documents[0].document_id == doc.id);
  n.documents = {"doc_01NOTAREALDOCUMENT000000"};
  CHECK(f.service->create(f.actor("ian"), n).error().kind == ErrorKind::not_found);
  CHECK(f.service->link_document(f.actor("carla"), c.id, doc.id, "letter").error().kind == ErrorKind::conflict);
}

TEST_CASE("listing a team's open cases by deadline pages with a cursor") {
  CaseFixture f;
  for (int i = 0; i < 7; ++i) {
    NewCase n = letter_from("mp-official", "2026-02-20");
    n.received = add_days(day("2026-02-20"), -i);
    n.team = i % 2 == 0 ? "Health" : "Transport";
    f.service->create(f.actor("ian"), n).value();
  }
  CaseFilter filter;
  filter.team = "Health";
  filter.limit = 3;
  auto p1 = f.service->list(f.actor("carla"), filter).value();
  REQUIRE(p1.cases.size() == 3);
  REQUIRE(p1.next_cursor);
  filter.cursor = p1.next_cursor;
  auto p2 = f.service->list(f.actor("carla"), filter).value();
  REQUIRE(p2.cases.size() == 1);
  CHECK_FALSE(p2.next_cursor);
  std::vector<Date> dues;
  for (const auto& c : p1.cases) dues.push_back(c.due);
  dues.push_back(p2.cases[0].due);
  CHECK(std::is_sorted(dues.begin(), dues.end()));
  for (const auto& c : p1.cases) CHECK(c.team == "Health");
}
