// Chasing: something a person (or pool) has been asked to do is chased every N working days
// while it stays unanswered, and escalated once the last allowed chase has gone unanswered for N
// more working days (the case type's "chasing" rule, deadlines.h ChaseRule):
//   {"every_working_days": 4, "escalate_after_chases": 2}: chase 1 at +4, chase 2 at +8,
//   escalation at +12 working days after the request.
//
// The engine is generic: a ChaseItem says who must act, what, since when, where (a link) and who
// hears about an escalation. The case's current action is one kind of item (the holder, since
// holder_since: case_chase_items()); contribution requests (drafts) are another and are fed the
// same way. notify_dispatch.cpp sends the due steps and records each one sent in
// notification_chases, so a step goes out once (a re-run does not resend it) and a new request
// (a new holder, a new contribution request) starts again from chase 1 under a new key.
//
// Thread-safety: pure functions; case_chase_items() reads inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/sqlite.h"
#include "workflows/calendar.h"
#include "workflows/case_store.h"
#include "workflows/case_type.h"
#include "workflows/deadlines.h"
#include "workflows/notify.h"
#include "workflows/working_days.h"

namespace redbox::workflows {

// One thing someone has been asked to do, chased until it is answered. Answered means the item
// disappears (the case moved on, the contribution arrived): the caller stops listing it.
struct ChaseItem {
  std::string key;                        // stable identity of this request; a new request = a new key
  std::string case_id;
  std::string who;                        // who must act: a user, "role:R" or "team:T"
  std::string what;                       // the action needed, as the person should read it
  Date since;                             // the day they were asked (UK civil date)
  std::string link;                       // path under the notification base URL ("/cases/ID")
  std::vector<std::string> escalate_to;   // who hears of an escalation (users, "team_leader:T", pools)
  ChaseRule rule;
  DivisionSet divisions;                  // whose working days count (the case's deadline divisions)
};

// A step already sent for an item (from notification_chases).
struct ChaseSent {
  int step = 0;
  Date on;
};

enum class ChaseKind { chase, escalation };
std::string_view to_string(ChaseKind kind);

struct ChaseStep {
  int step = 0;          // 1..N: chase number; N+1: the escalation
  ChaseKind kind = ChaseKind::chase;
  Date due;
  int chases_sent = 0;   // chases that went out before this step
};

// The next step of chasing an item, or nullopt once its escalation has been sent (or the rule
// chases nothing). Step 1 is due rule.every_working_days after `since`; each later step that
// many working days after the previous step was actually sent, so a missed run neither bunches
// chases nor escalates before N chases have gone out. With runs on time this is plan_chases().
std::optional<ChaseStep> next_chase_step(const ChaseRule& rule, Date since, const std::vector<ChaseSent>& sent,
                                         const WorkingDays& working_days);

// The chase items of open cases (not paused for clarification) whose type has a chasing rule:
// the holder's current action, since it began (the later of holder_since and the case's last
// stage, allocation or pool change; the item's key includes that instant). Escalation goes to the case owner when
// someone else holds it, and to the team's team leader ("team_leader:TEAM", or the
// "role:team_leader" pool for a case with no team); never to the person chased.
// `case_id` limits it to one case; `held_since_by` to cases whose holder has held them since that
// UK day or earlier (a cheap pre-filter for dispatch: nothing is due sooner than N days after).
std::vector<ChaseItem> case_chase_items(sql::Database& db, const CaseTypeRegistry& types, const std::string& case_id = {},
                                        std::optional<Date> held_since_by = std::nullopt);

// The message for a step: the case's notification (reference, type, topic, urgency, deadline,
// link) with the item's action, when it was asked, and the step ("reminder 1 of 2" / "escalated
// after 2 reminders: X has not acted since ...").
Notification make_chase_notification(const Case& c, const CaseType& type, const ChaseItem& item, const ChaseStep& step,
                                     const std::string& recipient, const std::string& base_url, TimePoint now,
                                     const HolidayCalendar& calendar);

// Chase steps already sent for the given item (notification_chases).
std::vector<ChaseSent> chase_steps_sent(sql::Database& db, const std::string& item_key);

}  // namespace redbox::workflows
