// Chasing: reminders to whoever holds a case's action every N working days, an escalation after
// the last one goes unanswered, each step sent once (recorded), delivered over real SMTP.
#include <catch2/catch.hpp>

#include "case_fixture.h"
#include "support/smtp_capture.h"
#include "workflows/chasing.h"
#include "workflows/notify_dispatch.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::day;

namespace {

TimePoint at(const char* iso_day, int hour_utc) { return std::chrono::sys_days(day(iso_day)) + std::chrono::hours(hour_utc); }

}  // namespace

TEST_CASE("next_chase_step: every N working days from the request, then from each reminder sent") {
  const HolidayCalendar& cal = HolidayCalendar::built_in();
  WorkingDays wd(cal, DivisionSet(Division::england_and_wales));
  ChaseRule rule{4, 2};
  Date since = day("2026-03-02");  // a Monday
  auto first = next_chase_step(rule, since, {}, wd);
  REQUIRE(first);
  CHECK(first->step == 1);
  CHECK(first->kind == ChaseKind::chase);
  CHECK(format_date(first->due) == "2026-03-06");
  // Sent on time, the steps are plan_chases()'s dates.
  ChasePlan plan = plan_chases(rule, since, wd);
  auto second = next_chase_step(rule, since, {{1, plan.chases[0]}}, wd);
  REQUIRE(second);
  CHECK(second->due == plan.chases[1]);
  auto escalation = next_chase_step(rule, since, {{1, plan.chases[0]}, {2, plan.chases[1]}}, wd);
  REQUIRE(escalation);
  CHECK(escalation->kind == ChaseKind::escalation);
  CHECK(escalation->step == 3);
  CHECK(escalation->chases_sent == 2);
  CHECK(escalation->due == plan.escalation);
  CHECK(format_date(plan.escalation) == "2026-03-18");
  CHECK_FALSE(next_chase_step(rule, since, {{1, plan.chases[0]}, {2, plan.chases[1]}, {3, plan.escalation}}, wd));
  // A reminder sent late (the dispatcher did not run): the next one counts from when it went.
  CHECK(format_date(next_chase_step(rule, since, {{1, day("2026-03-10")}}, wd)->due) == "2026-03-16");
  // Over Easter 2026 (Good Friday 3 April, Easter Monday 6 April) the bank holidays do not count.
  CHECK(format_date(next_chase_step(rule, day("2026-03-30"), {}, wd)->due) == "2026-04-07");
  // No chases before escalation: escalate straight after N working days.
  auto direct = next_chase_step(ChaseRule{3, 0}, since, {}, wd);
  REQUIRE(direct);
  CHECK(direct->kind == ChaseKind::escalation);
  CHECK(format_date(direct->due) == "2026-03-05");
}

TEST_CASE("chase items: the holder's action, escalation to the owner and the team leader") {
  test::CaseFixture f("2026-03-02");
  NewCase n;
  n.type = "mp-official";
  n.received = day("2026-03-02");
  n.team = "Health Policy";
  n.topic = "health/nhs";
  Case c = f.service->create(f.actor("ian"), n).value();
  TriageRequest accept;
  accept.decision = TriageDecision::accept;
  f.service->triage(f.actor("ian"), c.id, accept).value();
  f.service->allocate(f.actor("carla"), c.id, "carla").value();
  f.service->accept_allocation(f.actor("carla"), c.id).value();
  f.service->sign_off(f.actor("carla"), c.id, "", "rita").value();
  std::vector<ChaseItem> items;
  f.store->catalog->read([&](sql::Database& db) { items = case_chase_items(db, f.types, c.id); }).throw_if_error();
  REQUIRE(items.size() == 1);
  CHECK(items[0].who == "rita");
  CHECK(items[0].what == "quality-assure the draft (QA)");
  CHECK(format_date(items[0].since) == "2026-03-02");
  CHECK(items[0].escalate_to == std::vector<std::string>{"carla", "team_leader:Health Policy"});
  CHECK(items[0].rule.every_working_days == 4);
  // Awaiting the requester (clarification) is not chased; nor are closed cases.
  NewCase s;
  s.type = "sar";
  s.received = day("2026-03-02");
  Case sar = f.service->create(f.actor("ian"), s).value();
  TriageRequest clarify;
  clarify.decision = TriageDecision::clarify;
  clarify.reason = "which records?";
  f.service->triage(f.actor("ian"), sar.id, clarify).value();
  f.store->catalog->read([&](sql::Database& db) { items = case_chase_items(db, f.types, sar.id); }).throw_if_error();
  CHECK(items.empty());
}

TEST_CASE("chases and escalation go out on the right working days, once each, with the case's details, over SMTP") {
  test::CaseFixture f("2026-03-02");
  NewCase n;
  n.type = "mp-official";
  n.received = day("2026-03-02");
  n.team = "Health Policy";
  n.topic = "health/nhs";
  Case c = f.service->create(f.actor("ian"), n).value();
  TriageRequest accept;
  accept.decision = TriageDecision::accept;
  f.service->triage(f.actor("ian"), c.id, accept).value();
  f.service->allocate(f.actor("carla"), c.id, "colin").value();  // colin must accept or decline

  auto dir = test::temp_dir();
  test::SmtpCapture server(dir.path());
  auto settings = NotificationSettings::from_config(nlohmann::json::parse(R"({"notifications": {
      "addresses": {"colin": "colin@dept.example", "team_leader:Health Policy": "tess@dept.example"},
      "base_url": "https://redbox.dept"}})")).value();
  const HolidayCalendar& cal = HolidayCalendar::built_in();
  auto preview = [&](const char* d) {
    DispatchOptions o;
    o.send = false;
    return dispatch_notifications(*f.store->catalog, f.types, cal, settings, at(d, 10), o).value();
  };
  // Nothing is due before the 4th working day; a preview records nothing.
  CHECK(preview("2026-03-05").chases == 0);
  auto due = preview("2026-03-06");
  CHECK(due.chases == 1);
  CHECK(preview("2026-03-06").chases == 1);  // still due: previews do not consume
  // At 06:00 on the day it is due, a run is deferred to 09:00 (working hours).
  auto early = dispatch_notifications(*f.store->catalog, f.types, cal, settings, at("2026-03-06", 6), true).value();
  CHECK(early.deferred);
  CHECK(format_utc(early.deliver_at) == "2026-03-06T09:00:00.000Z");
  CaseChaseStatus status = case_chase_status(*f.store->catalog, f.types, cal, c.id).value().value();
  CHECK(status.who == "colin");
  CHECK(format_date(status.next->due) == "2026-03-06");

  if (!server.available()) {
    WARN("SMTP part skipped: " << server.skip_reason());
    return;
  }
  SmtpSettings smtp;
  smtp.port = server.port();
  settings.smtp = smtp;
  auto run = [&](const char* d) { return dispatch_notifications(*f.store->catalog, f.types, cal, settings, at(d, 10), true).value(); };
  auto first = run("2026-03-02");  // the allocation itself
  CHECK(first.chases == 0);
  REQUIRE(first.messages.size() == 1);
  CHECK(first.messages[0].event == "allocated");

  auto chase1 = run("2026-03-06");
  REQUIRE(chase1.chases == 1);
  REQUIRE(chase1.messages.size() == 1);
  auto mails = server.messages(2);
  REQUIRE(mails.size() == 2);
  const std::string& m1 = mails[1];
  CHECK(m1.find("RCPT: colin@dept.example") == 0);
  CHECK(m1.find("Subject: [normal] Reminder 1 of 2: " + c.reference) != std::string::npos);
  for (const std::string& part : std::vector<std::string>{"you were asked on 2026-03-02 to accept or decline the allocation", "Type: MP correspondence: Official reply",
                           "Topic: health/nhs", "Urgency: normal", "Deadline: 2026-03-30", "Action needed: accept or decline the allocation",
                           "Link: https://redbox.dept/cases/" + c.id}) {
    CHECK(m1.find(part) != std::string::npos);
  }
  // Re-runs the same day and the next do not resend it.
  CHECK(run("2026-03-06").messages.empty());
  CHECK(run("2026-03-09").chases == 0);
  CHECK(server.count() == 2);

  CHECK(run("2026-03-11").chases == 0);
  auto chase2 = run("2026-03-12");
  CHECK(chase2.chases == 1);
  CHECK(run("2026-03-17").escalations == 0);
  auto esc = run("2026-03-18");
  CHECK(esc.escalations == 1);
  REQUIRE(esc.messages.size() == 1);  // colin is both owner and holder: the team leader only
  mails = server.messages(4);
  REQUIRE(mails.size() == 4);
  CHECK(mails[2].find("Reminder 2 of 2") != std::string::npos);
  const std::string& m4 = mails[3];
  CHECK(m4.find("RCPT: tess@dept.example") == 0);
  CHECK(m4.find("Subject: [normal] Escalation, no response from colin: " + c.reference) != std::string::npos);
  CHECK(m4.find("colin was asked on 2026-03-02 to accept or decline the allocation, and has not acted after 2 reminder(s)") !=
        std::string::npos);
  CHECK(m4.find("Topic: health/nhs") != std::string::npos);
  CHECK(m4.find("Deadline: 2026-03-30") != std::string::npos);
  // Escalated once; nothing more for this request.
  CHECK(run("2026-03-25").messages.empty());
  CHECK_FALSE(case_chase_status(*f.store->catalog, f.types, cal, c.id).value()->next.has_value());

  // Recorded: the three steps, and the log of what was sent.
  auto log = sent_notifications(*f.store->catalog, c.id, 100).value();
  REQUIRE(log.size() == 4);
  CHECK(log[0].event == "chase_escalation");
  CHECK(log[0].recipient == "tess@dept.example");
  CHECK(log[3].event == "allocated");
  int chase_rows = 0;
  f.store->catalog->read([&](sql::Database& db) {
    auto st = db.prepare("SELECT COUNT(*) FROM notification_chases WHERE case_id = ?");
    st.bind(1, c.id);
    st.step();
    chase_rows = static_cast<int>(st.int64(0));
  }).throw_if_error();
  CHECK(chase_rows == 3);

  // Colin accepts on 26 March: a new action ("draft the reply") is chased afresh from then.
  f.set_today("2026-03-26");
  f.service->accept_allocation(f.actor("colin"), c.id).value();
  auto fresh = case_chase_status(*f.store->catalog, f.types, cal, c.id).value().value();
  CHECK(fresh.what == "draft the reply");
  CHECK(fresh.sent.empty());
  CHECK(format_date(fresh.next->due) == "2026-04-01");
  CHECK(run("2026-04-01").chases == 1);
}

TEST_CASE("other chased items (a contribution request) plug into the dispatcher with their own link and escalation") {
  test::CaseFixture f("2026-03-02");
  NewCase n;
  n.type = "foi";
  n.received = day("2026-03-02");
  n.topic = "transport";
  Case c = f.service->create(f.actor("ian"), n).value();
  ChaseItem item;
  item.key = "contribution:" + c.id + ":1";
  item.case_id = c.id;
  item.who = "olive";
  item.what = "send the 2025 passenger figures";
  item.since = day("2026-03-02");
  item.link = "/cases/" + c.id + "/contributions/1";
  item.escalate_to = {"carla"};
  item.rule = ChaseRule{2, 1};
  item.divisions = DivisionSet::uk();
  auto settings = NotificationSettings::from_config(nlohmann::json::parse(R"({"notifications": {
      "addresses": {"olive": "olive@dept.example", "carla": "carla@dept.example"}, "base_url": "https://redbox.dept"}})")).value();
  DispatchOptions o;
  o.send = false;
  o.chase_sources.push_back([&](sql::Database&) { return std::vector<ChaseItem>{item}; });
  auto on = [&](const char* d) { return dispatch_notifications(*f.store->catalog, f.types, HolidayCalendar::built_in(), settings, at(d, 11), o).value(); };
  CHECK(on("2026-03-03").chases == 0);
  auto due = on("2026-03-04");
  REQUIRE(due.chases == 1);
  const Notification* chase = nullptr;
  for (const auto& m : due.messages) {
    if (m.event == "chase") chase = &m;
  }
  REQUIRE(chase != nullptr);
  CHECK(chase->recipient == "olive@dept.example");
  CHECK(chase->subject.find("Reminder 1 of 1: " + c.reference) != std::string::npos);
  CHECK(chase->body.find("you were asked on 2026-03-02 to send the 2025 passenger figures") != std::string::npos);
  CHECK(chase->body.find("Topic: transport") != std::string::npos);
  CHECK(chase->body.find("Link: https://redbox.dept/cases/" + c.id + "/contributions/1") != std::string::npos);
  CHECK(chase->payload["link"] == "https://redbox.dept/cases/" + c.id + "/contributions/1");
  CHECK(chase->payload["chase"]["item"] == item.key);
  // Without the first reminder recorded, the escalation is never reached early.
  CHECK(on("2026-03-09").escalations == 0);
}
