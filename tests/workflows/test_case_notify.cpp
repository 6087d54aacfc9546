// Notifications: content, urgency, working hours, digest, and a real SMTP exchange with a local
// server started by the test (Python's standard-library smtpd, Python 3.11).
#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <httplib.h>

#include "case_fixture.h"
#include "workflows/notify.h"
#include "workflows/notify_dispatch.h"

extern char** environ;

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::day;

namespace {

constexpr const char* kServer = R"py(
import os, sys, warnings
warnings.simplefilter("ignore")
import asyncore, smtpd
out = sys.argv[1]
class Capture(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        n = len([f for f in os.listdir(out) if f.endswith(".eml")])
        with open(os.path.join(out, "%03d.tmp" % n), "wb") as f:
            f.write(("RCPT: %s\n" % ",".join(rcpttos)).encode() + data)
        os.rename(os.path.join(out, "%03d.tmp" % n), os.path.join(out, "%03d.eml" % n))
server = Capture(("127.0.0.1", 0), None, decode_data=False)
with open(os.path.join(out, "port.tmp"), "w") as f:
    f.write(str(server.socket.getsockname()[1]))
os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
asyncore.loop(timeout=0.2)
)py";

struct SmtpServer {
  explicit SmtpServer(const std::filesystem::path& dir) : out(dir) {
    std::string script = kServer;
    std::string outdir = out.string();
    const char* argv[] = {"python3", "-c", script.c_str(), outdir.c_str(), nullptr};
    if (posix_spawnp(&pid, "python3", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) pid = -1;
    for (int i = 0; i < 200 && pid > 0 && !std::filesystem::exists(out / "port"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(out / "port")) port = std::stoi(read_file(out / "port").value());
  }
  ~SmtpServer() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
  std::vector<std::string> messages(std::size_t expected) const {
    std::vector<std::string> out_messages;
    for (int i = 0; i < 100; ++i) {
      out_messages.clear();
      for (std::size_t k = 0; k < expected; ++k) {
        char name[16];
        std::snprintf(name, sizeof name, "%03zu.eml", k);
        if (std::filesystem::exists(out / name)) out_messages.push_back(read_file(out / name).value());
      }
      if (out_messages.size() == expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return out_messages;
  }
  std::filesystem::path out;
  pid_t pid = -1;
  int port = 0;
};

}  // namespace

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

  if (!test::have_program("python3")) return;
  auto dir = test::temp_dir();
  SmtpServer server(dir.path());
  REQUIRE(server.port > 0);
  SmtpSettings smtp;
  smtp.port = server.port;
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

  if (!test::have_program("python3")) return;
  auto dir = test::temp_dir();
  SmtpServer server(dir.path());
  REQUIRE(server.port > 0);
  SmtpSettings smtp;
  smtp.port = server.port;
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

TEST_CASE("webhook notifications post the payload as JSON; failures are io errors") {
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
