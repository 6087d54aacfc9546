// Case types as data: each type (SAR, FOI request, complaint stage 1, MP Official reply, ...) is a
// JSON file naming its stages, the transitions between them and which roles may make each, its
// deadline rule (deadlines.h), internal milestones, chasing, sign-off chain and reference
// format. The shipped types (workflows/types/*.json) are compiled in; an installation adds or
// overrides types by loading folders of its own files (later files override by type id).
//
// Roles: admin, intake, caseworker, reviewer, contributor, and two sign-off roles:
// team_leader (signs off an Official reply) and private_office (takes a reply back to a
// Minister for signature and records it).
//
// A transition with "creates_case" (complaint escalation, FOI transfer) opens a linked case of
// the named type; the registry checks the named type exists.
//
// The loader rejects, with the file and field named: unknown fields, unknown stages or roles in
// transitions, a bad deadline/milestone/chasing rule, a bad reference format, a stage that
// cannot be reached from the first stage, and a stage from which no closed stage can be reached.
//
// Thread-safety: a loaded CaseType/CaseTypeRegistry is immutable; const methods are thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "workflows/deadlines.h"

namespace redbox::workflows {

enum class Role { admin, intake, caseworker, reviewer, contributor, team_leader, private_office };
std::string_view to_string(Role role);
Result<Role> parse_role(std::string_view text);

struct Stage {
  std::string id;
  std::string name;
  bool closed = false;  // a case in this stage is closed (it may still be reopened)
};

struct Transition {
  std::string id;                 // "accept", "reject", "escalate"...
  std::string name;
  std::vector<std::string> from;  // stages it may be made from
  std::string to;
  std::vector<Role> roles;        // who may make it
  bool requires_reason = false;   // e.g. reject: the reason is recorded and sent
  std::string creates_case;       // type id of a linked case opened by this transition
};

struct SignOffStep {
  std::string stage;  // the stage where this sign-off happens
  Role role;
};

// A case reference pattern: literal text plus {yyyy}, {yy} and {seq} or {seq:N} (zero-padded
// to N digits), e.g. "SAR-{yyyy}-{seq:04}" -> "SAR-2026-0042".
class ReferenceFormat {
 public:
  static Result<ReferenceFormat> parse(std::string_view pattern);
  std::string format(int year, std::uint64_t sequence) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
};

struct CaseType {
  std::string id;
  std::string name;
  std::string description;
  std::string source;  // the file it came from, for messages
  std::vector<Stage> stages;
  std::string initial_stage;
  std::vector<Transition> transitions;
  DeadlineRule deadline;
  std::vector<MilestoneRule> milestones;
  std::optional<ChaseRule> chasing;
  std::vector<SignOffStep> sign_off;
  ReferenceFormat reference;

  const Stage* stage(std::string_view stage_id) const;
  const Transition* transition(std::string_view transition_id) const;
  // Transitions that may be made from a stage.
  std::vector<const Transition*> transitions_from(std::string_view stage_id) const;
  // The transition, if `role` may make it from `stage_id`; else forbidden/invalid_input.
  Result<const Transition*> check_transition(std::string_view stage_id, std::string_view transition_id, Role role) const;
  // A shortest sequence of transitions from the initial stage to a closed stage.
  std::vector<const Transition*> path_to_closure() const;

  nlohmann::json to_json() const;
};

// Parses and validates one type file's text. source names it in errors.
Result<CaseType> parse_case_type(std::string_view text, std::string_view source);

class CaseTypeRegistry {
 public:
  // The shipped types.
  static Result<CaseTypeRegistry> built_in();
  // Loads every *.json in a folder in name order; each replaces a loaded type with the same id.
  Status load_directory(const std::filesystem::path& dir);
  Status add(CaseType type);  // replaces a type with the same id
  // Every creates_case names a loaded type.
  Status validate_links() const;

  const CaseType* find(std::string_view id) const;
  Result<const CaseType*> get(std::string_view id) const;  // not_found naming the known ids
  std::vector<const CaseType*> all() const;                 // sorted by id

 private:
  std::map<std::string, CaseType, std::less<>> types_;
};

// The types an installation uses: the shipped ones, then each folder of $REDBOX_CASE_TYPES
// (':'-separated), then `dirs`, later overriding earlier; links validated.
Result<CaseTypeRegistry> load_case_types(const std::vector<std::filesystem::path>& dirs = {});

}  // namespace redbox::workflows
