#include "workflows/case_type.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <set>

#include "common/files.h"
#include "workflows/detail/embedded_data.h"

namespace redbox::workflows {

namespace {

constexpr std::uint64_t kMaxTypeFileBytes = 1u << 20;

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Parsing helpers that throw Failure naming "<file>: <field>: <why>".
struct Reader {
  std::string source;

  [[noreturn]] void bad(const std::string& field, const std::string& why) const {
    fail(Error::invalid_input(source + ": " + field + ": " + why));
  }
  void keys(const nlohmann::json& j, const std::string& field, std::initializer_list<const char*> allowed) const {
    if (!j.is_object()) bad(field.empty() ? "(top level)" : field, "must be an object");
    for (const auto& [key, value] : j.items()) {
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (!known) bad(field.empty() ? key : field + "." + key, "unknown field");
    }
  }
  std::string string(const nlohmann::json& j, const std::string& parent, const char* key, bool required = true) const {
    const std::string field = parent.empty() ? key : parent + "." + key;
    if (!j.contains(key)) {
      if (required) bad(field, "missing");
      return {};
    }
    if (!j[key].is_string()) bad(field, "must be a string");
    return j[key].get<std::string>();
  }
  std::string id(const nlohmann::json& j, const std::string& parent, const char* key) const {
    std::string v = string(j, parent, key);
    if (!valid_id(v)) bad(parent.empty() ? key : parent + "." + key, "'" + v + "' is not an id (a-z, 0-9, _ and -)");
    return v;
  }
  bool boolean(const nlohmann::json& j, const std::string& parent, const char* key) const {
    if (!j.contains(key)) return false;
    if (!j[key].is_boolean()) bad(parent + "." + key, "must be true or false");
    return j[key].get<bool>();
  }
  Role role(const nlohmann::json& j, const std::string& field) const {
    if (!j.is_string()) bad(field, "must be a role name");
    auto r = parse_role(j.get<std::string>());
    if (!r) bad(field, r.error().message);
    return *r;
  }
  template <typename T>
  T value(Result<T> r) const {
    if (!r) fail(Error::invalid_input(source + ": " + r.error().message));
    return std::move(r).value();
  }
};

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::intake: return "intake";
    case Role::caseworker: return "caseworker";
    case Role::reviewer: return "reviewer";
    case Role::contributor: return "contributor";
    case Role::team_leader: return "team_leader";
    case Role::private_office: return "private_office";
  }
  return "unknown";
}

Result<Role> parse_role(std::string_view text) {
  for (Role r : {Role::admin, Role::intake, Role::caseworker, Role::reviewer, Role::contributor, Role::team_leader,
                 Role::private_office}) {
    if (text == to_string(r)) return r;
  }
  return Error::invalid_input("unknown role '" + std::string(text) +
                              "' (expected admin, intake, caseworker, reviewer, contributor, team_leader, "
                              "private_office)");
}

Result<ReferenceFormat> ReferenceFormat::parse(std::string_view pattern) {
  auto bad = [&](const std::string& why) {
    return Error::invalid_input("reference format '" + std::string(pattern) + "': " + why);
  };
  if (pattern.empty() || pattern.size() > 64) return bad("must be 1 to 64 characters");
  int seq = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '{') {
      auto end = pattern.find('}', i);
      if (end == std::string_view::npos) return bad("unclosed {");
      auto token = pattern.substr(i + 1, end - i - 1);
      if (token == "seq") {
        ++seq;
      } else if (token.substr(0, 4) == "seq:") {
        auto width = token.substr(4);
        if (width.size() != 2 || width[0] < '0' || width[0] > '1' || width[1] < '0' || width[1] > '9' ||
            width == "00") {
          return bad("{seq:NN} needs a width from 01 to 19");
        }
        ++seq;
      } else if (token != "yyyy" && token != "yy") {
        return bad("unknown placeholder {" + std::string(token) + "} (expected {yyyy}, {yy}, {seq}, {seq:NN})");
      }
      i = end;
    } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '/' || c == '_' || c == '.')) {
      return bad(std::string("character '") + c + "' is not allowed (letters, digits, - / _ .)");
    }
  }
  if (seq != 1) return bad("needs exactly one {seq} or {seq:NN}");
  ReferenceFormat f;
  f.pattern_ = std::string(pattern);
  return f;
}

std::string ReferenceFormat::format(int year, std::uint64_t sequence) const {
  std::string out;
  for (std::size_t i = 0; i < pattern_.size(); ++i) {
    if (pattern_[i] != '{') {
      out += pattern_[i];
      continue;
    }
    auto end = pattern_.find('}', i);
    std::string token = pattern_.substr(i + 1, end - i - 1);
    char buf[32];
    if (token == "yyyy") {
      std::snprintf(buf, sizeof buf, "%04d", year);
    } else if (token == "yy") {
      std::snprintf(buf, sizeof buf, "%02d", year % 100);
    } else if (token == "seq") {
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(sequence));
    } else {
      int width = std::atoi(token.c_str() + 4);
      std::snprintf(buf, sizeof buf, "%0*llu", width, static_cast<unsigned long long>(sequence));
    }
    out += buf;
    i = end;
  }
  return out;
}

const Stage* CaseType::stage(std::string_view stage_id) const {
  for (const auto& s : stages) {
    if (s.id == stage_id) return &s;
  }
  return nullptr;
}

const Transition* CaseType::transition(std::string_view transition_id) const {
  for (const auto& t : transitions) {
    if (t.id == transition_id) return &t;
  }
  return nullptr;
}

std::vector<const Transition*> CaseType::transitions_from(std::string_view stage_id) const {
  std::vector<const Transition*> out;
  for (const auto& t : transitions) {
    if (std::find(t.from.begin(), t.from.end(), stage_id) != t.from.end()) out.push_back(&t);
  }
  return out;
}

Result<const Transition*> CaseType::check_transition(std::string_view stage_id, std::string_view transition_id,
                                                     Role role) const {
  const Transition* t = transition(transition_id);
  if (t == nullptr) return Error::invalid_input(id + ": no transition '" + std::string(transition_id) + "'");
  if (std::find(t->from.begin(), t->from.end(), stage_id) == t->from.end()) {
    return Error::conflict(id + ": '" + t->id + "' cannot be made from stage '" + std::string(stage_id) + "'");
  }
  if (std::find(t->roles.begin(), t->roles.end(), role) == t->roles.end()) {
    return Error::forbidden(id + ": role " + std::string(to_string(role)) + " may not make '" + t->id + "'");
  }
  return t;
}

std::vector<const Transition*> CaseType::path_to_closure() const {
  // Breadth-first search over stages; remembers the transition that first reached each stage.
  std::map<std::string, const Transition*> via;
  std::map<std::string, std::string> parent;
  std::deque<std::string> queue{initial_stage};
  std::set<std::string> seen{initial_stage};
  while (!queue.empty()) {
    std::string s = queue.front();
    queue.pop_front();
    const Stage* st = stage(s);
    if (st != nullptr && st->closed) {
      std::vector<const Transition*> path;
      for (std::string at = s; at != initial_stage; at = parent[at]) path.push_back(via[at]);
      std::reverse(path.begin(), path.end());
      return path;
    }
    for (const Transition* t : transitions_from(s)) {
      if (seen.insert(t->to).second) {
        via[t->to] = t;
        parent[t->to] = s;
        queue.push_back(t->to);
      }
    }
  }
  return {};
}

nlohmann::json CaseType::to_json() const {
  nlohmann::json j;
  j["id"] = id;
  j["name"] = name;
  if (!description.empty()) j["description"] = description;
  j["reference"] = reference.pattern();
  j["initial_stage"] = initial_stage;
  for (const auto& s : stages) {
    nlohmann::json st = {{"id", s.id}, {"name", s.name}};
    if (s.closed) st["closed"] = true;
    j["stages"].push_back(st);
  }
  for (const auto& t : transitions) {
    nlohmann::json tj = {{"id", t.id}, {"name", t.name}, {"from", t.from}, {"to", t.to}};
    for (Role r : t.roles) tj["roles"].push_back(std::string(to_string(r)));
    if (t.requires_reason) tj["requires_reason"] = true;
    if (!t.creates_case.empty()) tj["creates_case"] = t.creates_case;
    j["transitions"].push_back(tj);
  }
  j["deadline"] = deadline.to_json();
  j["milestones"] = nlohmann::json::array();
  for (const auto& m : milestones) j["milestones"].push_back(m.to_json());
  if (chasing) j["chasing"] = chasing->to_json();
  j["sign_off"] = nlohmann::json::array();
  for (const auto& s : sign_off) j["sign_off"].push_back({{"stage", s.stage}, {"role", std::string(to_string(s.role))}});
  return j;
}

Result<CaseType> parse_case_type(std::string_view text, std::string_view source) {
  return guard([&]() -> CaseType {
    Reader r{std::string(source)};
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      std::string what = e.what();
      auto pos = what.find("] ");
      r.bad("(file)", "not valid JSON (" + (pos == std::string::npos ? what : what.substr(pos + 2)) + ")");
    }
    r.keys(j, "", {"id", "name", "description", "reference", "stages", "initial_stage", "transitions", "deadline",
                   "milestones", "chasing", "sign_off"});
    CaseType t;
    t.source = r.source;
    t.id = r.id(j, "", "id");
    t.name = r.string(j, "", "name");
    t.description = r.string(j, "", "description", false);
    t.reference = r.value(ReferenceFormat::parse(r.string(j, "", "reference")));

    if (!j.contains("stages") || !j["stages"].is_array() || j["stages"].empty()) r.bad("stages", "missing or empty");
    for (std::size_t i = 0; i < j["stages"].size(); ++i) {
      const auto& sj = j["stages"][i];
      const std::string field = "stages[" + std::to_string(i) + "]";
      r.keys(sj, field, {"id", "name", "closed"});
      Stage s{r.id(sj, field, "id"), r.string(sj, field, "name", false), r.boolean(sj, field, "closed")};
      if (s.name.empty()) s.name = s.id;
      if (t.stage(s.id) != nullptr) r.bad(field + ".id", "stage '" + s.id + "' is defined twice");
      t.stages.push_back(std::move(s));
    }
    t.initial_stage = r.string(j, "", "initial_stage", false);
    if (t.initial_stage.empty()) t.initial_stage = t.stages.front().id;
    if (t.stage(t.initial_stage) == nullptr) r.bad("initial_stage", "unknown stage '" + t.initial_stage + "'");
    if (t.stage(t.initial_stage)->closed) r.bad("initial_stage", "must not be a closed stage");
    if (std::none_of(t.stages.begin(), t.stages.end(), [](const Stage& s) { return s.closed; })) {
      r.bad("stages", "no stage is marked \"closed\": true");
    }

    if (!j.contains("transitions") || !j["transitions"].is_array() || j["transitions"].empty()) {
      r.bad("transitions", "missing or empty");
    }
    for (std::size_t i = 0; i < j["transitions"].size(); ++i) {
      const auto& tj = j["transitions"][i];
      const std::string field = "transitions[" + std::to_string(i) + "]";
      r.keys(tj, field, {"id", "name", "from", "to", "roles", "requires_reason", "creates_case"});
      Transition tr;
      tr.id = r.id(tj, field, "id");
      if (t.transition(tr.id) != nullptr) r.bad(field + ".id", "transition '" + tr.id + "' is defined twice");
      tr.name = r.string(tj, field, "name", false);
      if (tr.name.empty()) tr.name = tr.id;
      if (!tj.contains("from")) r.bad(field + ".from", "missing");
      const auto& from = tj["from"];
      if (from.is_string()) {
        tr.from.push_back(from.get<std::string>());
      } else if (from.is_array() && !from.empty()) {
        for (const auto& f : from) {
          if (!f.is_string()) r.bad(field + ".from", "must list stage ids");
          tr.from.push_back(f.get<std::string>());
        }
      } else {
        r.bad(field + ".from", "must be a stage id or a list of them");
      }
      for (const auto& f : tr.from) {
        if (t.stage(f) == nullptr) r.bad(field + ".from", "unknown stage '" + f + "'");
      }
      tr.to = r.string(tj, field, "to");
      if (t.stage(tr.to) == nullptr) r.bad(field + ".to", "unknown stage '" + tr.to + "'");
      if (!tj.contains("roles") || !tj["roles"].is_array() || tj["roles"].empty()) {
        r.bad(field + ".roles", "missing or empty (name who may make this transition)");
      }
      for (std::size_t k = 0; k < tj["roles"].size(); ++k) {
        tr.roles.push_back(r.role(tj["roles"][k], field + ".roles[" + std::to_string(k) + "]"));
      }
      tr.requires_reason = r.boolean(tj, field, "requires_reason");
      tr.creates_case = r.string(tj, field, "creates_case", false);
      if (!tr.creates_case.empty() && !valid_id(tr.creates_case)) {
        r.bad(field + ".creates_case", "'" + tr.creates_case + "' is not a type id");
      }
      t.transitions.push_back(std::move(tr));
    }

    if (!j.contains("deadline")) r.bad("deadline", "missing");
    t.deadline = r.value(DeadlineRule::from_json(j["deadline"], "deadline"));
    if (j.contains("milestones")) {
      if (!j["milestones"].is_array()) r.bad("milestones", "must be a list");
      std::set<std::string> ids;
      for (std::size_t i = 0; i < j["milestones"].size(); ++i) {
        const std::string field = "milestones[" + std::to_string(i) + "]";
        auto m = r.value(MilestoneRule::from_json(j["milestones"][i], field));
        if (!ids.insert(m.id).second) r.bad(field + ".id", "milestone '" + m.id + "' is defined twice");
        if (m.before_deadline && t.deadline.kind == DeadlineKind::named_day && m.working_days > 30) {
          r.bad(field, "more than 30 working days before a named day");
        }
        t.milestones.push_back(std::move(m));
      }
    }
    if (j.contains("chasing")) t.chasing = r.value(ChaseRule::from_json(j["chasing"], "chasing"));
    if (j.contains("sign_off")) {
      if (!j["sign_off"].is_array()) r.bad("sign_off", "must be a list");
      for (std::size_t i = 0; i < j["sign_off"].size(); ++i) {
        const auto& sj = j["sign_off"][i];
        const std::string field = "sign_off[" + std::to_string(i) + "]";
        r.keys(sj, field, {"stage", "role"});
        SignOffStep step{r.string(sj, field, "stage"), Role::admin};
        if (!sj.contains("role")) r.bad(field + ".role", "missing");
        step.role = r.role(sj["role"], field + ".role");
        if (t.stage(step.stage) == nullptr) r.bad(field + ".stage", "unknown stage '" + step.stage + "'");
        // The signer must be able to move the case on from the sign-off stage.
        auto out = t.transitions_from(step.stage);
        bool can = std::any_of(out.begin(), out.end(), [&](const Transition* tr) {
          return std::find(tr->roles.begin(), tr->roles.end(), step.role) != tr->roles.end();
        });
        if (!can) {
          r.bad(field, "no transition out of stage '" + step.stage + "' may be made by " +
                           std::string(to_string(step.role)));
        }
        t.sign_off.push_back(std::move(step));
      }
    }

    // Graph checks: every stage reachable from the first; a closed stage reachable from each.
    std::set<std::string> reached{t.initial_stage};
    std::deque<std::string> queue{t.initial_stage};
    while (!queue.empty()) {
      auto s = queue.front();
      queue.pop_front();
      for (const Transition* tr : t.transitions_from(s)) {
        if (reached.insert(tr->to).second) queue.push_back(tr->to);
      }
    }
    for (const auto& s : t.stages) {
      if (reached.count(s.id) == 0) {
        r.bad("stages", "stage '" + s.id + "' cannot be reached from '" + t.initial_stage + "'");
      }
    }
    for (const auto& s : t.stages) {
      if (s.closed) continue;
      CaseType probe;
      probe.stages = t.stages;
      probe.transitions = t.transitions;
      probe.initial_stage = s.id;
      if (probe.path_to_closure().empty()) {
        r.bad("transitions", "no closed stage can be reached from stage '" + s.id + "'");
      }
    }
    return t;
  });
}

Result<CaseTypeRegistry> CaseTypeRegistry::built_in() {
  return guard([]() -> CaseTypeRegistry {
    CaseTypeRegistry reg;
    for (const auto& f : embedded::case_type_files()) {
      reg.add(parse_case_type(f.content, "built-in types/" + std::string(f.name)).value()).throw_if_error();
    }
    reg.validate_links().throw_if_error();
    return reg;
  });
}

Status CaseTypeRegistry::load_directory(const std::filesystem::path& dir) {
  return guard([&] {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) fail(Error::not_found("case types folder " + dir.string() + " does not exist"));
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    }
    if (ec) fail(Error::io("cannot list " + dir.string() + ": " + ec.message()));
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = read_file(f, kMaxTypeFileBytes);
      if (!text) fail(text.error().within(f.string()));
      add(parse_case_type(*text, f.string()).value()).throw_if_error();
    }
  });
}

Status CaseTypeRegistry::add(CaseType type) {
  std::string id = type.id;
  types_.insert_or_assign(std::move(id), std::move(type));
  return Status::success();
}

Status CaseTypeRegistry::validate_links() const {
  for (const auto& [id, type] : types_) {
    for (const auto& t : type.transitions) {
      if (!t.creates_case.empty() && find(t.creates_case) == nullptr) {
        return Error::invalid_input(type.source + ": transition '" + t.id + "' creates a case of unknown type '" +
                                    t.creates_case + "'");
      }
    }
  }
  return Status::success();
}

const CaseType* CaseTypeRegistry::find(std::string_view id) const {
  auto it = types_.find(id);
  return it == types_.end() ? nullptr : &it->second;
}

Result<const CaseType*> CaseTypeRegistry::get(std::string_view id) const {
  if (const CaseType* t = find(id)) return t;
  std::string known;
  for (const auto& [k, v] : types_) known += (known.empty() ? "" : ", ") + k;
  return Error::not_found("unknown case type '" + std::string(id) + "' (known: " + known + ")");
}

std::vector<const CaseType*> CaseTypeRegistry::all() const {
  std::vector<const CaseType*> out;
  for (const auto& [id, t] : types_) out.push_back(&t);
  return out;
}

Result<CaseTypeRegistry> load_case_types(const std::vector<std::filesystem::path>& dirs) {
  auto reg = CaseTypeRegistry::built_in();
  if (!reg) return reg.error();
  std::vector<std::filesystem::path> all;
  if (const char* env = std::getenv("REDBOX_CASE_TYPES"); env != nullptr && *env != '\0') {
    std::string_view list = env;
    std::size_t start = 0;
    while (start <= list.size()) {
      auto end = list.find(':', start);
      if (end == std::string_view::npos) end = list.size();
      if (end > start) all.emplace_back(std::string(list.substr(start, end - start)));
      start = end + 1;
    }
  }
  all.insert(all.end(), dirs.begin(), dirs.end());
  for (const auto& d : all) {
    if (auto s = reg->load_directory(d); !s) return s.error();
  }
  if (auto s = reg->validate_links(); !s) return s.error();
  return reg;
}

}  // namespace redbox::workflows
