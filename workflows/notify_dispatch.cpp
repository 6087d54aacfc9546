#include "workflows/notify_dispatch.h"

#include <set>

#include "workflows/detail/case_rows.h"
#include "workflows/working_days.h"

namespace redbox::workflows {

namespace {

int parse_hhmm(const nlohmann::json& j, const char* what) {
  if (!j.is_string()) fail(Error::invalid_input(std::string("config.json: notifications.working_hours.") + what + ": expected \"HH:MM\""));
  std::string s = j.get<std::string>();
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) || !std::isdigit(static_cast<unsigned char>(s[1])) ||
      !std::isdigit(static_cast<unsigned char>(s[3])) || !std::isdigit(static_cast<unsigned char>(s[4]))) {
    fail(Error::invalid_input(std::string("config.json: notifications.working_hours.") + what + ": expected \"HH:MM\", not '" + s + "'"));
  }
  int h = std::stoi(s.substr(0, 2));
  int m = std::stoi(s.substr(3, 2));
  if (h > 23 || m > 59) fail(Error::invalid_input(std::string("config.json: notifications.working_hours.") + what + ": not a time of day"));
  return h * 60 + m;
}

struct Pending {
  std::string who;
  std::string event;
  std::string case_id;
};

}  // namespace

Result<NotificationSettings> NotificationSettings::from_config(const nlohmann::json& config) {
  return guard([&] {
    NotificationSettings s;
    if (!config.is_object() || !config.contains("notifications")) return s;
    const auto& n = config["notifications"];
    if (!n.is_object()) fail(Error::invalid_input("config.json: notifications: expected an object"));
    if (n.contains("addresses")) {
      for (const auto& [who, addr] : n["addresses"].items()) {
        if (!addr.is_string() || addr.get<std::string>().find('@') == std::string::npos) {
          fail(Error::invalid_input("config.json: notifications.addresses." + who + ": expected an e-mail address"));
        }
        s.addresses[who] = addr.get<std::string>();
      }
    }
    s.base_url = n.value("base_url", s.base_url);
    s.digest = n.value("digest", false);
    s.due_soon_working_days = n.value("due_soon_working_days", 2);
    if (n.contains("working_hours")) {
      const auto& wh = n["working_hours"];
      if (wh.contains("start")) s.hours.start_minutes = parse_hhmm(wh["start"], "start");
      if (wh.contains("end")) s.hours.end_minutes = parse_hhmm(wh["end"], "end");
      if (s.hours.end_minutes <= s.hours.start_minutes) fail(Error::invalid_input("config.json: notifications.working_hours: end must be after start"));
    }
    s.webhook_url = n.value("webhook", std::string());
    if (n.contains("smtp")) {
      const auto& m = n["smtp"];
      SmtpSettings smtp;
      smtp.host = m.value("host", smtp.host);
      smtp.port = m.value("port", smtp.port);
      smtp.from = m.value("from", smtp.from);
      if (smtp.port < 1 || smtp.port > 65535) fail(Error::invalid_input("config.json: notifications.smtp.port: 1 to 65535"));
      s.smtp = smtp;
    }
    return s;
  });
}

Result<DispatchReport> dispatch_notifications(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar,
                                              const NotificationSettings& settings, TimePoint now, bool send) {
  DispatchReport report;
  TimePoint at = next_delivery_time(now, settings.hours, calendar);
  if (at != now) {
    report.deferred = true;
    report.deliver_at = at;
    return report;
  }
  Date today = uk_local_time(now).date;
  std::int64_t last_event = 0;
  std::int64_t max_event = 0;
  bool daily = false;
  std::vector<Pending> pending;
  std::map<std::string, Case> cases;
  Status read = catalog.read([&](sql::Database& db) {
    auto state = db.prepare("SELECT last_event, last_daily FROM notification_state WHERE id = 1");
    if (!state.step()) fail(Error::corrupt("notification_state has no row"));
    last_event = state.int64(0);
    daily = state.text(1) != format_date(today);
    max_event = last_event;
    auto ev = db.prepare("SELECT num, case_id, action, details FROM case_events WHERE num > ? ORDER BY num LIMIT 10000");
    ev.bind(1, last_event);
    while (ev.step()) {
      max_event = ev.int64(0);
      std::string action = ev.text(2);
      auto details = nlohmann::json::parse(ev.text(3));
      std::string case_id = ev.text(1);
      if (action == "transition:allocate" || action == "allocation.reallocate") {
        pending.push_back({details.value(action == "transition:allocate" ? "assignee" : "to", std::string()), "allocated", case_id});
      } else if (action == "contribution.request") {
        pending.push_back({details.value("user", std::string()), "contribution_requested", case_id});
      } else if (action == "transition:return_to_draft" || action == "transition:minister_returned") {
        pending.push_back({"@owner", "returned", case_id});
      } else if (action == "transition:escalate") {
        pending.push_back({"@team", "escalated", case_id});
      }
    }
    if (daily) {
      WorkingDays wd(calendar, DivisionSet::uk());
      Date soon = wd.add_working_days(today, settings.due_soon_working_days);
      auto due = db.prepare("SELECT id, due FROM cases WHERE closed = 0 AND paused_since IS NULL AND due <= ? ORDER BY due, num LIMIT 10000");
      due.bind(1, format_date(soon));
      while (due.step()) {
        bool overdue = due.text(1) < format_date(today);
        pending.push_back({"@holder", overdue ? "overdue" : "due_soon", due.text(0)});
      }
    }
    for (const auto& p : pending) {
      if (!cases.count(p.case_id)) cases.emplace(p.case_id, detail::load_case(db, p.case_id));
    }
  });
  if (!read) return read.error();

  std::map<std::string, std::vector<Notification>> by_recipient;
  std::set<std::string> missing;
  for (const auto& p : pending) {
    const Case& c = cases.at(p.case_id);
    const CaseType* type = types.find(c.type);
    if (type == nullptr) continue;
    std::string who = p.who == "@owner" ? c.owner : p.who == "@team" ? "team:" + c.team : p.who == "@holder" ? c.holder : p.who;
    if (who.empty() || who == "requester") continue;
    auto addr = settings.addresses.find(who);
    if (addr == settings.addresses.end()) {
      missing.insert(who);
      continue;
    }
    by_recipient[addr->second].push_back(make_notification(c, *type, p.event, addr->second, settings.base_url, now, calendar));
  }
  report.no_address.assign(missing.begin(), missing.end());
  for (auto& [recipient, items] : by_recipient) {
    if (settings.digest && items.size() > 1) {
      report.messages.push_back(make_digest(items, recipient, today));
    } else {
      for (auto& n : items) report.messages.push_back(std::move(n));
    }
  }
  if (!send) return report;
  if (!report.messages.empty()) {
    if (!settings.smtp && settings.webhook_url.empty()) {
      return Error::invalid_input("config.json: notifications has neither smtp nor webhook: nowhere to send " +
                                  std::to_string(report.messages.size()) + " message(s)");
    }
    // E-mail first, then the webhook; a failure of either leaves the state untouched, so the
    // next run retries (a recipient may then get a message twice rather than never).
    if (settings.smtp) {
      if (Status s = send_smtp(*settings.smtp, report.messages); !s) return s.error();
    }
    for (const auto& m : report.messages) {
      if (settings.webhook_url.empty()) break;
      if (Status s = post_webhook(settings.webhook_url, m); !s) return s.error();
    }
  }
  Status w = catalog.write([&](storage::CatalogWriter& wr) {
    wr.db().prepare("UPDATE notification_state SET last_event = ?, last_daily = ? WHERE id = 1")
        .bind(1, max_event)
        .bind(2, format_date(today))
        .run();
    storage::AuditEvent e;
    e.actor = "system";
    e.action = "notification.sent";
    e.object = "notifications";
    e.details = {{"messages", report.messages.size()}, {"through_event", max_event}, {"no_address", report.no_address.size()}};
    wr.audit(std::move(e));
  });
  if (!w) return w.error();
  return report;
}

}  // namespace redbox::workflows
