// Turning case events into notifications and sending them: each run looks at the case events
// since the previous run (allocated, reallocated, contribution requested, returned for
// corrections, escalated) and, once a day, at open cases due soon or overdue; it maps the
// person or pool who must act to an e-mail address, and sends (singly or one digest per
// recipient) over SMTP. Outside working hours nothing is sent and nothing is consumed: the run
// says when to come back. Progress is kept in notification_state, updated with an audit event
// in the same transaction after a successful send, so a failed send is retried next run.
//
// Settings: config.json {"notifications": {"smtp": {"host": "127.0.0.1", "port": 25, "from":
// "redbox@dept"}, "addresses": {"carla": "carla@dept", "team:Health Policy": "health@dept"},
// "base_url": "https://redbox.dept", "digest": false, "due_soon_working_days": 2,
// "working_hours": {"start": "09:00", "end": "17:30"}, "webhook": "https://chat.dept/hook"}}.
// Thread-safety: one dispatcher at a time per data folder (the state row serialises them).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/catalog.h"
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
};

struct DispatchReport {
  bool deferred = false;           // outside working hours
  TimePoint deliver_at;            // when deferred: the next working period
  std::vector<Notification> messages;
  std::vector<std::string> no_address;  // who had something to hear but no address
};

// send=false: computes what would go out without sending or consuming anything.
Result<DispatchReport> dispatch_notifications(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar,
                                              const NotificationSettings& settings, TimePoint now, bool send);

}  // namespace redbox::workflows
