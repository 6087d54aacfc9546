#include "workflows/case_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/ids.h"
#include "workflows/case_letters.h"
#include "workflows/detail/case_rows.h"
#include "workflows/directory.h"

namespace redbox::workflows {

using detail::EventInput;

namespace {

constexpr Role kAllRoles[] = {Role::admin,       Role::intake,      Role::caseworker,    Role::reviewer,
                              Role::contributor, Role::team_leader, Role::private_office};

Role workflow_role(storage::Role r) {
  switch (r) {
    case storage::Role::admin: return Role::admin;
    case storage::Role::intake: return Role::intake;
    case storage::Role::caseworker: return Role::caseworker;
    case storage::Role::reviewer: return Role::reviewer;
    case storage::Role::contributor: return Role::contributor;
  }
  return Role::contributor;
}

std::string roles_text(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ", ") + std::string(to_string(r));
  return out;
}

const CaseType& type_of(const CaseTypeRegistry& types, const std::string& id) { return *types.get(id).value(); }

// What the holder of a case must do at a stage.
std::string action_for(const CaseType& type, const Case& c) {
  static const std::map<std::string, std::string, std::less<>> kActions = {
      {"received", "log the letter and start triage"},
      {"triage", "triage: accept, reject, transfer or ask for clarification"},
      {"clarification", "awaiting the requester's clarification (clock stopped)"},
      {"allocation", "allocate to an official"},
      {"draft", "draft the reply"},
      {"qa", "quality-assure the draft (QA)"},
      {"clearance", "clear and sign off the reply"},
      {"private_office", "obtain the Minister's signature"},
      {"dispatch", "dispatch the reply"},
  };
  const Stage* st = type.stage(c.stage);
  if (st == nullptr || st->closed) return "";
  if (c.stage == "draft" && c.allocation == "offered") return "accept or decline the allocation";
  auto it = kActions.find(c.stage);
  return it != kActions.end() ? it->second : st->name;
}

// Who holds a case entering a stage when no one is named: the requester while awaiting
// clarification, the sign-off role's pool at a sign-off stage, the owner while drafting,
// else the team (or intake before a team is known).
std::string default_holder(const CaseType& type, const Case& c) {
  const Stage* st = type.stage(c.stage);
  if (st == nullptr || st->closed) return "";
  if (c.stage == "clarification") return "requester";
  for (const auto& step : type.sign_off) {
    if (step.stage == c.stage) return "role:" + std::string(to_string(step.role));
  }
  if ((c.stage == "draft" || c.stage == "dispatch") && !c.owner.empty()) return c.owner;
  if (!c.team.empty() && c.stage != type.initial_stage) return "team:" + c.team;
  return "role:intake";
}

std::string outcome_for(const Transition& t) {
  if (t.id == "reject") return "rejected";
  if (t.id == "transfer") return "transferred";
  if (t.id == "clarification_lapsed") return "lapsed";
  if (t.id == "transfer_refused") return "transfer refused";
  return "answered";
}

std::string part_for_stage(const CaseType& type, const std::string& stage) {
  for (const auto& step : type.sign_off) {
    if (step.stage == stage) return "clearer";
  }
  return "official";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Actor, JSON

bool Actor::has(Role role) const { return operator_ || std::find(roles.begin(), roles.end(), role) != roles.end(); }

bool Actor::sees_all() const { return operator_ || has(Role::admin) || has(Role::intake) || has(Role::caseworker); }

Actor Actor::cli_operator(std::string name) {
  Actor a;
  a.name = std::move(name);
  a.roles.assign(std::begin(kAllRoles), std::end(kAllRoles));
  a.operator_ = true;
  return a;
}

nlohmann::json Case::to_json(bool with_personal_data) const {
  nlohmann::json j = {{"id", id},
                      {"reference", reference},
                      {"type", type},
                      {"stage", stage},
                      {"closed", closed},
                      {"division", std::string(to_string(division))},
                      {"received", format_date(received)},
                      {"mp", mp},
                      {"topic", topic},
                      {"team", team},
                      {"owner", owner},
                      {"holder", {{"who", holder}, {"since", holder_since}, {"action", action_needed}}},
                      {"allocation", allocation},
                      {"due", format_date(due)},
                      {"extended", extended},
                      {"created", created},
                      {"created_by", created_by},
                      {"updated", updated}};
  if (!due_time.empty()) j["due_time"] = due_time;
  if (named_day) j["named_day"] = format_date(*named_day);
  if (!outcome.empty()) j["outcome"] = outcome;
  if (closed_on) j["closed_on"] = format_date(*closed_on);
  if (on_time) j["on_time"] = *on_time;
  j["clock"] = paused_since ? nlohmann::json{{"paused", true}, {"since", format_date(*paused_since)}} : nlohmann::json{{"paused", false}};
  nlohmann::json stops = nlohmann::json::array();
  for (const auto& s : clock_stops) stops.push_back({{"stopped", format_date(s.stopped)}, {"resumed", format_date(s.resumed)}});
  j["clock_stops"] = stops;
  if (with_personal_data) {
    j["requester"] = requester.to_json();
    j["deadline"] = deadline;
    j["metadata"] = metadata;
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& d : documents) docs.push_back({{"document", d.document_id}, {"purpose", d.purpose}, {"added", d.added}, {"added_by", d.added_by}});
    j["documents"] = docs;
    nlohmann::json ls = nlohmann::json::array();
    for (const auto& l : links) ls.push_back({{"case", l.case_id}, {"reference", l.reference}, {"kind", l.kind}});
    j["links"] = ls;
    nlohmann::json ps = nlohmann::json::array();
    for (const auto& [user, part] : participants) ps.push_back({{"user", user}, {"part", part}});
    j["participants"] = ps;
  }
  return j;
}

nlohmann::json CaseEvent::to_json() const {
  nlohmann::json j = {{"seq", num}, {"time", time}, {"actor", actor}, {"action", action}};
  if (!role.empty()) j["role"] = role;
  if (!from_stage.empty()) j["from"] = from_stage;
  if (!to_stage.empty()) j["to"] = to_stage;
  if (!reason.empty()) j["reason"] = reason;
  if (!details.empty()) j["details"] = details;
  return j;
}

Result<TriageDecision> parse_triage_decision(std::string_view text) {
  if (text == "accept") return TriageDecision::accept;
  if (text == "reject") return TriageDecision::reject;
  if (text == "transfer") return TriageDecision::transfer;
  if (text == "clarify" || text == "clarification") return TriageDecision::clarify;
  return Error::invalid_input("triage decision '" + std::string(text) + "': expected accept, reject, transfer or clarify");
}

// ---------------------------------------------------------------------------------------------
// The service's shared machinery

namespace {

struct Ctx {
  storage::CatalogWriter& w;
  const CaseTypeRegistry& types;
  const HolidayCalendar& calendar;
  const Actor& actor;
  Date today;
  std::string now;
};

bool visible(sql::Database& db, const Actor& actor, const Case& c) {
  if (actor.sees_all()) return true;
  if (detail::is_participant(db, c.id, actor.name)) return true;
  if (c.holder == actor.name) return true;
  for (Role r : actor.roles) {
    if (c.holder == "role:" + std::string(to_string(r))) return true;
  }
  return false;
}

void require_visible(sql::Database& db, const Actor& actor, const Case& c) {
  if (!visible(db, actor, c)) {
    fail(Error::forbidden(actor.name + " may not see case " + c.reference +
                          ": it is neither allocated to them nor have they been asked to contribute to or clear it"));
  }
}

void apply_deadline(Case& c, const CaseType& type, const HolidayCalendar& calendar) {
  DeadlineRequest r;
  r.received = c.received;
  r.division = c.division;
  r.named_day = c.named_day;
  r.clock_stops = c.clock_stops;
  r.extended = c.extended;
  auto d = compute_deadline(type.deadline, r, calendar);
  if (!d) fail(d.error().within("case " + c.reference + " (" + c.type + ")"));
  auto ms = compute_milestones(type.milestones, *d, r, calendar);
  c.due = d->due;
  c.due_time = d->time;
  c.deadline = d->to_json();
  c.deadline["rule"] = type.deadline.describe();
  nlohmann::json mj = nlohmann::json::array();
  for (const auto& m : ms) mj.push_back({{"id", m.id}, {"name", m.name}, {"due", format_date(m.due)}, {"explanation", m.explanation}});
  c.deadline["milestones"] = mj;
}

void set_holder(Case& c, const std::string& holder, const std::string& now) {
  if (c.holder != holder) {
    c.holder = holder;
    c.holder_since = now;
  }
}

// The role the actor makes a transition in, or forbidden/conflict.
Role pick_role(const CaseType& type, const Case& c, const Transition& t, const Actor& actor) {
  if (std::find(t.from.begin(), t.from.end(), c.stage) == t.from.end()) {
    std::string options;
    for (const auto* x : type.transitions_from(c.stage)) options += (options.empty() ? "" : ", ") + x->id;
    fail(Error::conflict("case " + c.reference + " is at stage '" + c.stage + "': '" + t.id + "' cannot be made from there" +
                         (options.empty() ? std::string() : " (possible: " + options + ")")));
  }
  if (actor.operator_) return t.roles.front();
  for (Role r : actor.roles) {
    if (std::find(t.roles.begin(), t.roles.end(), r) != t.roles.end()) return r;
  }
  fail(Error::forbidden(actor.name + " (" + roles_text(actor.roles) + ") may not '" + t.id + "' a " + c.type +
                        " case; the type allows " + roles_text(t.roles)));
}

// A sign-off is made by the person asked to make it. At a sign-off stage, acting in that step's
// role (a reviewer passing or returning QA, a team leader signing off) needs the case to be held
// by the actor: named when it was submitted, or taken from the role's pool with take_from_pool()
// (recorded and audited). Anyone else in the role is refused, saying why. Other roles allowed
// from the stage (a team leader returning a draft that sits in QA) are not concerned.
void require_asked_to_clear(const CaseType& type, const Case& c, Role role, const Transition& t, const Actor& actor) {
  if (actor.operator_ || c.holder == actor.name) return;
  for (const auto& step : type.sign_off) {
    if (step.stage != c.stage || step.role != role) continue;
    std::string pool = "role:" + std::string(to_string(step.role));
    std::string why = c.holder == pool
                          ? "it waits in the " + std::string(to_string(step.role)) + " pool (" + pool + ") and " + actor.name +
                                " has not been asked to clear it; take it from the pool first (redbox case take / POST "
                                "/api/v1/cases/{id}/take) or be named when it is submitted"
                          : "it was given to " + (c.holder.empty() ? std::string("nobody") : c.holder) + " to clear, not to " + actor.name;
    fail(Error::forbidden(actor.name + " may not '" + t.id + "' case " + c.reference + ": " + why));
  }
}

Case create_case(Ctx& x, const NewCase& req, const std::string& created_by_event, nlohmann::json event_details);
std::vector<RequesterMatch> find_same_requester(sql::Database& db, const Actor& actor, const Requester& requester,
                                                const std::string& exclude_case_id);

// The core of every stage change. Returns the linked case a creates_case transition opened.
std::optional<Case> apply_transition(Ctx& x, Case& c, const Transition& t, const TransitionRequest& req,
                                     nlohmann::json details = nlohmann::json::object()) {
  const CaseType& type = type_of(x.types, c.type);
  Role role = pick_role(type, c, t, x.actor);
  if (t.requires_reason && req.reason.empty()) {
    fail(Error::invalid_input("'" + t.id + "' on " + c.reference + " needs a reason (it is recorded and may be sent)"));
  }
  auto& db = x.w.db();
  if (!x.actor.sees_all() && !visible(db, x.actor, c)) require_visible(db, x.actor, c);
  require_asked_to_clear(type, c, role, t, x.actor);
  std::string from = c.stage;
  const Stage* to_stage = type.stage(t.to);
  Date on = req.on.value_or(x.today);

  // The clock: entering clarification stops it; leaving it (reply) resumes it.
  if (t.to == "clarification" && !c.paused_since) {
    c.paused_since = on;
    details["clock"] = "stopped";
  }
  if (from == "clarification" && t.to != "clarification" && c.paused_since) {
    if (days_between(*c.paused_since, on) < 0) {
      fail(Error::invalid_input("the reply date " + format_date(on) + " is before the clock stopped (" +
                                format_date(*c.paused_since) + ")"));
    }
    if (!to_stage->closed) {
      c.clock_stops.push_back({*c.paused_since, on});
      Date old_due = c.due;
      apply_deadline(c, type, x.calendar);
      details["clock"] = "resumed";
      details["stopped"] = format_date(*c.paused_since);
      details["resumed"] = format_date(on);
      details["old_due"] = format_date(old_due);
      details["new_due"] = format_date(c.due);
    }
    c.paused_since.reset();
  }

  c.stage = t.to;
  if (to_stage->closed && !c.closed) {
    c.closed = true;
    c.outcome = outcome_for(t);
    c.closed_on = on;
    if (c.outcome == "answered") c.on_time = days_between(on, c.due) >= 0;
  } else if (!to_stage->closed && c.closed) {
    c.closed = false;
    c.outcome.clear();
    c.closed_on.reset();
    c.on_time.reset();
  }
  if (!req.assignee.empty()) {
    detail::add_participant(db, c.id, req.assignee, part_for_stage(type, c.stage), x.now);
    set_holder(c, req.assignee, x.now);
  } else if (from != c.stage || c.closed) {
    set_holder(c, default_holder(type, c), x.now);
  }
  c.action_needed = action_for(type, c);
  c.updated = x.now;
  if (!req.comment.empty()) details["comment"] = req.comment;
  if (!req.assignee.empty()) details["assignee"] = req.assignee;
  for (const auto& doc : req.documents) {
    db.prepare("INSERT OR IGNORE INTO case_documents (case_id, document_id, purpose, added, added_by) VALUES (?, ?, ?, ?, ?)")
        .bind(1, c.id)
        .bind(2, doc)
        .bind(3, t.id == "clarification_received" ? "clarification" : "letter")
        .bind(4, x.now)
        .bind(5, x.actor.name)
        .run();
  }
  if (!req.documents.empty()) details["documents"] = req.documents;

  std::optional<Case> created;
  if (!t.creates_case.empty()) {
    NewCase next;
    next.type = t.creates_case;
    next.received = x.today;
    next.division = c.division;
    next.requester = c.requester;
    next.mp = c.mp;
    next.topic = c.topic;
    next.team = c.team;
    next.link_same_requester = false;
    next.metadata = {{"opened_by", t.id}, {"from_case", c.reference}};
    if (c.metadata.contains("transfer_to")) next.metadata["transfer_to"] = c.metadata["transfer_to"];
    created = create_case(x, next, t.id, {{"from_case", c.reference}});
    std::string kind = t.id == "escalate" ? "escalated" : (t.id == "transfer" ? "transferred" : t.id);
    detail::add_link(db, c.id, created->id, kind + "_to", x.now);
    detail::add_link(db, created->id, c.id, kind + "_from", x.now);
    details["created_case"] = created->reference;
    detail::load_relations(db, *created);
  }
  detail::save_case(db, c);
  detail::add_event(x.w, c, {x.actor.name, std::string(to_string(role)), "transition:" + t.id, from, c.stage, req.reason, details});
  return created;
}

Case create_case(Ctx& x, const NewCase& req, const std::string& created_by_event, nlohmann::json event_details) {
  const CaseType& type = *x.types.get(req.type).value();
  auto& db = x.w.db();
  Case c;
  c.id = new_id("case");
  c.type = type.id;
  c.stage = type.initial_stage;
  c.division = req.division;
  c.received = req.received.value_or(x.today);
  if (days_between(x.today, c.received) > 0) {
    fail(Error::invalid_input("received date " + format_date(c.received) + " is in the future (today is " + format_date(x.today) + ")"));
  }
  c.named_day = req.named_day;
  if (type.deadline.kind == DeadlineKind::named_day && !c.named_day) {
    fail(Error::invalid_input("a " + type.id + " case needs its named day (--named-day YYYY-MM-DD)"));
  }
  c.requester = req.requester;
  c.mp = req.mp;
  c.topic = req.topic;
  c.team = req.team;
  c.owner = req.owner;
  if (!c.topic.empty()) {
    auto norm = normalise_topic_path(c.topic);
    if (!norm) fail(norm.error().within("topic"));
    c.topic = *norm;
    if (c.team.empty()) {
      if (auto topic = resolve_topic(db, c.topic)) c.team = topic->team;
    }
  }
  c.metadata = req.metadata.is_object() ? req.metadata : nlohmann::json::object();
  c.created = x.now;
  c.created_by = x.actor.name;
  c.updated = x.now;
  c.reference = type.reference.format(year_of(c.received), detail::next_sequence(db, type.id, year_of(c.received)));
  apply_deadline(c, type, x.calendar);
  c.holder = default_holder(type, c);
  c.holder_since = x.now;
  c.action_needed = action_for(type, c);
  detail::insert_case(db, c);
  if (!c.owner.empty()) detail::add_participant(db, c.id, c.owner, "official", x.now);
  for (const auto& doc : req.documents) {
    auto st = db.prepare("SELECT 1 FROM documents WHERE id = ?");
    st.bind(1, doc);
    if (!st.step()) fail(Error::not_found("no document '" + doc + "' in the store"));
    db.prepare("INSERT OR IGNORE INTO case_documents (case_id, document_id, purpose, added, added_by) VALUES (?, ?, 'letter', ?, ?)")
        .bind(1, c.id)
        .bind(2, doc)
        .bind(3, x.now)
        .bind(4, x.actor.name)
        .run();
  }
  for (const auto& other : req.related) {
    std::string other_id = detail::case_id_for(db, other);
    detail::add_link(db, c.id, other_id, "related", x.now);
    detail::add_link(db, other_id, c.id, "related", x.now);
  }
  event_details["deadline"] = format_date(c.due);
  if (!req.documents.empty()) event_details["documents"] = req.documents;
  detail::add_event(x.w, c, {x.actor.name, "", created_by_event, "", c.stage, "", event_details});
  detail::load_relations(db, c);
  return c;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CaseService

CaseService::CaseService(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar,
                         const Clock& clock)
    : catalog_(catalog), types_(types), calendar_(calendar), clock_(clock) {}

Date CaseService::today() const { return uk_local_time(clock_.now()).date; }

namespace {

// A forbidden outcome becomes a `case.refused` audit event, recorded on its own (the refused
// change itself was rolled back).
void record_refusal(storage::Catalog& catalog, const Status& outcome, const Actor& actor, const std::string& object,
                    const std::string& what) {
  if (outcome || outcome.error().kind != ErrorKind::forbidden) return;
  storage::AuditEvent e;
  e.actor = actor.name;
  e.action = "case.refused";
  e.object = object;
  e.details = {{"operation", what}, {"reason", outcome.error().message}};
  (void)catalog.record(e);
}

// Runs a write; a forbidden outcome is recorded in the audit log (outside the rolled-back
// transaction) before it is returned.
template <typename Fn>
Status audited_write(storage::Catalog& catalog, const Actor& actor, const std::string& object, const std::string& what, Fn&& fn) {
  Status s = catalog.write(std::forward<Fn>(fn));
  record_refusal(catalog, s, actor, object, what);
  return s;
}

template <typename Fn>
Status audited_read(const storage::Catalog& catalog, storage::Catalog& writable, const Actor& actor, const std::string& object,
                    const std::string& what, Fn&& fn) {
  Status s = catalog.read(std::forward<Fn>(fn));
  record_refusal(writable, s, actor, object, what);
  return s;
}

}  // namespace

Result<Actor> CaseService::actor_for(const storage::User& user) const {
  Actor a;
  a.name = user.name;
  a.roles.push_back(workflow_role(user.role));
  Status s = catalog_.read([&](sql::Database& db) {
    auto st = db.prepare("SELECT role FROM case_role_grants WHERE user_name = ? ORDER BY role");
    st.bind(1, user.name);
    while (st.step()) {
      auto r = parse_role(st.text(0));
      if (r && !a.has(*r)) a.roles.push_back(*r);
    }
  });
  if (!s) return s.error();
  return a;
}

Status CaseService::grant_role(const Actor& actor, const std::string& user_name, Role role) {
  return audited_write(catalog_, actor, "usr:" + user_name, "grant", [&](storage::CatalogWriter& w) {
    if (!actor.has(Role::admin)) fail(Error::forbidden(actor.name + " may not grant roles (admin only)"));
    auto st = w.db().prepare("SELECT 1 FROM users WHERE name = ?");
    st.bind(1, user_name);
    if (!st.step()) fail(Error::not_found("no user '" + user_name + "'"));
    w.db()
        .prepare("INSERT OR REPLACE INTO case_role_grants (user_name, role, granted, granted_by) VALUES (?, ?, ?, ?)")
        .bind(1, user_name)
        .bind(2, std::string(to_string(role)))
        .bind(3, format_utc(w.now()))
        .bind(4, actor.name)
        .run();
    w.audit({0, {}, actor.name, "case.role_grant", "user:" + user_name, {{"role", to_string(role)}}, "", ""});
  });
}

Status CaseService::revoke_role(const Actor& actor, const std::string& user_name, Role role) {
  return audited_write(catalog_, actor, "user:" + user_name, "revoke", [&](storage::CatalogWriter& w) {
    if (!actor.has(Role::admin)) fail(Error::forbidden(actor.name + " may not revoke roles (admin only)"));
    w.db().prepare("DELETE FROM case_role_grants WHERE user_name = ? AND role = ?").bind(1, user_name).bind(2, std::string(to_string(role))).run();
    if (w.db().changes() == 0) fail(Error::not_found(user_name + " holds no grant of " + std::string(to_string(role))));
    w.audit({0, {}, actor.name, "case.role_revoke", "user:" + user_name, {{"role", to_string(role)}}, "", ""});
  });
}

Result<Case> CaseService::create(const Actor& actor, const NewCase& request) {
  Case out;
  Status s = audited_write(catalog_, actor, "cases", "create", [&](storage::CatalogWriter& w) {
    if (!(actor.has(Role::intake) || actor.has(Role::caseworker) || actor.has(Role::admin))) {
      fail(Error::forbidden(actor.name + " may not log cases (intake, caseworker or admin)"));
    }
    Ctx x{w, types_, calendar_, actor, today(), format_utc(w.now())};
    out = create_case(x, request, "create", nlohmann::json::object());
    if (request.link_same_requester && !request.requester.empty()) {
      // A new letter from someone whose earlier case lapsed awaiting clarification continues it.
      auto matches = find_same_requester(w.db(), Actor::cli_operator("system"), request.requester, out.id);
      for (const auto& m : matches) {
        if (m.outcome == "lapsed") {
          detail::add_link(w.db(), out.id, m.case_id, "follow_up_of", x.now);
          detail::add_link(w.db(), m.case_id, out.id, "followed_by", x.now);
          detail::add_event(w, out, {actor.name, "", "link", "", "", "", {{"case", m.reference}, {"kind", "follow_up_of"}}});
        }
      }
      detail::load_relations(w.db(), out);
    }
  });
  if (!s) return s.error();
  return out;
}

Result<Case> CaseService::get(const Actor& actor, const std::string& id_or_reference) const {
  Case out;
  Status s = audited_read(catalog_, catalog_, actor, id_or_reference, "view", [&](sql::Database& db) {
    out = detail::load_case(db, id_or_reference);
    require_visible(db, actor, out);
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<CaseEvent>> CaseService::history(const Actor& actor, const std::string& id_or_reference) const {
  std::vector<CaseEvent> out;
  Status s = audited_read(catalog_, catalog_, actor, id_or_reference, "history", [&](sql::Database& db) {
    Case c = detail::load_case(db, id_or_reference);
    require_visible(db, actor, c);
    auto st = db.prepare(
        "SELECT num, time, actor, role, action, from_stage, to_stage, reason, details FROM case_events WHERE case_id = ? ORDER BY num");
    st.bind(1, c.id);
    while (st.step()) {
      out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), st.text(7),
                     nlohmann::json::parse(st.text(8))});
    }
  });
  if (!s) return s.error();
  return out;
}

Result<CasePage> CaseService::list(const Actor& actor, const CaseFilter& filter) const {
  CasePage page;
  std::size_t limit = std::clamp<std::size_t>(filter.limit, 1, 1000);
  Status s = catalog_.read([&](sql::Database& db) {
    std::string sql = "SELECT c.id FROM cases c WHERE 1";
    std::vector<std::string> binds;
    if (filter.open_only) sql += " AND c.closed = 0";
    if (filter.team) {
      sql += " AND c.team = ?";
      binds.push_back(*filter.team);
    }
    if (filter.holder) {
      sql += " AND c.holder = ?";
      binds.push_back(*filter.holder);
    }
    if (filter.type) {
      sql += " AND c.type = ?";
      binds.push_back(*filter.type);
    }
    if (filter.stage) {
      sql += " AND c.stage = ?";
      binds.push_back(*filter.stage);
    }
    if (filter.due_before) {
      sql += " AND c.due <= ?";
      binds.push_back(format_date(*filter.due_before));
    }
    if (!actor.sees_all()) {
      sql += " AND (c.id IN (SELECT case_id FROM case_participants WHERE user_name = ?) OR c.holder = ?";
      binds.push_back(actor.name);
      binds.push_back(actor.name);
      for (Role r : actor.roles) {
        sql += " OR c.holder = ?";
        binds.push_back("role:" + std::string(to_string(r)));
      }
      sql += ")";
    }
    std::optional<std::int64_t> after_num;
    if (filter.cursor) {
      auto bar = filter.cursor->find('|');
      if (bar == std::string::npos || !parse_date(filter.cursor->substr(0, bar), "cursor")) {
        fail(Error::invalid_input("cursor: not one this API gave out"));
      }
      try {
        after_num = std::stoll(filter.cursor->substr(bar + 1));
      } catch (const std::exception&) {
        fail(Error::invalid_input("cursor: not one this API gave out"));
      }
      sql += " AND (c.due, c.num) > (?, " + std::to_string(*after_num) + ")";
      binds.push_back(filter.cursor->substr(0, bar));
    }
    sql += " ORDER BY c.due, c.num LIMIT " + std::to_string(limit + 1);
    auto st = db.prepare(sql);
    for (std::size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.text(0));
    bool more = ids.size() > limit;
    if (more) ids.pop_back();
    for (const auto& id : ids) page.cases.push_back(detail::load_case(db, id));
    if (more && !page.cases.empty()) {
      auto num = db.prepare("SELECT num FROM cases WHERE id = ?");
      num.bind(1, page.cases.back().id);
      num.step();
      page.next_cursor = format_date(page.cases.back().due) + "|" + std::to_string(num.int64(0));
    }
  });
  if (!s) return s.error();
  return page;
}

Result<TransitionResult> CaseService::transition(const Actor& actor, const std::string& id_or_reference,
                                                 const TransitionRequest& request) {
  TransitionResult out;
  Status s = audited_write(catalog_, actor, id_or_reference, "transition:" + request.transition, [&](storage::CatalogWriter& w) {
    Ctx x{w, types_, calendar_, actor, today(), format_utc(w.now())};
    Case c = detail::load_case(w.db(), id_or_reference);
    require_visible(w.db(), actor, c);
    const CaseType& type = type_of(types_, c.type);
    const Transition* t = type.transition(request.transition);
    if (t == nullptr) {
      std::string options;
      for (const auto* o : type.transitions_from(c.stage)) options += (options.empty() ? "" : ", ") + o->id;
      fail(Error::invalid_input("a " + c.type + " case has no transition '" + request.transition + "' (from stage '" + c.stage +
                                "': " + (options.empty() ? "none" : options) + ")"));
    }
    out.created = apply_transition(x, c, *t, request);
    detail::load_relations(w.db(), c);
    out.updated = std::move(c);
  });
  if (!s) return s.error();
  return out;
}

Result<TransitionResult> CaseService::triage(const Actor& actor, const std::string& id_or_reference, const TriageRequest& request) {
  TransitionResult out;
  Status s = audited_write(catalog_, actor, id_or_reference, "triage", [&](storage::CatalogWriter& w) {
    Ctx x{w, types_, calendar_, actor, today(), format_utc(w.now())};
    Case c = detail::load_case(w.db(), id_or_reference);
    require_visible(w.db(), actor, c);
    const CaseType& type = type_of(types_, c.type);
    if (c.stage == type.initial_stage) {
      if (const Transition* start = type.transition("start_triage"); start != nullptr) {
        apply_transition(x, c, *start, {});
      }
    }
    std::string id;
    TransitionRequest req;
    req.reason = request.reason;
    req.assignee = request.assignee;
    req.on = request.on;
    switch (request.decision) {
      case TriageDecision::accept: id = "accept"; break;
      case TriageDecision::reject: id = "reject"; break;
      case TriageDecision::clarify: id = "request_clarification"; break;
      case TriageDecision::transfer:
        id = "transfer";
        if (request.transfer_to.empty()) fail(Error::invalid_input("transfer: say where to (the team or department)"));
        c.metadata["transfer_to"] = request.transfer_to;
        break;
    }
    const Transition* t = type.transition(id);
    if (t == nullptr) fail(Error::conflict("a " + c.type + " case cannot be triaged with '" + id + "': its type has no such transition"));
    nlohmann::json details = nlohmann::json::object();
    if (!request.transfer_to.empty()) details["transfer_to"] = request.transfer_to;
    out.created = apply_transition(x, c, *t, req, details);
    detail::load_relations(w.db(), c);
    out.updated = std::move(c);
  });
  if (!s) return s.error();
  return out;
}

Result<TransitionResult> CaseService::clarification_received(const Actor& actor, const std::string& id_or_reference,
                                                             std::optional<Date> on, const std::vector<std::string>& documents) {
  TransitionRequest req;
  req.transition = "clarification_received";
  req.on = on;
  req.documents = documents;
  return transition(actor, id_or_reference, req);
}

Result<TransitionResult> CaseService::escalate(const Actor& actor, const std::string& id_or_reference, const std::string& reason) {
  std::string transition_id;
  Status s = catalog_.read([&](sql::Database& db) {
    Case c = detail::load_case(db, id_or_reference);
    for (const auto* t : type_of(types_, c.type).transitions_from(c.stage)) {
      if (!t->creates_case.empty() && t->id != "transfer") transition_id = t->id;
    }
    if (transition_id.empty()) {
      fail(Error::conflict("case " + c.reference + " (" + c.type + ", stage '" + c.stage + "') cannot be escalated from here" +
                           (c.closed ? "" : "; a complaint is escalated once its stage is closed")));
    }
  });
  if (!s) return s.error();
  TransitionRequest req;
  req.transition = transition_id;
  req.reason = reason;
  return transition(actor, id_or_reference, req);
}

Result<TransitionResult> CaseService::sign_off(const Actor& actor, const std::string& id_or_reference, const std::string& comment,
                                               const std::string& next_holder) {
  std::string transition_id;
  Status s = catalog_.read([&](sql::Database& db) {
    Case c = detail::load_case(db, id_or_reference);
    const CaseType& type = type_of(types_, c.type);
    // The forward step from this stage: the one transition that needs no reason and does not
    // close the case early (reject/transfer need reasons) -- submit, pass QA, sign off, signed.
    std::vector<const Transition*> forward;
    for (const auto* t : type.transitions_from(c.stage)) {
      if (!t->requires_reason && t->creates_case.empty() && t->id != "start_triage" && t->id != "request_clarification") {
        forward.push_back(t);
      }
    }
    bool in_chain = std::any_of(type.sign_off.begin(), type.sign_off.end(), [&](const SignOffStep& st) { return st.stage == c.stage; });
    bool owner_step = c.stage == "draft";
    if ((!in_chain && !owner_step) || forward.size() != 1) {
      std::string chain;
      for (const auto& st : type.sign_off) chain += (chain.empty() ? "" : " -> ") + st.stage + " (" + std::string(to_string(st.role)) + ")";
      fail(Error::conflict("case " + c.reference + " is at stage '" + c.stage + "', which is not a sign-off step of a " + c.type +
                           " case (owner submits from draft, then " + chain + ")"));
    }
    transition_id = forward.front()->id;
  });
  if (!s) return s.error();
  TransitionRequest req;
  req.transition = transition_id;
  req.comment = comment;
  req.assignee = next_holder;
  return transition(actor, id_or_reference, req);
}

Result<TransitionResult> CaseService::return_for_corrections(const Actor& actor, const std::string& id_or_reference,
                                                             const std::string& reason) {
  std::string transition_id;
  Status s = catalog_.read([&](sql::Database& db) {
    Case c = detail::load_case(db, id_or_reference);
    const CaseType& type = type_of(types_, c.type);
    for (const auto* t : type.transitions_from(c.stage)) {
      if (t->to == "draft" && t->requires_reason && t->id != "reallocate") transition_id = t->id;
    }
    if (transition_id.empty()) fail(Error::conflict("case " + c.reference + " at stage '" + c.stage + "' cannot be returned for corrections"));
  });
  if (!s) return s.error();
  TransitionRequest req;
  req.transition = transition_id;
  req.reason = reason;
  return transition(actor, id_or_reference, req);
}

namespace {

// A change that leaves the stage alone: loads, checks visibility, runs fn, saves, reloads.
template <typename Fn>
Result<Case> modify(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar, Date today,
                    const Actor& actor, const std::string& ref, const std::string& what, Fn&& fn) {
  Case out;
  Status s = audited_write(catalog, actor, ref, what, [&](storage::CatalogWriter& w) {
    Ctx x{w, types, calendar, actor, today, format_utc(w.now())};
    Case c = detail::load_case(w.db(), ref);
    require_visible(w.db(), actor, c);
    fn(x, c);
    c.updated = x.now;
    detail::save_case(w.db(), c);
    detail::load_relations(w.db(), c);
    out = std::move(c);
  });
  if (!s) return s.error();
  return out;
}

}  // namespace

Result<Case> CaseService::comment(const Actor& actor, const std::string& id_or_reference, const std::string& text) {
  if (text.empty()) return Error::invalid_input("an empty comment");
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "comment", [&](Ctx& x, Case& c) {
    detail::add_event(x.w, c, {actor.name, "", "comment", "", "", "", {{"comment", text}}});
  });
}

Result<Case> CaseService::link_document(const Actor& actor, const std::string& id_or_reference, const std::string& document_id,
                                        const std::string& purpose) {
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "link_document", [&](Ctx& x, Case& c) {
    auto& db = x.w.db();
    auto st = db.prepare("SELECT 1 FROM documents WHERE id = ?");
    st.bind(1, document_id);
    if (!st.step()) fail(Error::not_found("no document '" + document_id + "' in the store"));
    db.prepare("INSERT OR IGNORE INTO case_documents (case_id, document_id, purpose, added, added_by) VALUES (?, ?, ?, ?, ?)")
        .bind(1, c.id)
        .bind(2, document_id)
        .bind(3, purpose.empty() ? "letter" : purpose)
        .bind(4, x.now)
        .bind(5, actor.name)
        .run();
    if (db.changes() == 0) fail(Error::conflict("document " + document_id + " is already linked to " + c.reference));
    detail::add_event(x.w, c, {actor.name, "", "document", "", "", "", {{"document", document_id}, {"purpose", purpose}}});
  });
}

Result<Case> CaseService::link_case(const Actor& actor, const std::string& id_or_reference, const std::string& other,
                                    const std::string& kind) {
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "link_case", [&](Ctx& x, Case& c) {
    auto& db = x.w.db();
    std::string other_id = detail::case_id_for(db, other);
    if (other_id == c.id) fail(Error::invalid_input("a case cannot be linked to itself"));
    std::string k = kind.empty() ? "related" : kind;
    detail::add_link(db, c.id, other_id, k, x.now);
    detail::add_link(db, other_id, c.id, k == "follow_up_of" ? "followed_by" : k, x.now);
    detail::add_event(x.w, c, {actor.name, "", "link", "", "", "", {{"case", other}, {"kind", k}}});
  });
}

Result<Case> CaseService::request_contribution(const Actor& actor, const std::string& id_or_reference, const std::string& user_name,
                                               const std::string& what) {
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "contribution", [&](Ctx& x, Case& c) {
    if (!actor.sees_all() && !actor.has(Role::team_leader)) fail(Error::forbidden(actor.name + " may not ask for contributions"));
    auto st = x.w.db().prepare("SELECT 1 FROM users WHERE name = ? AND disabled = 0");
    st.bind(1, user_name);
    if (!st.step()) fail(Error::not_found("no user '" + user_name + "'"));
    detail::add_participant(x.w.db(), c.id, user_name, "contributor", x.now);
    detail::add_event(x.w, c, {actor.name, "", "contribution.request", "", "", "", {{"user", user_name}, {"what", what}}});
  });
}

Result<Case> CaseService::take_from_pool(const Actor& actor, const std::string& id_or_reference) {
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "pool.take", [&](Ctx& x, Case& c) {
    const CaseType& type = type_of(types_, c.type);
    if (c.closed) fail(Error::conflict(c.reference + " is closed"));
    const SignOffStep* step = nullptr;
    for (const auto& s : type.sign_off) {
      if (s.stage == c.stage) step = &s;
    }
    std::string pool = step != nullptr ? "role:" + std::string(to_string(step->role)) : std::string();
    if (step == nullptr || c.holder != pool) {
      fail(Error::conflict(c.reference + " is not waiting in a sign-off pool (stage '" + c.stage + "', held by " +
                           (c.holder.empty() ? std::string("nobody") : c.holder) + ")"));
    }
    if (!actor.has(step->role)) {
      fail(Error::forbidden(actor.name + " (" + roles_text(actor.roles) + ") may not take " + c.reference + " from the " +
                            std::string(to_string(step->role)) + " pool: that needs the " + std::string(to_string(step->role)) +
                            " role"));
    }
    detail::add_participant(x.w.db(), c.id, actor.name, "clearer", x.now);
    set_holder(c, actor.name, x.now);
    detail::add_event(x.w, c, {actor.name, std::string(to_string(step->role)), "pool.take", "", "", "",
                               {{"pool", pool}, {"stage", c.stage}}});
  });
}

Result<Case> CaseService::extend_deadline(const Actor& actor, const std::string& id_or_reference, const std::string& reason) {
  if (reason.empty()) return Error::invalid_input("an extension needs a reason (it is sent to the requester)");
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "extend", [&](Ctx& x, Case& c) {
    if (!(actor.has(Role::caseworker) || actor.has(Role::team_leader) || actor.has(Role::admin))) {
      fail(Error::forbidden(actor.name + " may not extend deadlines (caseworker, team leader or admin)"));
    }
    const CaseType& type = type_of(types_, c.type);
    if (type.deadline.extension == 0) fail(Error::conflict("a " + c.type + " deadline cannot be extended"));
    if (c.extended) fail(Error::conflict(c.reference + " is already extended"));
    if (c.closed) fail(Error::conflict(c.reference + " is closed"));
    Date old_due = c.due;
    c.extended = true;
    apply_deadline(c, type, calendar_);
    detail::add_event(x.w, c, {actor.name, "", "deadline.extend", "", "", reason, {{"old_due", format_date(old_due)}, {"new_due", format_date(c.due)}}});
  });
}

Result<TransitionResult> CaseService::allocate(const Actor& actor, const std::string& id_or_reference, const std::string& official) {
  std::string who = official;
  if (who.empty()) {
    Status s = catalog_.read([&](sql::Database& db) {
      Case c = detail::load_case(db, id_or_reference);
      if (c.topic.empty()) fail(Error::invalid_input(c.reference + " has no topic: name the official (--to USER)"));
      auto topic = resolve_topic(db, c.topic);
      if (!topic || (topic->officials.empty() && topic->deputies.empty())) {
        fail(Error::not_found("the directory lists no official for topic '" + c.topic + "': name the official (--to USER)"));
      }
      // The official (then deputy) holding the fewest open cases.
      std::vector<std::string> candidates = topic->officials;
      candidates.insert(candidates.end(), topic->deputies.begin(), topic->deputies.end());
      std::int64_t best = -1;
      auto count = db.prepare("SELECT COUNT(*) FROM cases WHERE holder = ? AND closed = 0");
      for (const auto& cand : candidates) {
        count.reset();
        count.bind(1, cand);
        count.step();
        std::int64_t n = count.int64(0);
        if (best < 0 || n < best) {
          best = n;
          who = cand;
        }
      }
    });
    if (!s) return s.error();
  }
  TransitionResult out;
  Status s = audited_write(catalog_, actor, id_or_reference, "allocate", [&](storage::CatalogWriter& w) {
    Ctx x{w, types_, calendar_, actor, today(), format_utc(w.now())};
    Case c = detail::load_case(w.db(), id_or_reference);
    require_visible(w.db(), actor, c);
    const Transition* t = type_of(types_, c.type).transition("allocate");
    if (t == nullptr) fail(Error::conflict("a " + c.type + " case has no allocation step"));
    c.owner = who;
    c.allocation = "offered";
    if (c.team.empty() && !c.topic.empty()) {
      if (auto topic = resolve_topic(w.db(), c.topic)) c.team = topic->team;
    }
    TransitionRequest req;
    req.assignee = who;
    apply_transition(x, c, *t, req, {{"official", who}, {"suggested", official.empty()}});
    detail::load_relations(w.db(), c);
    out.updated = std::move(c);
  });
  if (!s) return s.error();
  return out;
}

Result<Case> CaseService::accept_allocation(const Actor& actor, const std::string& id_or_reference) {
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "allocation.accept", [&](Ctx& x, Case& c) {
    if (c.allocation != "offered") fail(Error::conflict(c.reference + " has no allocation waiting to be accepted"));
    if (!actor.operator_ && c.holder != actor.name) {
      fail(Error::forbidden(actor.name + " cannot accept an allocation made to " + c.holder));
    }
    c.allocation = "accepted";
    c.action_needed = action_for(type_of(types_, c.type), c);
    detail::add_event(x.w, c, {actor.name, "", "allocation.accept", "", "", "", {{"official", c.holder}}});
  });
}

Result<TransitionResult> CaseService::decline_allocation(const Actor& actor, const std::string& id_or_reference,
                                                         const std::string& reason) {
  TransitionResult out;
  Status s = audited_write(catalog_, actor, id_or_reference, "allocation.decline", [&](storage::CatalogWriter& w) {
    Ctx x{w, types_, calendar_, actor, today(), format_utc(w.now())};
    Case c = detail::load_case(w.db(), id_or_reference);
    require_visible(w.db(), actor, c);
    if (c.allocation != "offered") fail(Error::conflict(c.reference + " has no allocation waiting to be accepted or declined"));
    if (!actor.operator_ && c.holder != actor.name) fail(Error::forbidden(actor.name + " cannot decline an allocation made to " + c.holder));
    const Transition* t = type_of(types_, c.type).transition("reallocate");
    if (t == nullptr) fail(Error::conflict("a " + c.type + " case cannot be handed back"));
    if (reason.empty()) fail(Error::invalid_input("declining an allocation needs a reason"));
    std::string declined_by = c.holder;
    c.owner.clear();
    c.allocation.clear();
    TransitionRequest req;
    req.reason = reason;
    apply_transition(x, c, *t, req, {{"declined_by", declined_by}});
    detail::load_relations(w.db(), c);
    out.updated = std::move(c);
  });
  if (!s) return s.error();
  return out;
}

Result<Case> CaseService::reallocate(const Actor& actor, const std::string& id_or_reference, const std::string& official,
                                     const std::string& reason, const std::string& team) {
  if (official.empty()) return Error::invalid_input("reallocate: name the official (--to USER)");
  if (reason.empty()) return Error::invalid_input("reallocate: give a reason");
  return modify(catalog_, types_, calendar_, today(), actor, id_or_reference, "reallocate", [&](Ctx& x, Case& c) {
    const CaseType& type = type_of(types_, c.type);
    const Transition* t = type.transition("reallocate");
    if (t == nullptr) fail(Error::conflict("a " + c.type + " case cannot be reallocated"));
    if (c.closed) fail(Error::conflict(c.reference + " is closed"));
    // Same rights as the type's reallocate transition, in one step and at any open stage.
    Role role = t->roles.front();
    if (!actor.operator_) {
      auto it = std::find_if(actor.roles.begin(), actor.roles.end(),
                             [&](Role r) { return std::find(t->roles.begin(), t->roles.end(), r) != t->roles.end(); });
      if (it == actor.roles.end() || *it == Role::contributor) {
        fail(Error::forbidden(actor.name + " (" + roles_text(actor.roles) + ") may not reallocate a " + c.type + " case"));
      }
      role = *it;
    }
    std::string previous = c.owner;
    c.owner = official;
    if (!team.empty()) c.team = team;
    c.allocation = "offered";
    if (c.holder == previous || c.stage == "draft" || c.stage == "allocation") set_holder(c, official, x.now);
    if (c.stage == "allocation") {
      const Transition* alloc = type.transition("allocate");
      if (alloc != nullptr) {
        c.stage = alloc->to;
      }
    }
    c.action_needed = action_for(type, c);
    detail::add_participant(x.w.db(), c.id, official, "official", x.now);
    detail::add_event(x.w, c, {actor.name, std::string(to_string(role)), "allocation.reallocate", "", "", reason,
                              {{"from", previous}, {"to", official}, {"team", c.team}}});
  });
}

Result<std::vector<RecomputedDeadline>> CaseService::recompute_deadlines(const Actor& actor) {
  std::vector<RecomputedDeadline> out;
  Status s = audited_write(catalog_, actor, "cases", "recompute_deadlines", [&](storage::CatalogWriter& w) {
    if (!(actor.has(Role::admin) || actor.has(Role::caseworker))) fail(Error::forbidden(actor.name + " may not recompute deadlines"));
    auto& db = w.db();
    auto st = db.prepare("SELECT id FROM cases WHERE closed = 0 ORDER BY num");
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.text(0));
    std::string now = format_utc(w.now());
    for (const auto& id : ids) {
      Case c = detail::load_case(db, id);
      const CaseType* type = types_.find(c.type);
      if (type == nullptr) continue;  // a type this installation no longer loads: left alone
      Date old_due = c.due;
      nlohmann::json old = c.deadline;
      apply_deadline(c, *type, calendar_);
      if (c.deadline == old) continue;
      c.updated = now;
      detail::save_case(db, c);
      detail::add_event(w, c, {actor.name, "", "deadline.recompute", "", "", "",
                               {{"old_due", format_date(old_due)}, {"new_due", format_date(c.due)}, {"calendar", calendar_.source()}}});
      if (old_due != c.due) out.push_back({c.id, c.reference, old_due, c.due});
    }
  });
  if (!s) return s.error();
  return out;
}

Result<LapseResult> CaseService::close_lapsed(const Actor& actor, int days) {
  if (days < 1) return Error::invalid_input("the lapse period must be at least one day");
  LapseResult out;
  Status s = audited_write(catalog_, actor, "cases", "close_lapsed", [&](storage::CatalogWriter& w) {
    Ctx x{w, types_, calendar_, actor, today(), format_utc(w.now())};
    auto st = w.db().prepare("SELECT id FROM cases WHERE closed = 0 AND paused_since IS NOT NULL AND paused_since <= ? ORDER BY num");
    st.bind(1, format_date(add_days(x.today, -days)));
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.text(0));
    for (const auto& id : ids) {
      Case c = detail::load_case(w.db(), id);
      const CaseType* type = types_.find(c.type);
      const Transition* t = type != nullptr ? type->transition("clarification_lapsed") : nullptr;
      if (t == nullptr || std::find(t->from.begin(), t->from.end(), c.stage) == t->from.end()) continue;
      TransitionRequest req;
      req.reason = "no clarification received within " + std::to_string(days) + " days of the request (" +
                   format_date(*c.paused_since) + ")";
      apply_transition(x, c, *t, req);
      out.closed.push_back(c.reference);
    }
  });
  if (!s) return s.error();
  return out;
}

namespace {

std::vector<RequesterMatch> find_same_requester(sql::Database& db, const Actor& actor, const Requester& requester,
                                                const std::string& exclude_case_id) {
  std::vector<RequesterMatch> out;
  std::string email = normalise_email(requester.email);
  std::string name = normalise_name(requester.name);
  std::string postcode = normalise_postcode(requester.postcode);
  if (postcode.empty()) postcode = postcode_in_address(requester.address);
  std::string address = normalise_address(requester.address);
  if (email.empty() && (name.empty() || postcode.empty()) && (address.empty() || postcode.empty())) return out;
  auto st = db.prepare(
      "SELECT id, reference, type, stage, closed, COALESCE(outcome, ''), match_email, match_name, match_postcode, match_address "
      "FROM cases WHERE (?1 <> '' AND match_email = ?1) OR (?2 <> '' AND ?3 <> '' AND match_name = ?2 AND match_postcode = ?3) "
      "OR (?4 <> '' AND ?3 <> '' AND match_address = ?4 AND match_postcode = ?3) ORDER BY num DESC LIMIT 200");
  st.bind(1, email).bind(2, name).bind(3, postcode).bind(4, address);
  while (st.step()) {
    if (st.text(0) == exclude_case_id) continue;
    RequesterMatch m{st.text(0), st.text(1), st.text(2), st.text(3), st.int64(4) != 0, st.text(5), {}};
    if (!email.empty() && st.text(6) == email) m.matched_on.push_back("email");
    if (!name.empty() && !postcode.empty() && st.text(7) == name && st.text(8) == postcode) m.matched_on.push_back("name+postcode");
    if (!address.empty() && !postcode.empty() && st.text(9) == address && st.text(8) == postcode) m.matched_on.push_back("address+postcode");
    out.push_back(std::move(m));
  }
  if (!actor.sees_all()) {
    std::erase_if(out, [&](const RequesterMatch& m) { return !visible(db, actor, detail::load_case(db, m.case_id)); });
  }
  return out;
}

}  // namespace

Result<std::vector<RequesterMatch>> CaseService::same_requester(const Actor& actor, const Requester& requester,
                                                                const std::string& exclude_case_id) const {
  std::vector<RequesterMatch> out;
  Status s = catalog_.read([&](sql::Database& db) { out = find_same_requester(db, actor, requester, exclude_case_id); });
  if (!s) return s.error();
  return out;
}

Result<std::string> CaseService::letter(const Actor& actor, const std::string& id_or_reference, const std::string& kind) const {
  auto c = get(actor, id_or_reference);
  if (!c) return c.error();
  auto type = types_.get(c->type);
  if (!type) return type.error();
  std::string reason;
  auto h = history(actor, id_or_reference);
  if (!h) return h.error();
  for (const auto& e : *h) {
    if (!e.reason.empty()) reason = e.reason;
  }
  return template_letter(kind, *c, **type, reason, today());
}

}  // namespace redbox::workflows
