#include "workflows/detail/case_rows.h"

namespace redbox::workflows::detail {

namespace {

constexpr const char* kColumns =
    "id, reference, type, stage, closed, outcome, division, received, named_day, extended, requester_name, "
    "requester_address, requester_email, requester_postcode, mp, topic, team, owner, holder, holder_since, "
    "action_needed, allocation, due, due_time, deadline, clock_stops, paused_since, closed_on, on_time, created, "
    "created_by, updated, metadata";

std::optional<Date> optional_date(const std::optional<std::string>& text, const char* what) {
  if (!text) return std::nullopt;
  return parse_date(*text, what).value();
}

nlohmann::json stops_json(const std::vector<ClockStop>& stops) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& s : stops) j.push_back({{"stopped", format_date(s.stopped)}, {"resumed", format_date(s.resumed)}});
  return j;
}

Case read_row(sql::Statement& st) {
  Case c;
  int i = 0;
  c.id = st.text(i++);
  c.reference = st.text(i++);
  c.type = st.text(i++);
  c.stage = st.text(i++);
  c.closed = st.int64(i++) != 0;
  c.outcome = st.optional_text(i++).value_or("");
  c.division = parse_division(st.text(i++)).value();
  c.received = parse_date(st.text(i++), "cases.received").value();
  c.named_day = optional_date(st.optional_text(i++), "cases.named_day");
  c.extended = st.int64(i++) != 0;
  c.requester.name = st.text(i++);
  c.requester.address = st.text(i++);
  c.requester.email = st.text(i++);
  c.requester.postcode = st.text(i++);
  c.mp = st.text(i++);
  c.topic = st.text(i++);
  c.team = st.text(i++);
  c.owner = st.text(i++);
  c.holder = st.text(i++);
  c.holder_since = st.text(i++);
  c.action_needed = st.text(i++);
  c.allocation = st.text(i++);
  c.due = parse_date(st.text(i++), "cases.due").value();
  c.due_time = st.text(i++);
  c.deadline = nlohmann::json::parse(st.text(i++));
  for (const auto& s : nlohmann::json::parse(st.text(i++))) {
    c.clock_stops.push_back({parse_date(s.at("stopped").get<std::string>(), "clock_stops.stopped").value(),
                             parse_date(s.at("resumed").get<std::string>(), "clock_stops.resumed").value()});
  }
  c.paused_since = optional_date(st.optional_text(i++), "cases.paused_since");
  c.closed_on = optional_date(st.optional_text(i++), "cases.closed_on");
  if (auto v = st.optional_int64(i++)) c.on_time = *v != 0;
  c.created = st.text(i++);
  c.created_by = st.text(i++);
  c.updated = st.text(i++);
  c.metadata = nlohmann::json::parse(st.text(i++));
  return c;
}

// Binds the mutable columns in kColumns order starting at index `first` (stage onwards).
void bind_all(sql::Statement& st, const Case& c) {
  int i = 1;
  st.bind(i++, c.id);
  st.bind(i++, c.reference);
  st.bind(i++, c.type);
  st.bind(i++, c.stage);
  st.bind(i++, c.closed ? 1 : 0);
  if (c.outcome.empty()) {
    st.bind_null(i++);
  } else {
    st.bind(i++, c.outcome);
  }
  st.bind(i++, std::string(to_string(c.division)));
  st.bind(i++, format_date(c.received));
  st.bind(i++, c.named_day ? std::optional<std::string>(format_date(*c.named_day)) : std::nullopt);
  st.bind(i++, c.extended ? 1 : 0);
  st.bind(i++, c.requester.name);
  st.bind(i++, c.requester.address);
  st.bind(i++, c.requester.email);
  st.bind(i++, c.requester.postcode);
  st.bind(i++, c.mp);
  st.bind(i++, c.topic);
  st.bind(i++, c.team);
  st.bind(i++, c.owner);
  st.bind(i++, c.holder);
  st.bind(i++, c.holder_since);
  st.bind(i++, c.action_needed);
  st.bind(i++, c.allocation);
  st.bind(i++, format_date(c.due));
  st.bind(i++, c.due_time);
  st.bind(i++, c.deadline.dump());
  st.bind(i++, stops_json(c.clock_stops).dump());
  st.bind(i++, c.paused_since ? std::optional<std::string>(format_date(*c.paused_since)) : std::nullopt);
  st.bind(i++, c.closed_on ? std::optional<std::string>(format_date(*c.closed_on)) : std::nullopt);
  if (c.on_time) {
    st.bind(i++, *c.on_time ? 1 : 0);
  } else {
    st.bind_null(i++);
  }
  st.bind(i++, c.created);
  st.bind(i++, c.created_by);
  st.bind(i++, c.updated);
  st.bind(i++, c.metadata.dump());
  // Matching columns (normalised requester), after the 33 columns above.
  std::string postcode = normalise_postcode(c.requester.postcode);
  if (postcode.empty()) postcode = postcode_in_address(c.requester.address);
  st.bind(i++, normalise_name(c.requester.name));
  st.bind(i++, normalise_email(c.requester.email));
  st.bind(i++, postcode);
  st.bind(i++, normalise_address(c.requester.address));
}

}  // namespace

std::string case_id_for(sql::Database& db, const std::string& id_or_reference) {
  auto st = db.prepare("SELECT id FROM cases WHERE id = ?1 OR reference = ?1");
  st.bind(1, id_or_reference);
  if (!st.step()) fail(Error::not_found("no case '" + id_or_reference + "' (give a case id or reference)"));
  return st.text(0);
}

Case load_case(sql::Database& db, const std::string& id_or_reference) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM cases WHERE id = ?1 OR reference = ?1");
  st.bind(1, id_or_reference);
  if (!st.step()) fail(Error::not_found("no case '" + id_or_reference + "' (give a case id or reference)"));
  Case c = read_row(st);
  load_relations(db, c);
  return c;
}

void load_relations(sql::Database& db, Case& c) {
  c.documents.clear();
  c.links.clear();
  c.participants.clear();
  auto docs = db.prepare("SELECT document_id, purpose, added, added_by FROM case_documents WHERE case_id = ? ORDER BY added, document_id");
  docs.bind(1, c.id);
  while (docs.step()) c.documents.push_back({docs.text(0), docs.text(1), docs.text(2), docs.text(3)});
  auto links = db.prepare(
      "SELECT l.other_id, c.reference, l.kind FROM case_links l JOIN cases c ON c.id = l.other_id WHERE l.case_id = ? "
      "ORDER BY l.created, c.num");
  links.bind(1, c.id);
  while (links.step()) c.links.push_back({links.text(0), links.text(1), links.text(2)});
  auto parts = db.prepare("SELECT user_name, part FROM case_participants WHERE case_id = ? ORDER BY since, user_name");
  parts.bind(1, c.id);
  while (parts.step()) c.participants.emplace_back(parts.text(0), parts.text(1));
}

void insert_case(sql::Database& db, const Case& c) {
  auto st = db.prepare(std::string("INSERT INTO cases (") + kColumns +
                       ", match_name, match_email, match_postcode, match_address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                       "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, "
                       "?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37)");
  bind_all(st, c);
  st.run();
}

void save_case(sql::Database& db, const Case& c) {
  auto st = db.prepare(
      "UPDATE cases SET reference = ?2, type = ?3, stage = ?4, closed = ?5, outcome = ?6, division = ?7, received = ?8, "
      "named_day = ?9, extended = ?10, requester_name = ?11, requester_address = ?12, requester_email = ?13, "
      "requester_postcode = ?14, mp = ?15, topic = ?16, team = ?17, owner = ?18, holder = ?19, holder_since = ?20, "
      "action_needed = ?21, allocation = ?22, due = ?23, due_time = ?24, deadline = ?25, clock_stops = ?26, "
      "paused_since = ?27, closed_on = ?28, on_time = ?29, created = ?30, created_by = ?31, updated = ?32, "
      "metadata = ?33, match_name = ?34, match_email = ?35, match_postcode = ?36, match_address = ?37 WHERE id = ?1");
  bind_all(st, c);
  st.run();
  if (db.changes() != 1) fail(Error::not_found("case " + c.id + " vanished while being updated"));
}

void add_event(storage::CatalogWriter& w, const Case& c, const EventInput& e) {
  std::string now = format_utc(w.now());
  w.db()
      .prepare("INSERT INTO case_events (case_id, time, actor, role, action, from_stage, to_stage, reason, details) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, c.id)
      .bind(2, now)
      .bind(3, e.actor)
      .bind(4, e.role)
      .bind(5, e.action)
      .bind(6, e.from_stage)
      .bind(7, e.to_stage)
      .bind(8, e.reason)
      .bind(9, e.details.dump())
      .run();
  storage::AuditEvent audit;
  audit.actor = e.actor;
  std::string head = e.action.substr(0, e.action.find(':'));
  audit.action = "case." + head;
  audit.object = c.id;
  audit.details = {{"reference", c.reference}, {"type", c.type}, {"event", e.action}};
  if (!e.role.empty()) audit.details["role"] = e.role;
  if (!e.from_stage.empty()) audit.details["from"] = e.from_stage;
  if (!e.to_stage.empty()) audit.details["to"] = e.to_stage;
  if (!e.reason.empty()) audit.details["reason"] = e.reason;
  w.audit(std::move(audit));
}

void add_participant(sql::Database& db, const std::string& case_id, const std::string& user, const std::string& part,
                     const std::string& since) {
  if (user.empty() || user.find(':') != std::string::npos) return;  // pools ("role:reviewer") are not people
  db.prepare("INSERT OR IGNORE INTO case_participants (case_id, user_name, part, since) VALUES (?, ?, ?, ?)")
      .bind(1, case_id)
      .bind(2, user)
      .bind(3, part)
      .bind(4, since)
      .run();
}

void add_link(sql::Database& db, const std::string& a, const std::string& b, const std::string& kind,
              const std::string& created) {
  db.prepare("INSERT OR IGNORE INTO case_links (case_id, other_id, kind, created) VALUES (?, ?, ?, ?)")
      .bind(1, a)
      .bind(2, b)
      .bind(3, kind)
      .bind(4, created)
      .run();
}

bool is_participant(sql::Database& db, const std::string& case_id, const std::string& user) {
  auto st = db.prepare("SELECT 1 FROM case_participants WHERE case_id = ? AND user_name = ? LIMIT 1");
  st.bind(1, case_id).bind(2, user);
  return st.step();
}

std::uint64_t next_sequence(sql::Database& db, const std::string& type, int year) {
  db.prepare("INSERT INTO case_sequences (type, year, next) VALUES (?1, ?2, 1) ON CONFLICT (type, year) DO UPDATE SET next = next + 1")
      .bind(1, type)
      .bind(2, year)
      .run();
  auto st = db.prepare("SELECT next FROM case_sequences WHERE type = ? AND year = ?");
  st.bind(1, type).bind(2, year);
  if (!st.step()) fail(Error::internal("reference sequence for " + type + " vanished"));
  return static_cast<std::uint64_t>(st.int64(0));
}

}  // namespace redbox::workflows::detail
