#include "workflows/chasing.h"

#include <algorithm>

namespace redbox::workflows {

std::string_view to_string(ChaseKind kind) { return kind == ChaseKind::chase ? "chase" : "escalation"; }

std::optional<ChaseStep> next_chase_step(const ChaseRule& rule, Date since, const std::vector<ChaseSent>& sent,
                                         const WorkingDays& working_days) {
  if (rule.every_working_days <= 0) return std::nullopt;
  const int escalation_step = rule.escalate_after_chases + 1;
  // The latest step sent, and when.
  const ChaseSent* last = nullptr;
  for (const auto& s : sent) {
    if (last == nullptr || s.step > last->step) last = &s;
  }
  int next = last == nullptr ? 1 : last->step + 1;
  if (next > escalation_step) return std::nullopt;
  ChaseStep step;
  step.step = next;
  step.kind = next == escalation_step ? ChaseKind::escalation : ChaseKind::chase;
  step.due = working_days.add_working_days(last == nullptr ? since : last->on, rule.every_working_days);
  step.chases_sent = next - 1;
  return step;
}

namespace {

Date uk_date_of(const std::string& utc, Date fallback) {
  TimePoint t;
  if (!parse_utc(utc, t)) return fallback;
  return uk_local_time(t).date;
}

std::string who_text(const std::string& who) {
  if (who.rfind("role:", 0) == 0) return "the " + who.substr(5) + " pool";
  if (who.rfind("team:", 0) == 0) return "team " + who.substr(5);
  return who;
}

}  // namespace

std::vector<ChaseItem> case_chase_items(sql::Database& db, const CaseTypeRegistry& types, const std::string& case_id,
                                        std::optional<Date> held_since_by) {
  std::vector<ChaseItem> out;
  std::string sql =
      "SELECT id, type, holder, holder_since, owner, team, action_needed, division, received FROM cases "
      "WHERE closed = 0 AND paused_since IS NULL AND holder <> '' AND holder <> 'requester'";
  if (!case_id.empty()) sql += " AND id = ?1";
  // holder_since is UTC text; UK time is at most an hour ahead, so "before the next UTC day" keeps
  // every case held since that UK day.
  if (held_since_by) sql += " AND holder_since < ?2";
  sql += " ORDER BY num";
  auto st = db.prepare(sql);
  if (!case_id.empty()) st.bind(1, case_id);
  if (held_since_by) st.bind(2, format_date(add_days(*held_since_by, 1)));
  // The current action began with the latest change of stage, allocation or holder (accepting
  // an allocation answers "accept or decline" and starts "draft the reply" for the same holder).
  auto began = db.prepare(
      "SELECT MAX(time) FROM case_events WHERE case_id = ? AND (action = 'create' OR action LIKE 'transition:%' "
      "OR action LIKE 'allocation.%' OR action = 'pool.take')");
  while (st.step()) {
    const CaseType* type = types.find(st.text(1));
    if (type == nullptr || !type->chasing || type->chasing->every_working_days <= 0) continue;
    auto division = parse_division(st.text(7));
    auto received = parse_date(st.text(8));
    if (!division || !received) continue;  // a row this version cannot read: not chased rather than guessed
    ChaseItem item;
    item.case_id = st.text(0);
    item.who = st.text(2);
    std::string since_utc = st.text(3);
    began.reset();
    began.bind(1, item.case_id);
    if (began.step() && !began.is_null(0) && began.text(0) > since_utc) since_utc = began.text(0);
    item.key = "case:" + item.case_id + "|holder:" + item.who + "|since:" + since_utc;
    item.since = uk_date_of(since_utc, *received);
    item.what = st.text(6).empty() ? "act on the case" : st.text(6);
    item.link = "/cases/" + item.case_id;
    item.rule = *type->chasing;
    item.divisions = type->deadline.divisions_for(*division);
    std::string owner = st.text(4);
    std::string team = st.text(5);
    if (!owner.empty() && owner != item.who) item.escalate_to.push_back(owner);
    std::string leader = team.empty() ? "role:team_leader" : "team_leader:" + team;
    if (leader != item.who) item.escalate_to.push_back(leader);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<ChaseSent> chase_steps_sent(sql::Database& db, const std::string& item_key) {
  std::vector<ChaseSent> out;
  auto st = db.prepare("SELECT step, sent_on FROM notification_chases WHERE item = ? ORDER BY step");
  st.bind(1, item_key);
  while (st.step()) {
    auto on = parse_date(st.text(1));
    if (on) out.push_back({static_cast<int>(st.int64(0)), *on});
  }
  return out;
}

Notification make_chase_notification(const Case& c, const CaseType& type, const ChaseItem& item, const ChaseStep& step,
                                      const std::string& recipient, const std::string& base_url, TimePoint now,
                                      const HolidayCalendar& calendar) {
  Case view = c;
  view.action_needed = item.what;
  const bool escalation = step.kind == ChaseKind::escalation;
  Notification n = make_notification(view, type, escalation ? "chase_escalation" : "chase", recipient, base_url, now, calendar);
  const int of = item.rule.escalate_after_chases;
  const std::string asked = format_date(item.since);
  const std::string due = n.payload.value("deadline", std::string());
  std::string headline;
  if (escalation) {
    headline = "Escalated: " + who_text(item.who) + " was asked on " + asked + " to " + item.what + ", and has not acted after " +
               std::to_string(step.chases_sent) + " reminder(s).";
    n.subject = "[" + n.urgency + "] Escalation, no response from " + who_text(item.who) + ": " + c.reference + " (" + type.name +
                "), due " + due;
  } else {
    headline = "Reminder " + std::to_string(step.step) + " of " + std::to_string(of) + ": you were asked on " + asked + " to " +
               item.what + ".";
    n.subject = "[" + n.urgency + "] Reminder " + std::to_string(step.step) + " of " + std::to_string(of) + ": " + c.reference + " (" +
                type.name + "), due " + due;
  }
  // The item's own link (a contribution page, say) replaces the case's.
  const std::string case_link = n.payload.value("link", std::string());
  const std::string link = base_url + item.link;
  if (link != case_link) {
    auto at = n.body.find("Link: " + case_link);
    if (at != std::string::npos) n.body.replace(at, 6 + case_link.size(), "Link: " + link);
    n.payload["link"] = link;
  }
  n.body = headline + "\n\n" + n.body + "Asked: " + asked + "\nHeld by: " + who_text(item.who) + "\n";
  n.payload["chase"] = {{"step", step.step},          {"of", of},           {"kind", to_string(step.kind)},
                        {"who", item.who},            {"since", asked},     {"what", item.what},
                        {"chases_sent", step.chases_sent}, {"item", item.key}};
  return n;
}

}  // namespace redbox::workflows
