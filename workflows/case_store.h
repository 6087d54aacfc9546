// Cases in the catalog database: the case row (reference, type, stage, requester, MP, topic,
// team, owner, current holder with since-when and the action needed, deadline with its stored
// explanation), linked documents and cases, participants, and the history (one case_events row
// plus one audit event for every change, in the same transaction).
//
// Every change goes through CaseService, which enforces the case type (case_type.h): a stage
// changes only by a transition the type declares from the current stage, made by a role the
// type allows. Who sees what:
//   admin, intake, caseworker (and the CLI operator)  every case
//   reviewer, contributor and users who only hold a sign-off grant  the cases they take part
//   in: allocated to them, asked to contribute to, or asked to clear.
// A refusal is a forbidden error and an audit event ("case.refused") naming who, what and why.
//
// Workflow roles of a user = their catalog role plus grants (case_role_grants: team_leader,
// private_office, reviewer...), so a caseworker who is also a team leader can sign off.
//
// Deadlines come from the type's rule (deadlines.h) over the received date, the case's division,
// named day, clock stops and extension, computed with the calendar the service was given; the
// explanation and milestones are stored with the case, and recompute_deadlines() moves open
// cases when the calendar changes (a newly announced bank holiday).
//
// Thread-safety: a CaseService holds references to a Catalog (thread-safe), an immutable
// registry and calendar, and a Clock; its methods may be called from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "storage/catalog.h"
#include "workflows/calendar.h"
#include "workflows/case_type.h"
#include "workflows/date.h"
#include "workflows/requester.h"

namespace redbox::workflows {

// Who is acting, with every workflow role they hold.
struct Actor {
  std::string name;
  std::vector<Role> roles;
  bool operator_ = false;  // the local CLI operator: every role, sees everything

  bool has(Role role) const;
  bool sees_all() const;
  static Actor cli_operator(std::string name = "cli");
};

struct NewCase {
  std::string type;
  std::optional<Date> received;          // default: today (UK)
  Division division = Division::england_and_wales;
  std::optional<Date> named_day;         // PQs and write rounds
  Requester requester;
  std::string mp;
  std::string topic;
  std::string team;                      // default: the topic's team in the directory
  std::string owner;
  std::vector<std::string> documents;    // document ids in the store (the letter)
  std::vector<std::string> related;      // case ids or references to link
  bool link_same_requester = true;       // link to a lapsed case of the same requester
  nlohmann::json metadata = nlohmann::json::object();
};

struct CaseLink {
  std::string case_id;
  std::string reference;
  std::string kind;
};

struct CaseDocument {
  std::string document_id;
  std::string purpose;
  std::string added;
  std::string added_by;
};

struct Case {
  std::string id;
  std::string reference;
  std::string type;
  std::string stage;
  bool closed = false;
  std::string outcome;
  Division division = Division::england_and_wales;
  Date received;
  std::optional<Date> named_day;
  bool extended = false;
  Requester requester;
  std::string mp;
  std::string topic;
  std::string team;
  std::string owner;
  std::string holder;
  std::string holder_since;
  std::string action_needed;
  std::string allocation;   // "", "offered", "accepted"
  Date due;
  std::string due_time;
  nlohmann::json deadline;  // due, explanation, milestones
  std::vector<ClockStop> clock_stops;
  std::optional<Date> paused_since;
  std::optional<Date> closed_on;
  std::optional<bool> on_time;
  std::string created;
  std::string created_by;
  std::string updated;
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<CaseDocument> documents;
  std::vector<CaseLink> links;
  std::vector<std::pair<std::string, std::string>> participants;  // user, part

  // with_personal_data false leaves the requester out (lists, logs).
  nlohmann::json to_json(bool with_personal_data = true) const;
};

struct CaseEvent {
  std::int64_t num = 0;
  std::string time;
  std::string actor;
  std::string role;
  std::string action;
  std::string from_stage;
  std::string to_stage;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
  nlohmann::json to_json() const;
};

struct CaseFilter {
  std::optional<std::string> team;
  std::optional<std::string> holder;
  std::optional<std::string> type;
  std::optional<std::string> stage;
  bool open_only = true;
  std::optional<Date> due_before;          // due on or before
  std::size_t limit = 100;                 // clamped to [1, 1000]
  std::optional<std::string> cursor;       // from CasePage::next_cursor
};

struct CasePage {
  std::vector<Case> cases;                 // by deadline, then creation
  std::optional<std::string> next_cursor;
};

// One step asked of a case: a transition the type declares (by id), with what it needs.
struct TransitionRequest {
  std::string transition;
  std::string reason;                      // required where the type says so
  std::string comment;
  std::string assignee;                    // the user who holds the case next (allocation, QA...)
  std::optional<Date> on;                  // the day it happened (default today): clarification dates
  std::vector<std::string> documents;      // documents that came with it (a reply)
};

struct TransitionResult {
  Case updated;
  std::optional<Case> created;             // escalation or transfer opened this case
};

enum class TriageDecision { accept, reject, transfer, clarify };
Result<TriageDecision> parse_triage_decision(std::string_view text);

struct TriageRequest {
  TriageDecision decision = TriageDecision::accept;
  std::string reason;
  std::string transfer_to;                 // the team or department (transfer)
  std::string assignee;
  std::optional<Date> on;                  // the day it was decided (default today): when the clock stopped
};

struct RecomputedDeadline {
  std::string case_id;
  std::string reference;
  Date old_due;
  Date new_due;
};

struct LapseResult {
  std::vector<std::string> closed;         // references
};

struct RequesterMatch {
  std::string case_id;
  std::string reference;
  std::string type;
  std::string stage;
  bool closed = false;
  std::string outcome;
  std::vector<std::string> matched_on;     // email, name+postcode, address+postcode
};

class CaseService {
 public:
  CaseService(storage::Catalog& catalog, const CaseTypeRegistry& types, const HolidayCalendar& calendar,
              const Clock& clock = SystemClock::instance());

  // The workflow roles of a catalog user (their role + grants).
  Result<Actor> actor_for(const storage::User& user) const;
  Status grant_role(const Actor& actor, const std::string& user_name, Role role);
  Status revoke_role(const Actor& actor, const std::string& user_name, Role role);

  Result<Case> create(const Actor& actor, const NewCase& request);
  // By id ("case_...") or reference.
  Result<Case> get(const Actor& actor, const std::string& id_or_reference) const;
  Result<CasePage> list(const Actor& actor, const CaseFilter& filter) const;
  Result<std::vector<CaseEvent>> history(const Actor& actor, const std::string& id_or_reference) const;

  // Any transition the type declares from the current stage.
  Result<TransitionResult> transition(const Actor& actor, const std::string& id_or_reference, const TransitionRequest& request);
  // Triage: enters triage first when the case is still at its initial stage, then accepts,
  // rejects (reason), transfers (reason + where; a type whose transfer creates a case opens
  // it) or asks for clarification (stops the clock).
  Result<TransitionResult> triage(const Actor& actor, const std::string& id_or_reference, const TriageRequest& request);
  // The requester replied to a clarification request: the clock resumes on `on`.
  Result<TransitionResult> clarification_received(const Actor& actor, const std::string& id_or_reference, std::optional<Date> on,
                                                  const std::vector<std::string>& documents);
  // Complaint escalation: the type's transition with creates_case from the current stage.
  Result<TransitionResult> escalate(const Actor& actor, const std::string& id_or_reference, const std::string& reason);
  // The sign-off chain: approves the current step (the forward transition from this stage).
  Result<TransitionResult> sign_off(const Actor& actor, const std::string& id_or_reference, const std::string& comment,
                                    const std::string& next_holder);
  // Returns the case for corrections (the type's return transition from this stage).
  Result<TransitionResult> return_for_corrections(const Actor& actor, const std::string& id_or_reference,
                                                  const std::string& reason);
  // Comments, documents and links that do not change the stage.
  Result<Case> comment(const Actor& actor, const std::string& id_or_reference, const std::string& text);
  Result<Case> link_document(const Actor& actor, const std::string& id_or_reference, const std::string& document_id,
                             const std::string& purpose);
  Result<Case> link_case(const Actor& actor, const std::string& id_or_reference, const std::string& other, const std::string& kind);
  // Asks a user to contribute: they become a participant (and can see the case).
  Result<Case> request_contribution(const Actor& actor, const std::string& id_or_reference, const std::string& user_name,
                                    const std::string& what);
  // Takes a case waiting in a sign-off role's pool (holder "role:reviewer" at QA...): the actor,
  // who must hold that role, becomes its holder and a "clearer" participant ("pool.take" in the
  // history and audit log). Only the holder may then make that sign-off step (see the README).
  Result<Case> take_from_pool(const Actor& actor, const std::string& id_or_reference);
  Result<Case> extend_deadline(const Actor& actor, const std::string& id_or_reference, const std::string& reason);

  // Allocation. allocate() makes the type's "allocate" transition with the official as holder
  // (suggested from the topic directory when none is given); the official accepts or declines
  // (with a reason: back to awaiting allocation); reallocate() moves it to anyone in one step.
  Result<TransitionResult> allocate(const Actor& actor, const std::string& id_or_reference, const std::string& official);
  Result<Case> accept_allocation(const Actor& actor, const std::string& id_or_reference);
  Result<TransitionResult> decline_allocation(const Actor& actor, const std::string& id_or_reference, const std::string& reason);
  Result<Case> reallocate(const Actor& actor, const std::string& id_or_reference, const std::string& official,
                          const std::string& reason, const std::string& team);

  // Recomputes the deadline of every open case with this service's calendar; returns those that
  // moved (each change recorded in its history).
  Result<std::vector<RecomputedDeadline>> recompute_deadlines(const Actor& actor);
  // Closes cases awaiting clarification for more than `days` calendar days (the type's
  // clarification_lapsed transition).
  Result<LapseResult> close_lapsed(const Actor& actor, int days);
  // Earlier cases of the same requester (normalised e-mail, name + postcode, address + postcode).
  Result<std::vector<RequesterMatch>> same_requester(const Actor& actor, const Requester& requester,
                                                     const std::string& exclude_case_id = {}) const;

  // The template letter for a triage outcome (transfer, clarification, rejection), as text.
  Result<std::string> letter(const Actor& actor, const std::string& id_or_reference, const std::string& kind) const;

  Date today() const;
  const CaseTypeRegistry& types() const { return types_; }
  const HolidayCalendar& calendar() const { return calendar_; }
  storage::Catalog& catalog() const { return catalog_; }

 private:
  storage::Catalog& catalog_;
  const CaseTypeRegistry& types_;
  const HolidayCalendar& calendar_;
  const Clock& clock_;
};

}  // namespace redbox::workflows
