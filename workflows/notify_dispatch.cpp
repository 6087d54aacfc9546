#include "workflows/notify_dispatch.h"

#include <algorithm>
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
  int chase = -1;  // index into DueChase list for chase steps
};

// A chase step due now, and the addresses it went to.
struct DueChase {
  ChaseItem item;
  ChaseStep step;
  std::vector<std::string> recipients;
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

std::optional<std::string> NotificationSettings::address_for(const std::string& who) const {
  if (auto it = addresses.find(who); it != addresses.end()) return it->second;
  if (who.rfind("team_leader:", 0) == 0) {
    if (auto it = addresses.find("role:team_leader"); it != addresses.end()) return it->second;
  }
  return std::nullopt;
}

Status deliver(const NotificationSettings& settings, const std::vector<Notification>& messages) {
  if (!settings.smtp && settings.webhook_url.empty()) {
    return Error::invalid_input("config.json: notifications has neither smtp nor webhook: nowhere to send " +
                                std::to_string(messages.size()) + " message(s)");
  }
  if (settings.smtp) {
    if (Status s = send_smtp(*settings.smtp, messages); !s) return s.error();
  }
  for (const auto& m : messages) {
    if (settings.webhook_url.empty()) break;
    if (Status s = post_webhook(settings.webhook_url, m); !s) return s.error();
  }
  return {};
}

Result<DispatchReport> dispatch_notifications(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar,
                                              const NotificationSettings& settings, TimePoint now, const DispatchOptions& options) {
  DispatchReport report;
  const bool send = options.send;
  TimePoint at = next_delivery_time(now, settings.hours, calendar);
  if (at != now && !(options.ignore_working_hours && !send)) {
    report.deferred = true;
    report.deliver_at = at;
    return report;
  }
  Date today = uk_local_time(now).date;
  std::int64_t last_event = 0;
  std::int64_t max_event = 0;
  bool daily = false;
  std::vector<Pending> pending;
  std::vector<DueChase> chases;
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
    // Chases: every chased item whose next step is due today or earlier.
    int soonest = 0;  // the fewest working days any type waits before its first chase
    for (const CaseType* t : types.all()) {
      if (t->chasing && t->chasing->every_working_days > 0 && (soonest == 0 || t->chasing->every_working_days < soonest)) {
        soonest = t->chasing->every_working_days;
      }
    }
    std::vector<ChaseItem> items;
    if (soonest > 0) items = case_chase_items(db, types, {}, add_days(today, -soonest));
    for (const auto& source : options.chase_sources) {
      for (auto& extra : source(db)) items.push_back(std::move(extra));
    }
    for (auto& item : items) {
      WorkingDays wd(calendar, item.divisions);
      auto step = next_chase_step(item.rule, item.since, chase_steps_sent(db, item.key), wd);
      if (!step || days_between(step->due, today) < 0) continue;
      int index = static_cast<int>(chases.size());
      if (step->kind == ChaseKind::chase) {
        pending.push_back({item.who, "chase", item.case_id, index});
      } else {
        for (const auto& who : item.escalate_to) pending.push_back({who, "chase_escalation", item.case_id, index});
      }
      chases.push_back({std::move(item), *step, {}});
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
    auto addr = settings.address_for(who);
    if (!addr) {
      missing.insert(who);
      continue;
    }
    if (p.chase >= 0) {
      DueChase& d = chases[static_cast<std::size_t>(p.chase)];
      by_recipient[*addr].push_back(make_chase_notification(c, *type, d.item, d.step, *addr, settings.base_url, now, calendar));
      d.recipients.push_back(*addr);
    } else {
      by_recipient[*addr].push_back(make_notification(c, *type, p.event, *addr, settings.base_url, now, calendar));
    }
  }
  // A step counts as sent when it reached someone; one nobody could be told of stays due.
  std::erase_if(chases, [](const DueChase& d) { return d.recipients.empty(); });
  for (const auto& d : chases) (d.step.kind == ChaseKind::chase ? report.chases : report.escalations)++;
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
    if (Status s = deliver(settings, report.messages); !s) return s.error();
  }
  const std::string sent_at = format_utc(now);
  Status w = catalog.write([&](storage::CatalogWriter& wr) {
    auto& db = wr.db();
    db.prepare("UPDATE notification_state SET last_event = ?, last_daily = ? WHERE id = 1")
        .bind(1, max_event)
        .bind(2, format_date(today))
        .run();
    auto chase_row = db.prepare(
        "INSERT OR IGNORE INTO notification_chases (item, step, case_id, who, kind, due, sent_on, sent_at, recipients) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& d : chases) {
      chase_row.reset();
      chase_row.bind(1, d.item.key)
          .bind(2, static_cast<std::int64_t>(d.step.step))
          .bind(3, d.item.case_id)
          .bind(4, d.item.who)
          .bind(5, std::string(to_string(d.step.kind)))
          .bind(6, format_date(d.step.due))
          .bind(7, format_date(today))
          .bind(8, sent_at)
          .bind(9, nlohmann::json(d.recipients).dump())
          .run();
    }
    auto log = db.prepare("INSERT INTO notification_log (sent_at, case_id, event, recipient, urgency, subject) VALUES (?, ?, ?, ?, ?, ?)");
    auto log_one = [&](const nlohmann::json& payload, const Notification& m) {
      log.reset();
      log.bind(1, sent_at)
          .bind(2, payload.value("case", std::string()))
          .bind(3, payload.value("event", m.event))
          .bind(4, m.recipient)
          .bind(5, payload.value("urgency", m.urgency))
          .bind(6, m.subject)
          .run();
    };
    for (const auto& m : report.messages) {
      if (m.payload.is_array()) {
        for (const auto& p : m.payload) log_one(p, m);
      } else {
        log_one(m.payload, m);
      }
    }
    storage::AuditEvent e;
    e.actor = options.actor;
    e.action = "notification.sent";
    e.object = "notifications";
    e.details = {{"messages", report.messages.size()},  {"through_event", max_event}, {"no_address", report.no_address.size()},
                 {"chases", report.chases},             {"escalations", report.escalations}};
    wr.audit(std::move(e));
  });
  if (!w) return w.error();
  return report;
}

nlohmann::json SentNotification::to_json() const {
  return {{"seq", num},           {"sent_at", sent_at}, {"case", case_id}, {"event", event},
          {"recipient", recipient}, {"urgency", urgency}, {"subject", subject}};
}

Result<std::vector<SentNotification>> sent_notifications(const storage::Catalog& catalog, const std::string& case_id,
                                                         std::size_t limit, std::optional<std::int64_t> before) {
  std::vector<SentNotification> out;
  limit = std::clamp<std::size_t>(limit, 1, 1000);
  Status s = catalog.read([&](sql::Database& db) {
    std::string sql = "SELECT num, sent_at, case_id, event, recipient, urgency, subject FROM notification_log WHERE 1";
    if (!case_id.empty()) sql += " AND case_id = ?1";
    if (before) sql += " AND num < ?2";
    sql += " ORDER BY num DESC LIMIT " + std::to_string(limit);
    auto st = db.prepare(sql);
    if (!case_id.empty()) st.bind(1, case_id);
    if (before) st.bind(2, *before);
    while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)});
  });
  if (!s) return s.error();
  return out;
}

nlohmann::json CaseChaseStatus::to_json() const {
  nlohmann::json sent_j = nlohmann::json::array();
  for (const auto& s : sent) sent_j.push_back({{"step", s.step}, {"on", format_date(s.on)}});
  nlohmann::json j = {{"who", who}, {"what", what}, {"since", format_date(since)}, {"sent", sent_j}, {"escalate_to", escalate_to}};
  if (next) {
    j["next"] = {{"step", next->step}, {"kind", to_string(next->kind)}, {"due", format_date(next->due)}};
  } else {
    j["next"] = nullptr;
  }
  return j;
}

Result<std::optional<CaseChaseStatus>> case_chase_status(const storage::Catalog& catalog, const CaseTypeRegistry& types,
                                                         const HolidayCalendar& calendar, const std::string& case_id) {
  std::optional<CaseChaseStatus> out;
  Status s = catalog.read([&](sql::Database& db) {
    auto items = case_chase_items(db, types, case_id);
    if (items.empty()) return;
    const ChaseItem& item = items.front();
    CaseChaseStatus status;
    status.who = item.who;
    status.what = item.what;
    status.since = item.since;
    status.sent = chase_steps_sent(db, item.key);
    status.escalate_to = item.escalate_to;
    status.next = next_chase_step(item.rule, item.since, status.sent, WorkingDays(calendar, item.divisions));
    out = std::move(status);
  });
  if (!s) return s.error();
  return out;
}

}  // namespace redbox::workflows
