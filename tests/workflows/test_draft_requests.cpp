// Contribution requests through their states, the notifications they drive (queued with the
// change, reminders, chases and escalation from the daily scan) and their delivery to a real
// webhook receiver.
#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

#include <httplib.h>

#include "draft_fixture.h"
#include "workflows/draft_notify.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::day;

namespace {

std::vector<std::string> events_for(const std::vector<DraftNotice>& notices, const std::string& recipient) {
  std::vector<std::string> out;
  for (const auto& n : notices) {
    if (n.recipient == recipient) out.push_back(n.event + (n.key.size() == 10 ? "@" + n.key : ""));
  }
  return out;
}

struct WebhookReceiver {
  WebhookReceiver() {
    server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      bodies.push_back(nlohmann::json::parse(req.body));
      res.status = 204;
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 200 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~WebhookReceiver() {
    server.stop();
    thread.join();
  }
  httplib::Server server;
  std::thread thread;
  std::mutex mutex;
  std::vector<nlohmann::json> bodies;
  int port = 0;
};

}  // namespace

TEST_CASE("contribution requests: requested, overdue, submitted, returned, accepted, with notifications", "[workflows][drafts]") {
  test::DraftFixture f;  // Monday 2 March 2026, 10:00
  const std::string ref = f.kase.reference;
  f.drafts.create(f.actor("carla"), ref, "").value();
  NewRequest r;
  r.contributor = "colin";
  r.fragment_title = "Figures";
  r.instructions = "Give the 2025 figures for the region.";
  r.due = day("2026-03-06");
  // Only the case owner (or a team leader / admin) asks; not another caseworker, not a contributor.
  CHECK(f.drafts.request_contribution(f.actor("colin"), ref, r).error().kind == ErrorKind::forbidden);
  NewRequest past = r;
  past.due = day("2026-02-27");
  CHECK(f.drafts.request_contribution(f.actor("carla"), ref, past).error().kind == ErrorKind::invalid_input);
  NewRequest nobody = r;
  nobody.contributor = "zaphod";
  CHECK(f.drafts.request_contribution(f.actor("carla"), ref, nobody).error().kind == ErrorKind::not_found);

  auto colin_req = f.drafts.request_contribution(f.actor("carla"), ref, r).value();
  CHECK(colin_req.state == RequestState::requested);
  CHECK(f.drafts.request_contribution(f.actor("carla"), ref, {"colin", "again", day("2026-03-06"), colin_req.fragment_id, ""}).error().kind ==
        ErrorKind::conflict);
  NewRequest ro = r;
  ro.contributor = "olive";
  ro.fragment_title = "Policy";
  ro.instructions = "Say where the review stands.";
  auto olive_req = f.drafts.request_contribution(f.actor("tess"), ref, ro).value();  // a team leader may ask too

  auto pending = pending_draft_notices(*f.store->catalog).value();
  CHECK(events_for(pending, "colin") == std::vector<std::string>{"contribution_requested"});
  CHECK(events_for(pending, "olive") == std::vector<std::string>{"contribution_requested"});

  // An empty fragment cannot be submitted; submitting is for the asked contributor only.
  CHECK(f.drafts.submit(f.actor("colin"), ref, colin_req.id, std::nullopt).error().kind == ErrorKind::conflict);
  CHECK(f.drafts.submit(f.actor("olive"), ref, colin_req.id, std::string("Mine.")).error().kind == ErrorKind::forbidden);
  CHECK(f.drafts.accept(f.actor("carla"), ref, colin_req.id, "").error().kind == ErrorKind::conflict);  // nothing submitted yet

  // Wednesday: due soon (2 working days left). Looking (a dry run) queues nothing.
  f.set_today("2026-03-04");
  const auto before = pending_draft_notices(*f.store->catalog).value().size();
  NotificationSettings dry_settings;
  dry_settings.addresses = {{"colin", "colin@dept.example"}, {"olive", "olive@dept.example"}};
  auto dry = dispatch_draft_notifications(*f.store->catalog, HolidayCalendar::built_in(), dry_settings,
                                          draft_chase_rule({}).value(), f.clock.now(), false)
                 .value();
  CHECK(dry.queued == 2);                        // due_soon for colin and olive, shown
  CHECK(dry.messages.size() == before + 2);      // with the notices already waiting
  CHECK(pending_draft_notices(*f.store->catalog).value().size() == before);  // and nothing queued
  CHECK(due_request_reminders(*f.store->catalog, HolidayCalendar::built_in(), f.drafts.today(), draft_chase_rule({}).value(), 2)
            .value()
            .size() == 2);
  CHECK(queue_request_reminders(*f.store->catalog, HolidayCalendar::built_in(), f.drafts.today(), draft_chase_rule({}).value(), 2).value() == 2);
  auto sub = f.drafts.submit(f.actor("colin"), ref, colin_req.id, std::string("In 2025 there were 120 cases.")).value();
  CHECK(sub.state == RequestState::submitted);
  // Submitted: colin may no longer change it until it is returned.
  CHECK(f.drafts.edit_fragment(f.actor("colin"), ref, colin_req.fragment_id, "In 2025 there were 121 cases.").error().kind ==
        ErrorKind::forbidden);
  // Only the owner returns, with a note.
  CHECK(f.drafts.return_request(f.actor("olive"), ref, colin_req.id, "no").error().kind == ErrorKind::forbidden);
  CHECK(f.drafts.return_request(f.actor("carla"), ref, colin_req.id, "").error().kind == ErrorKind::invalid_input);
  auto returned = f.drafts.return_request(f.actor("carla"), ref, colin_req.id, "Please split by trust.").value();
  CHECK(returned.state == RequestState::returned);
  CHECK(returned.note == "Please split by trust.");

  // Monday 9 March: past the due date. olive never answered; colin's returned request is overdue too.
  f.set_today("2026-03-09");
  auto list = f.drafts.requests(f.actor("carla"), ref).value();
  REQUIRE(list.size() == 2);
  CHECK(list[0].state == RequestState::overdue);
  CHECK(list[1].state == RequestState::overdue);
  queue_request_reminders(*f.store->catalog, HolidayCalendar::built_in(), f.drafts.today(), draft_chase_rule({}).value(), 2).value();
  // Friday 13 March: the second chase (Tue 10) and the escalation (+9 working days) to the owner.
  f.set_today("2026-03-13");
  queue_request_reminders(*f.store->catalog, HolidayCalendar::built_in(), f.drafts.today(), draft_chase_rule({}).value(), 2).value();
  pending = pending_draft_notices(*f.store->catalog).value();
  CHECK(events_for(pending, "olive") ==
        std::vector<std::string>{"contribution_requested", "due_soon", "overdue", "chase@2026-03-05", "chase@2026-03-10"});
  CHECK(events_for(pending, "colin") == std::vector<std::string>{"contribution_requested", "due_soon", "returned", "overdue",
                                                                  "chase@2026-03-05", "chase@2026-03-10"});
  CHECK(events_for(pending, "carla") == std::vector<std::string>{"contribution_submitted", "overdue", "escalated@2026-03-13"});
  CHECK(events_for(pending, "tess") == std::vector<std::string>{"overdue", "escalated@2026-03-13"});  // she asked olive
  // The scan is idempotent, and nothing due is left unqueued.
  CHECK(due_request_reminders(*f.store->catalog, HolidayCalendar::built_in(), f.drafts.today(), draft_chase_rule({}).value(), 2)
            .value()
            .empty());
  CHECK(queue_request_reminders(*f.store->catalog, HolidayCalendar::built_in(), f.drafts.today(), draft_chase_rule({}).value(), 2).value() == 0);

  // colin corrects and resubmits; carla accepts; then it is closed to edits.
  f.drafts.edit_fragment(f.actor("colin"), ref, colin_req.fragment_id, "In 2025 there were 120 cases: 70 in North Trust and 50 in South Trust.").value();
  f.drafts.submit(f.actor("colin"), ref, colin_req.id, std::nullopt).value();
  auto accepted = f.drafts.accept(f.actor("carla"), ref, colin_req.id, "Thanks").value();
  CHECK(accepted.state == RequestState::accepted);
  CHECK(f.drafts.accept(f.actor("carla"), ref, colin_req.id, "").error().kind == ErrorKind::conflict);
  CHECK(f.drafts.edit_fragment(f.actor("colin"), ref, colin_req.fragment_id, "x").error().kind == ErrorKind::forbidden);
  // He still sees his fragment (read-only).
  CHECK(f.drafts.get(f.actor("colin"), ref).value().fragments.size() == 1);

  // The message itself: case, fragment, instructions, due date, link.
  pending = pending_draft_notices(*f.store->catalog).value();
  auto first = draft_notification(*f.store->catalog, pending.front(), "colin@dept.example", "https://redbox.dept", f.drafts.today()).value();
  CHECK(first.subject == "Contribution requested: " + ref + " - Figures (due 2026-03-06)");
  CHECK(first.body.find("Give the 2025 figures for the region.") != std::string::npos);
  CHECK(first.body.find("https://redbox.dept/cases/" + ref + "/draft/fragments/" + colin_req.fragment_id) != std::string::npos);
  CHECK(first.payload["due"] == "2026-03-06");

  // Delivery to a webhook: everything with an address goes, and is marked sent (audited).
  WebhookReceiver hook;
  REQUIRE(hook.port > 0);
  NotificationSettings settings;
  settings.addresses = {{"colin", "colin@dept.example"}, {"carla", "carla@dept.example"}, {"tess", "tess@dept.example"}};
  settings.webhook_url = "http://127.0.0.1:" + std::to_string(hook.port) + "/hook";
  auto report = dispatch_draft_notifications(*f.store->catalog, HolidayCalendar::built_in(), settings, draft_chase_rule({}).value(),
                                             f.clock.now(), true).value();
  CHECK_FALSE(report.deferred);
  CHECK(report.no_address == std::vector<std::string>{"olive"});
  std::size_t to_colin_and_carla = events_for(pending, "colin").size() + events_for(pending, "carla").size() + events_for(pending, "tess").size();
  CHECK(report.messages.size() == to_colin_and_carla);
  {
    std::lock_guard lock(hook.mutex);
    REQUIRE(hook.bodies.size() == to_colin_and_carla);
    CHECK(hook.bodies[0]["reference"] == ref);
  }
  CHECK(events_for(pending_draft_notices(*f.store->catalog).value(), "colin").empty());
  CHECK(events_for(pending_draft_notices(*f.store->catalog).value(), "olive").size() == 5);  // kept until she has an address
  // Outside working hours nothing is sent.
  auto saturday = std::chrono::sys_days(day("2026-03-14")) + std::chrono::hours(10);
  CHECK(dispatch_draft_notifications(*f.store->catalog, HolidayCalendar::built_in(), settings, draft_chase_rule({}).value(), saturday, true)
            .value()
            .deferred);
  (void)olive_req;
}
