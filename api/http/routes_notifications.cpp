// /api/v1/notifications: the HTTP side of `redbox case notify` (workflows/notify_dispatch.h).
//
//   POST /api/v1/notifications/run        {"dry_run": false} -> sends what is due now (events,
//                                          daily reminders, chases and escalations) inside working
//                                          hours; outside them {"deferred": true, "deliver_at"}
//   GET  /api/v1/notifications?state=pending   what a run would send, whatever the hour
//   GET  /api/v1/notifications?state=sent[&case=ID&limit=N&before=SEQ]   the log, newest first
//   GET  /api/v1/cases/{id}/notifications  a case's sent notifications and where chasing stands
//
// Running and listing across cases: notification.run / notification.read (admin, caseworker).
// A case's own list: case.read plus CaseService visibility (refusals audited as case.refused).
// Every run and every listing is audited (notification.sent / notification.dry_run /
// notification.view): messages name cases and staff addresses.
#include <charconv>

#include "api/http/case_env.h"
#include "api/http/routes.h"
#include "workflows/notify_dispatch.h"

namespace redbox::api {

namespace {

using namespace redbox::workflows;

nlohmann::json report_json(const DispatchReport& r) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& n : r.messages) {
    messages.push_back({{"to", n.recipient}, {"subject", n.subject}, {"event", n.event}, {"urgency", n.urgency}, {"payload", n.payload}});
  }
  nlohmann::json j = {{"deferred", r.deferred}, {"messages", messages}, {"no_address", r.no_address},
                      {"chases", r.chases},     {"escalations", r.escalations}};
  if (r.deferred) j["deliver_at"] = format_utc(r.deliver_at);
  return j;
}

void audit(RequestContext& ctx, const std::string& action, nlohmann::json details) {
  storage::AuditEvent e;
  e.actor = ctx.user.name;
  e.action = action;
  e.object = "notifications";
  details["via"] = "http";
  e.details = std::move(details);
  ctx.store().catalog->record(e).throw_if_error();
}

std::size_t number_param(RequestContext& ctx, const char* name, std::size_t fallback, std::size_t max) {
  const std::optional<std::string> text = ctx.query(name);
  if (!text) return fallback;
  const char* begin = text->data();
  const char* end = begin + text->size();
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || ptr != end || n < 1 || n > max) {
    fail(Error::invalid_input(std::string(name) + " must be a whole number from 1 to " + std::to_string(max)));
  }
  return n;
}

void run_notifications(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  bool dry_run = false;
  for (const auto& [key, value] : body.items()) {
    if (key != "dry_run") fail(Error::invalid_input("unknown field \"" + key + "\" (expected dry_run)"));
    if (!value.is_boolean()) fail(Error::invalid_input("'dry_run' must be true or false"));
    dry_run = value.get<bool>();
  }
  const auto& env = case_environment(ctx.store());
  auto settings = NotificationSettings::from_config(ctx.store().config.raw).value();
  DispatchOptions options;
  options.send = !dry_run;
  options.actor = ctx.user.name;
  auto report = dispatch_notifications(*ctx.store().catalog, env.types, env.calendar, settings, SystemClock::instance().now(), options)
                    .value();
  // A run that sends is audited by the dispatcher (notification.sent, with the counts, also when
  // there was nothing to send: it records the progress); a dry or deferred run is recorded here.
  if (dry_run || report.deferred) {
    audit(ctx, dry_run ? "notification.dry_run" : "notification.run",
          {{"messages", report.messages.size()}, {"deferred", report.deferred}});
  }
  ctx.send_json(200, report_json(report));
}

void list_notifications(RequestContext& ctx) {
  std::string state = ctx.query("state").value_or("pending");
  if (state == "pending") {
    const auto& env = case_environment(ctx.store());
    auto settings = NotificationSettings::from_config(ctx.store().config.raw).value();
    DispatchOptions options;
    options.send = false;
    options.ignore_working_hours = true;
    auto report =
        dispatch_notifications(*ctx.store().catalog, env.types, env.calendar, settings, SystemClock::instance().now(), options).value();
    audit(ctx, "notification.view", {{"state", "pending"}, {"messages", report.messages.size()}});
    nlohmann::json j = report_json(report);
    j["state"] = "pending";
    j["deliver_at"] = format_utc(next_delivery_time(SystemClock::instance().now(), settings.hours, env.calendar));
    ctx.send_json(200, j);
    return;
  }
  if (state != "sent") fail(Error::invalid_input("state must be pending or sent"));
  std::optional<std::int64_t> before;
  if (ctx.query("before")) before = static_cast<std::int64_t>(number_param(ctx, "before", 1, std::size_t{1} << 62));
  std::string case_id;
  if (auto c = ctx.query("case")) {
    // A reference is accepted too: resolve it (and check it exists) through the case service.
    case_id = case_service(ctx.store()).get(case_actor(ctx), *c).value().id;
  }
  auto rows = sent_notifications(*ctx.store().catalog, case_id, number_param(ctx, "limit", 100, 1000), before).value();
  audit(ctx, "notification.view", {{"state", "sent"}, {"rows", rows.size()}});
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rows) j.push_back(r.to_json());
  ctx.send_json(200, {{"state", "sent"}, {"notifications", j}, {"next_before", rows.empty() ? nlohmann::json(nullptr) : nlohmann::json(rows.back().num)}});
}

void case_notifications(RequestContext& ctx) {
  auto svc = case_service(ctx.store());
  Case c = svc.get(case_actor(ctx), ctx.path_param("id")).value();  // visibility, audited refusal
  const auto& env = case_environment(ctx.store());
  auto rows = sent_notifications(*ctx.store().catalog, c.id, 1000).value();
  auto chase = case_chase_status(*ctx.store().catalog, env.types, env.calendar, c.id).value();
  nlohmann::json sent = nlohmann::json::array();
  for (const auto& r : rows) sent.push_back(r.to_json());
  ctx.send_json(200, {{"case", c.id}, {"reference", c.reference}, {"sent", sent}, {"chase", chase ? chase->to_json() : nlohmann::json(nullptr)}});
}

}  // namespace

void add_notification_routes(Router& router) {
  router.post("/api/v1/notifications/run", Action::notification_run, run_notifications);
  router.get("/api/v1/notifications", Action::notification_read, list_notifications);
  router.get("/api/v1/cases/{id}/notifications", Action::case_read, case_notifications);
}

}  // namespace redbox::api
