#include "workflows/draft_notify.h"

#include <map>
#include <set>

#include "workflows/working_days.h"

namespace redbox::workflows {

Result<ChaseRule> draft_chase_rule(const nlohmann::json& config) {
  ChaseRule rule;
  rule.every_working_days = 3;
  rule.escalate_after_chases = 2;
  if (config.is_object() && config.contains("notifications") && config["notifications"].is_object() &&
      config["notifications"].contains("draft_chase")) {
    return ChaseRule::from_json(config["notifications"]["draft_chase"], "config.json: notifications.draft_chase");
  }
  return rule;
}

Result<std::vector<DraftNotice>> due_request_reminders(const storage::Catalog& catalog, const HolidayCalendar& calendar,
                                                       Date today, const ChaseRule& chase, int due_soon_working_days) {
  std::vector<DraftNotice> due;
  WorkingDays wd(calendar, DivisionSet::uk());
  Status s = catalog.read([&](sql::Database& db) {
    auto unqueued = db.prepare("SELECT 1 FROM draft_notices WHERE request_id = ? AND event = ? AND recipient = ? AND key = ?");
    auto add = [&](const std::string& id, const std::string& event, const std::string& who, const std::string& key) {
      unqueued.reset();
      unqueued.bind(1, id).bind(2, event).bind(3, who).bind(4, key);
      if (!unqueued.step()) due.push_back({0, id, event, who, key});
    };
    auto st = db.prepare("SELECT id, contributor, requested_by, due, created FROM draft_requests WHERE state IN ('requested', 'returned')");
    while (st.step()) {
      std::string id = st.text(0), contributor = st.text(1), owner = st.text(2);
      Date due_date = parse_date(st.text(3), "due").value();
      Date sent = parse_date(st.text(4).substr(0, 10), "created").value();
      if (today > due_date) {
        add(id, "overdue", contributor, "overdue");
        add(id, "overdue", owner, "overdue");
      } else if (wd.working_days_between(today, due_date) <= due_soon_working_days) {
        add(id, "due_soon", contributor, "due_soon");
      }
      if (chase.every_working_days > 0) {
        ChasePlan plan = plan_chases(chase, sent, wd);
        for (const auto& d : plan.chases) {
          if (d <= today) add(id, "chase", contributor, format_date(d));
        }
        if (chase.escalate_after_chases > 0 && plan.escalation <= today) add(id, "escalated", owner, format_date(plan.escalation));
      }
    }
  });
  if (!s) return s.error();
  return due;
}

Result<int> queue_request_reminders(storage::Catalog& catalog, const HolidayCalendar& calendar, Date today, const ChaseRule& chase,
                                    int due_soon_working_days) {
  auto due = due_request_reminders(catalog, calendar, today, chase, due_soon_working_days);
  if (!due) return due.error();
  int queued = 0;
  if (due->empty()) return queued;
  Status s = catalog.write([&](storage::CatalogWriter& w) {
    queued = 0;  // the transaction may be retried
    auto& db = w.db();
    std::string now = format_utc(w.now());
    // OR IGNORE: another run may have queued the same notice since the read above.
    auto insert = db.prepare("INSERT OR IGNORE INTO draft_notices (request_id, event, recipient, key, created) VALUES (?, ?, ?, ?, ?)");
    for (const auto& n : *due) {
      insert.reset();
      insert.bind(1, n.request_id).bind(2, n.event).bind(3, n.recipient).bind(4, n.key).bind(5, now).run();
      queued += db.changes();
    }
  });
  if (!s) return s.error();
  return queued;
}

Result<std::vector<DraftNotice>> pending_draft_notices(const storage::Catalog& catalog) {
  std::vector<DraftNotice> out;
  Status s = catalog.read([&](sql::Database& db) {
    auto st = db.prepare("SELECT num, request_id, event, recipient, key FROM draft_notices WHERE sent IS NULL ORDER BY num");
    while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4)});
  });
  if (!s) return s.error();
  return out;
}

namespace {

std::string title_for(const std::string& event) {
  if (event == "contribution_requested") return "Contribution requested";
  if (event == "returned") return "Contribution returned for changes";
  if (event == "contribution_submitted") return "Contribution submitted";
  if (event == "contribution_accepted") return "Contribution accepted";
  if (event == "due_soon") return "Contribution due soon";
  if (event == "overdue") return "Contribution overdue";
  if (event == "chase") return "Reminder: contribution awaited";
  if (event == "escalated") return "Contribution still awaited after reminders";
  return event;
}

}  // namespace

Result<Notification> draft_notification(const storage::Catalog& catalog, const DraftNotice& notice, const std::string& address,
                                        const std::string& base_url, Date today) {
  Notification n;
  Status s = catalog.read([&](sql::Database& db) {
    auto st = db.prepare(
        "SELECT r.fragment_id, f.title, r.contributor, r.requested_by, r.instructions, r.due, r.state, r.note, c.reference, c.type, c.topic "
        "FROM draft_requests r JOIN draft_fragments f ON f.id = r.fragment_id JOIN drafts d ON d.id = r.draft_id "
        "JOIN cases c ON c.id = d.case_id WHERE r.id = ?");
    st.bind(1, notice.request_id);
    if (!st.step()) fail(Error::not_found("no contribution request " + notice.request_id));
    std::string fragment = st.text(0), title = st.text(1), contributor = st.text(2), owner = st.text(3), instructions = st.text(4);
    Date due = parse_date(st.text(5), "due").value();
    std::string state = st.text(6), note = st.text(7), reference = st.text(8);
    bool open = state == "requested" || state == "returned";
    std::string urgency = open && today > due ? "overdue" : open && std::chrono::sys_days(due) <= std::chrono::sys_days(today) + std::chrono::days(2) ? "urgent" : "normal";
    std::string link = base_url + "/cases/" + reference + "/draft/fragments/" + fragment;
    n.recipient = address;
    n.event = notice.event;
    n.urgency = urgency;
    n.subject = title_for(notice.event) + ": " + reference + " - " + (title.empty() ? fragment : title) + " (due " + format_date(due) + ")";
    n.body = title_for(notice.event) + "\n\nCase: " + reference + " (" + st.text(9) + (st.text(10).empty() ? "" : ", " + st.text(10)) +
             ")\nFragment: " + (title.empty() ? fragment : title) + "\nAsked of: " + contributor + "\nAsked by: " + owner +
             "\nDue: " + format_date(due) + "\nState: " + (open && today > due ? "overdue" : state) + "\n";
    if (!instructions.empty()) n.body += "\nInstructions:\n" + instructions + "\n";
    if (!note.empty() && (notice.event == "returned" || notice.event == "contribution_accepted")) n.body += "\nNote from " + owner + ":\n" + note + "\n";
    n.body += "\n" + link + "\n";
    n.payload = {{"event", notice.event}, {"urgency", urgency},   {"reference", reference}, {"fragment", fragment},
                 {"fragment_title", title}, {"contributor", contributor}, {"requested_by", owner}, {"due", format_date(due)},
                 {"state", state},          {"instructions", instructions}, {"link", link}, {"request", notice.request_id}};
  });
  if (!s) return s.error();
  return n;
}

Result<DraftDispatchReport> dispatch_draft_notifications(storage::Catalog& catalog, const HolidayCalendar& calendar,
                                                         const NotificationSettings& settings, const ChaseRule& chase, TimePoint now,
                                                         bool send) {
  DraftDispatchReport report;
  Date today = uk_local_time(now).date;
  if (send) {
    TimePoint at = next_delivery_time(now, settings.hours, calendar);
    if (at > now) {
      report.deferred = true;
      report.deliver_at = at;
      return report;
    }
  }
  // A dry run queues nothing: the reminders that are due are shown with the notices already
  // waiting, as they would be sent.
  std::vector<DraftNotice> due;
  if (send) {
    auto queued = queue_request_reminders(catalog, calendar, today, chase, settings.due_soon_working_days);
    if (!queued) return queued.error();
    report.queued = *queued;
  } else {
    auto unqueued = due_request_reminders(catalog, calendar, today, chase, settings.due_soon_working_days);
    if (!unqueued) return unqueued.error();
    due = std::move(*unqueued);
    report.queued = static_cast<int>(due.size());
  }
  auto pending = pending_draft_notices(catalog);
  if (!pending) return pending.error();
  pending->insert(pending->end(), due.begin(), due.end());
  std::vector<std::int64_t> delivered;
  std::set<std::string> missing;
  for (const auto& p : *pending) {
    auto addr = settings.addresses.find(p.recipient);
    if (addr == settings.addresses.end()) {
      missing.insert(p.recipient);
      continue;
    }
    auto n = draft_notification(catalog, p, addr->second, settings.base_url, today);
    if (!n) return n.error();
    report.messages.push_back(std::move(*n));
    delivered.push_back(p.num);
  }
  report.no_address.assign(missing.begin(), missing.end());
  if (!send || delivered.empty()) return report;
  if (Status s = deliver(settings, report.messages); !s) return s.error();
  Status w = catalog.write([&](storage::CatalogWriter& wr) {
    std::string at = format_utc(wr.now());
    auto st = wr.db().prepare("UPDATE draft_notices SET sent = ? WHERE num = ?");
    for (auto num : delivered) {
      st.reset();
      st.bind(1, at).bind(2, num).run();
    }
    storage::AuditEvent e;
    e.actor = "system";
    e.action = "draft.notification.sent";
    e.object = "draft_notices";
    e.details = {{"messages", delivered.size()}, {"no_address", report.no_address.size()}};
    wr.audit(std::move(e));
  });
  if (!w) return w.error();
  return report;
}

}  // namespace redbox::workflows
