// Turning case events into notifications and sending them: each run looks at the case events
// since the previous run (allocated, reallocated, contribution requested, returned for
// corrections, escalated), once a day at open cases due soon or overdue, and at every chased
// item (chasing.h: a case's current action unanswered for the type's N working days gets a
// reminder, and after the last reminder an escalation to the owner / team leader); it maps the
// person or pool who must act to an e-mail address, and sends (singly or one digest per
// recipient) over SMTP and/or a webhook. Outside working hours nothing is sent and nothing is
// consumed: the run says when to come back. Progress is kept in notification_state, each chase
// step sent in notification_chases (so it goes out once) and each message in notification_log,
// all written with an audit event in one transaction after a successful send, so a failed send
// is retried next run.
//
// Settings: config.json {"notifications": {"smtp": {"host": "127.0.0.1", "port": 25, "from":
// "redbox@dept"}, "addresses": {"carla": "carla@dept", "team:Health Policy": "health@dept",
// "team_leader:Health Policy": "hp-leader@dept", "role:team_leader": "leaders@dept"},
// "base_url": "https://redbox.dept", "digest": false, "due_soon_working_days": 2,
// "working_hours": {"start": "09:00", "end": "17:30"}, "webhook": "https://chat.dept/hook"}}.
// An escalation for a team ("team_leader:TEAM") without its own address goes to
// "role:team_leader".
// Thread-safety: one dispatcher at a time per data folder (the state row serialises them).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/catalog.h"
#include "workflows/chasing.h"
#include "workflows/notify.h"

namespace redbox::workflows {

struct NotificationSettings {
  std::map<std::string, std::string> addresses;
  std::string base_url = "http://localhost:8080";
  WorkingHours hours;
  bool digest = false;
  int due_soon_working_days = 2;
  std::optional<SmtpSettings> smtp;
  std::string webhook_url;         // each message's payload is also POSTed here

  static Result<NotificationSettings> from_config(const nlohmann::json& config);
  // The address for a user, pool or team; "team_leader:T" falls back to "role:team_leader".
  std::optional<std::string> address_for(const std::string& who) const;
};

// Delivers messages by e-mail (settings.smtp) and then to the webhook; invalid_input when the
// settings name neither, else the first delivery error. Callers record what was sent only after
// success, so a failure leaves everything due for the next run (a recipient may then get a
// message twice rather than never).
Status deliver(const NotificationSettings& settings, const std::vector<Notification>& messages);

struct DispatchReport {
  bool deferred = false;           // outside working hours
  TimePoint deliver_at;            // when deferred: the next working period
  std::vector<Notification> messages;
  std::vector<std::string> no_address;  // who had something to hear but no address
  int chases = 0;                  // chase steps that went (or would go) out
  int escalations = 0;             // escalations after unanswered chases
};

struct DispatchOptions {
  bool send = true;                   // false: compute only; nothing sent or recorded
  bool ignore_working_hours = false;  // with send=false: what is pending whatever the hour
  std::string actor = "system";       // who ran it (the audit event's actor)
  // More chased items besides each case's current action (chasing.h), e.g. contribution
  // requests: each source lists its open items, read inside the dispatcher's transaction. Their
  // steps are sent, recorded and escalated exactly like the cases' own.
  std::vector<std::function<std::vector<ChaseItem>(sql::Database&)>> chase_sources;
};

Result<DispatchReport> dispatch_notifications(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar,
                                              const NotificationSettings& settings, TimePoint now, const DispatchOptions& options);

// send=false: computes what would go out without sending or consuming anything.
inline Result<DispatchReport> dispatch_notifications(storage::Catalog& catalog, const CaseTypeRegistry& types,
                                                     const HolidayCalendar& calendar, const NotificationSettings& settings,
                                                     TimePoint now, bool send) {
  DispatchOptions options;
  options.send = send;
  return dispatch_notifications(catalog, types, calendar, settings, now, options);
}

// A notification that was sent (notification_log), newest first.
struct SentNotification {
  std::int64_t num = 0;
  std::string sent_at;
  std::string case_id;
  std::string event;
  std::string recipient;
  std::string urgency;
  std::string subject;
  nlohmann::json to_json() const;
};
// case_id empty: every case. limit clamped to [1, 1000]; before: only rows with num < before.
Result<std::vector<SentNotification>> sent_notifications(const storage::Catalog& catalog, const std::string& case_id,
                                                         std::size_t limit, std::optional<std::int64_t> before = std::nullopt);

// Where chasing a case's current action stands: the item, steps sent, and the next step.
struct CaseChaseStatus {
  std::string who;
  std::string what;
  Date since;
  std::vector<ChaseSent> sent;
  std::optional<ChaseStep> next;
  std::vector<std::string> escalate_to;
  nlohmann::json to_json() const;
};
// nullopt when the case is not chased (closed, paused, held by the requester, no rule).
Result<std::optional<CaseChaseStatus>> case_chase_status(const storage::Catalog& catalog, const CaseTypeRegistry& types,
                                                         const HolidayCalendar& calendar, const std::string& case_id);

}  // namespace redbox::workflows
