// Notifications about contribution requests (draft_store.h): the request itself, a return for
// changes, a submission and an acceptance are queued by the change that caused them; the daily
// scan queues "due soon" (within due_soon_working_days working days of the due date), "overdue"
// (the day after), chases on the dates plan_chases() gives from the day of the request, and the
// escalation to the case owner when the chases went unanswered. Each scan-driven notice happens
// once (its key). Delivery uses the case notifications' settings and transport (notify.h,
// notify_dispatch.h): addresses from config.json, e-mail over SMTP and/or the webhook, only in
// working hours; a notice is marked sent (with an audit event) only after a successful send,
// so a failed send is retried by the next run. A user without an address is reported and the
// notice stays queued.
//
// Settings: config.json {"notifications": {..., "draft_chase": {"every_working_days": 3,
// "escalate_after_chases": 2}}} (those are the defaults).
//
// Thread-safety: one dispatcher at a time per data folder.
#pragma once

#include <string>
#include <vector>

#include "storage/store.h"
#include "workflows/deadlines.h"
#include "workflows/notify.h"
#include "workflows/notify_dispatch.h"

namespace redbox::workflows {

struct DraftNotice {
  std::int64_t num = 0;
  std::string request_id;
  std::string event;       // contribution_requested, returned, contribution_submitted, contribution_accepted,
                           // due_soon, overdue, chase, escalated
  std::string recipient;   // user name
  std::string key;
};

// The chase rule from config.json notifications.draft_chase (defaults: every 3 working days,
// escalate after 2 chases).
Result<ChaseRule> draft_chase_rule(const nlohmann::json& config);

// The time-driven notices for open requests that are due as of `today` and not queued yet
// (num 0). Reads only.
Result<std::vector<DraftNotice>> due_request_reminders(const storage::Catalog& catalog, const HolidayCalendar& calendar,
                                                       Date today, const ChaseRule& chase, int due_soon_working_days);

// Queues the time-driven notices for open requests as of `today`; returns how many were new.
Result<int> queue_request_reminders(storage::Catalog& catalog, const HolidayCalendar& calendar, Date today, const ChaseRule& chase,
                                    int due_soon_working_days);

// Unsent notices, oldest first.
Result<std::vector<DraftNotice>> pending_draft_notices(const storage::Catalog& catalog);

// The message for one notice: case reference, fragment, instructions, due date and state, the
// owner's note, and a link to the fragment.
Result<Notification> draft_notification(const storage::Catalog& catalog, const DraftNotice& notice, const std::string& address,
                                        const std::string& base_url, Date today);

struct DraftDispatchReport {
  bool deferred = false;
  TimePoint deliver_at;
  int queued = 0;                      // new reminders queued by this run (a dry run: that would be)
  std::vector<Notification> messages;  // sent (or, for a dry run, that would be)
  std::vector<std::string> no_address;
};

// queue_request_reminders + deliver every pending notice that has an address.
Result<DraftDispatchReport> dispatch_draft_notifications(storage::Catalog& catalog, const HolidayCalendar& calendar,
                                                         const NotificationSettings& settings, const ChaseRule& chase, TimePoint now,
                                                         bool send);

}  // namespace redbox::workflows
