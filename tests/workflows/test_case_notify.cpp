// Notifications: content, urgency, working hours, digest, and a real SMTP exchange with a local
// server started by the test (aiosmtpd, tests/support/smtp_capture.h).
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include <httplib.h>

#include "case_fixture.h"
#include "support/smtp_capture.h"
#include "workflows/notify.h"
#include "workflows/notify_dispatch.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::day;
using redbox::test::SmtpCapture;

TEST_CASE("notifications: content and urgency, working hours, digest, delivered over SMTP") {
  test::CaseFixture f("2026-03-02");
  NewCase n;
  n.type = "pq";
  n.received = day("2026-03-02");
  n.named_day = day("2026-03-04");
  n.topic = "health/nhs";
  Case pq = f.service->create(f.actor("ian"), n).value();
  const CaseType& type = *f.types.get("pq").value();
  auto note = make_notification(pq, type, "allocated", "carla@dept.example", "https://redbox.example", f.clock.now(),
                                HolidayCalendar::built_in());
  CHECK(note.urgency == "urgent");  // named day in 2 working days
  CHECK(note.subject.find(pq.reference) != std::string::npos);
  for (const char* part : {"Case: ", "Type: Parliamentary Question", "Topic: health/nhs", "Urgency: urgent", "Deadline: 2026-03-04 12:00",
                           "Action needed: ", "Link: https://redbox.example/cases/"}) {
    CHECK(note.body.find(part) != std::string::npos);
  }
  f.set_today("2026-03-05");
  auto late = make_notification(pq, type, "overdue", "carla@dept.example", "https://redbox.example", f.clock.now(), HolidayCalendar::built_in());
  CHECK(late.urgency == "overdue");

  // Working hours: midnight waits for 09:00 (GMT in March, BST in June); Friday evening waits for Monday.
  WorkingHours hours;
  auto midnight = std::chrono::sys_days(day("2026-03-04")) + std::chrono::minutes(1);
  CHECK(format_utc(next_delivery_time(midnight, hours, HolidayCalendar::built_in())) == "2026-03-04T09:00:00.000Z");
  auto summer = std::chrono::sys_days(day("2026-06-03")) + std::chrono::hours(2);
  CHECK(format_utc(next_delivery_time(summer, hours, HolidayCalendar::built_in())) == "2026-06-03T08:00:00.000Z");
  auto friday_evening = std::chrono::sys_days(day("2026-03-06")) + std::chrono::hours(18);
  CHECK(format_utc(next_delivery_time(friday_evening, hours, HolidayCalendar::built_in())) == "2026-03-09T09:00:00.000Z");
  auto good_friday = std::chrono::sys_days(day("2026-04-03")) + std::chrono::hours(10);
  CHECK(format_utc(next_delivery_time(good_friday, hours, HolidayCalendar::built_in())) == "2026-04-07T08:00:00.000Z");  // Easter Monday too
  auto working = std::chrono::sys_days(day("2026-03-04")) + std::chrono::hours(11);
  CHECK(next_delivery_time(working, hours, HolidayCalendar::built_in()) == working);

  auto digest = make_digest({note, late}, "carla@dept.example", day("2026-03-05"));
  CHECK(digest.body.find("[overdue]") < digest.body.find("[urgent]"));

  auto dir = test::temp_dir();
  SmtpCapture server(dir.path());
  if (!server.available()) {
    WARN("SMTP part skipped: " << server.skip_reason());
    return;
  }
  SmtpSettings smtp;
  smtp.port = server.port();
  smtp.from = "redbox@dept.example";
  Notification dotted = note;
  dotted.body = ".leading dot line\n" + note.body;
  send_smtp(smtp, {dotted, digest}).throw_if_error();
  auto got = server.messages(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].find("RCPT: carla@dept.example") == 0);
  CHECK(got[0].find("Subject: [urgent] Case allocated to you: " + pq.reference) != std::string::npos);
  CHECK(got[0].find("Deadline: 2026-03-04 12:00") != std::string::npos);
  CHECK(got[0].find("\n.leading dot line") != std::string::npos);  // dot-stuffing undone by the server
  CHECK(got[1].find("Redbox daily digest 2026-03-05") != std::string::npos);
  // A server that is not there: an io error naming the step.
  smtp.port = 1;
  auto refused = send_smtp(smtp, {note});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::io);
}

TEST_CASE("notification dispatch: events and due reminders to the people who must act, in working hours, once") {
  test::CaseFixture f("2026-03-02");
  NewCase n;
  n.type = "mp-official";
  n.received = day("2026-02-02");  // due 2 March: due today
  n.team = "Health Policy";
  Case c = f.service->create(f.actor("ian"), n).value();
  TriageRequest accept;
  accept.decision = TriageDecision::accept;
  f.service->triage(f.actor("ian"), c.id, accept).value();
  f.service->allocate(f.actor("carla"), c.id, "colin").value();
  f.service->request_contribution(f.actor("carla"), c.id, "olive", "the 2025 figures").value();

  auto settings = NotificationSettings::from_config(nlohmann::json::parse(R"({"notifications": {
      "addresses": {"colin": "colin@dept.example", "olive": "olive@dept.example"},
      "base_url": "https://redbox.dept", "working_hours": {"start": "09:00", "end": "17:30"}}})")).value();
  // 07:00 on a working day: deferred to 09:00, nothing consumed.
  auto early = std::chrono::sys_days(day("2026-03-02")) + std::chrono::hours(7);
  auto deferred = dispatch_notifications(*f.store->catalog, f.types, HolidayCalendar::built_in(), settings, early, false).value();
  CHECK(deferred.deferred);
  CHECK(format_utc(deferred.deliver_at) == "2026-03-02T09:00:00.000Z");

  auto dry = dispatch_notifications(*f.store->catalog, f.types, HolidayCalendar::built_in(), settings, f.clock.now(), false).value();
  REQUIRE(dry.messages.size() == 3);  // colin: allocated + due today; olive: contribution requested
  std::map<std::string, int> per;
  for (const auto& m : dry.messages) per[m.recipient + " " + m.event]++;
  CHECK(per["colin@dept.example allocated"] == 1);
  CHECK(per["colin@dept.example due_soon"] == 1);
  CHECK(per["olive@dept.example contribution_requested"] == 1);
  CHECK(NotificationSettings::from_config(nlohmann::json::parse(R"({"notifications": {"working_hours": {"start": "9am"}}})")).error().kind ==
        ErrorKind::invalid_input);
  // Sending without SMTP settings is refused and consumes nothing.
  CHECK_FALSE(dispatch_notifications(*f.store->catalog, f.types, HolidayCalendar::built_in(), settings, f.clock.now(), true));

  auto dir = test::temp_dir();
  SmtpCapture server(dir.path());
  if (!server.available()) {
    WARN("SMTP part skipped: " << server.skip_reason());
    return;
  }
  SmtpSettings smtp;
  smtp.port = server.port();
  settings.smtp = smtp;
  settings.digest = true;
  auto sent = dispatch_notifications(*f.store->catalog, f.types, HolidayCalendar::built_in(), settings, f.clock.now(), true).value();
  REQUIRE(sent.messages.size() == 2);  // colin's two as one digest, olive's one
  auto got = server.messages(2);
  REQUIRE(got.size() == 2);
  std::string all = got[0] + got[1];
  CHECK(all.find("Redbox daily digest 2026-03-02: 2 item(s)") != std::string::npos);
  CHECK(all.find("Contribution requested: " + c.reference) != std::string::npos);
  CHECK(all.find("https://redbox.dept/cases/" + c.id) != std::string::npos);
  // Consumed: a second run the same day sends nothing.
  CHECK(dispatch_notifications(*f.store->catalog, f.types, HolidayCalendar::built_in(), settings, f.clock.now(), true).value().messages.empty());
}

TEST_CASE("webhook notifications post the payload as JSON, failures are io errors") {
  test::CaseFixture f("2026-03-02");
  NewCase n;
  n.type = "foi";
  n.received = day("2026-03-02");
  n.topic = "transport";
  Case c = f.service->create(f.actor("ian"), n).value();
  auto note = make_notification(c, *f.types.get("foi").value(), "escalated", "team@dept.example", "https://redbox.dept", f.clock.now(),
                                HolidayCalendar::built_in());
  httplib::Server server;
  std::string received;
  std::mutex m;
  server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m);
    received = req.body;
    res.status = 204;
  });
  int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { server.listen_after_bind(); });
  post_webhook("http://127.0.0.1:" + std::to_string(port) + "/hook", note).throw_if_error();
  auto bad = post_webhook("http://127.0.0.1:" + std::to_string(port) + "/missing", note);
  server.stop();
  t.join();
  auto j = nlohmann::json::parse(received);
  CHECK(j["reference"] == c.reference);
  CHECK(j["event"] == "escalated");
  CHECK(j["topic"] == "transport");
  CHECK(j["deadline"] == format_date(c.due));
  CHECK(j["link"] == "https://redbox.dept/cases/" + c.id);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::io);
  CHECK(post_webhook("ftp://x/y", note).error().kind == ErrorKind::invalid_input);
}
