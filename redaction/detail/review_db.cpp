#include "redaction/detail/review_db.h"


namespace redbox::redaction::detail {
namespace {

MarkKind parse_kind(const std::string& s) {
  if (s == "text") return MarkKind::text;
  if (s == "whole_page") return MarkKind::whole_page;
  if (s == "area") return MarkKind::area;
  fail(Error::corrupt("redaction mark with unknown kind '" + s + "'"));
}

TimePoint parse_time(const std::string& s) {
  TimePoint t;
  if (!parse_utc(s, t)) fail(Error::corrupt("redaction mark with an unreadable time '" + s + "'"));
  return t;
}

nlohmann::json parse_stored_json(const std::string& text, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) fail(Error::corrupt(what + " holds invalid JSON"));
  return j;
}

}  // namespace

nlohmann::json quads_to_json(const std::vector<Quad>& quads) {
  nlohmann::json out = nlohmann::json::array();
  for (const Quad& q : quads) {
    out.push_back({q.ul.x, q.ul.y, q.ur.x, q.ur.y, q.ll.x, q.ll.y, q.lr.x, q.lr.y});
  }
  return out;
}

std::vector<Quad> quads_from_json(const nlohmann::json& j) {
  std::vector<Quad> out;
  if (!j.is_array()) fail(Error::corrupt("redaction mark quads are not an array"));
  for (const auto& q : j) {
    if (!q.is_array() || q.size() != 8) fail(Error::corrupt("redaction mark quad is not 8 numbers"));
    auto f = [&](std::size_t i) { return q[i].get<float>(); };
    out.push_back({{f(0), f(1)}, {f(2), f(3)}, {f(4), f(5)}, {f(6), f(7)}});
  }
  return out;
}

std::optional<ReviewRow> load_review(sql::Database& db, const std::string& document_id) {
  auto st = db.prepare("SELECT version_id, salt FROM redaction_reviews WHERE document_id = ?");
  if (!st.bind(1, document_id).step()) return std::nullopt;
  return ReviewRow{document_id, st.text(0), st.text(1)};
}

ReviewRow ensure_review(sql::Database& db, const std::string& document_id, const std::string& version_id,
                        const std::string& new_salt, const std::string& actor, TimePoint now) {
  if (auto existing = load_review(db, document_id)) {
    if (existing->salt != new_salt) {
      fail(Error::conflict("the review of document " + document_id + " was started by another request meanwhile; run again"));
    }
    if (existing->version_id == version_id) return *existing;
    auto live = db.prepare(
        "SELECT count(*) FROM redaction_marks WHERE document_id = ? AND version_id = ? AND status != 'rejected'");
    live.bind(1, document_id).bind(2, existing->version_id).step();
    if (live.int64(0) > 0) {
      fail(Error::conflict("document " + document_id + " has " + std::to_string(live.int64(0)) +
                           " proposed or accepted mark(s) on version " + existing->version_id + ", but its text layer is now version " +
                           version_id + "; reject those marks before proposing on the new version"));
    }
    db.prepare("UPDATE redaction_reviews SET version_id = ? WHERE document_id = ?").bind(1, version_id).bind(2, document_id).run();
    existing->version_id = version_id;
    return *existing;
  }
  ReviewRow row{document_id, version_id, new_salt};
  db.prepare("INSERT INTO redaction_reviews (document_id, version_id, salt, created, created_by) VALUES (?, ?, ?, ?, ?)")
      .bind(1, row.document_id)
      .bind(2, row.version_id)
      .bind(3, row.salt)
      .bind(4, format_utc(now))
      .bind(5, actor)
      .run();
  return row;
}

std::vector<StoredMark> load_marks(sql::Database& db, const std::string& document_id) {
  auto st = db.prepare(
      "SELECT id, document_id, version_id, page, kind, quads, detector, reason, text_hash, preview, term_hashes, "
      "status, author, created, decided_by, decided, released_in FROM redaction_marks WHERE document_id = ? "
      "ORDER BY page, num");
  st.bind(1, document_id);
  std::vector<StoredMark> out;
  while (st.step()) {
    StoredMark m;
    m.id = st.text(0);
    m.document_id = st.text(1);
    m.version_id = st.text(2);
    m.page = static_cast<int>(st.int64(3));
    m.kind = parse_kind(st.text(4));
    m.quads = quads_from_json(parse_stored_json(st.text(5), "mark " + m.id));
    m.detector = st.text(6);
    m.reason = st.text(7);
    m.text_hash = st.optional_text(8);
    m.preview = st.optional_text(9);
    for (const auto& h : parse_stored_json(st.text(10), "mark " + m.id)) m.term_hashes.push_back(h.get<std::string>());
    auto status = parse_mark_status(st.text(11));
    if (!status) fail(Error::corrupt("mark " + m.id + " has an unknown status"));
    m.status = *status;
    m.author = st.text(12);
    m.created = parse_time(st.text(13));
    m.decided_by = st.optional_text(14);
    if (auto d = st.optional_text(15)) m.decided = parse_time(*d);
    m.released_in = st.optional_text(16);
    out.push_back(std::move(m));
  }
  return out;
}

bool insert_mark(sql::Database& db, const StoredMark& m) {
  auto st = db.prepare(
      "INSERT INTO redaction_marks (id, document_id, version_id, page, kind, quads, detector, reason, text_hash, "
      "preview, term_hashes, status, author, created, decided_by, decided) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (version_id, page, kind, detector, quads) DO NOTHING");
  nlohmann::json terms = m.term_hashes;
  st.bind(1, m.id)
      .bind(2, m.document_id)
      .bind(3, m.version_id)
      .bind(4, m.page)
      .bind(5, to_string(m.kind))
      .bind(6, quads_to_json(m.quads).dump())
      .bind(7, m.detector)
      .bind(8, m.reason)
      .bind(9, m.text_hash)
      .bind(10, m.preview)
      .bind(11, terms.dump())
      .bind(12, to_string(m.status))
      .bind(13, m.author)
      .bind(14, format_utc(m.created))
      .bind(15, m.decided_by);
  if (m.decided) st.bind(16, format_utc(*m.decided));
  else st.bind_null(16);
  st.run();
  return db.changes() > 0;
}

void record_decision(sql::Database& db, const std::string& mark_id, MarkStatus status, const std::string& actor,
                     TimePoint now, std::int64_t audit_seq) {
  const std::string when = format_utc(now);
  db.prepare("UPDATE redaction_marks SET status = ?, decided_by = ?, decided = ? WHERE id = ?")
      .bind(1, to_string(status))
      .bind(2, actor)
      .bind(3, when)
      .bind(4, mark_id)
      .run();
  db.prepare("INSERT INTO redaction_decisions (mark_id, decision, decided_by, decided, audit_seq) VALUES (?, ?, ?, ?, ?)")
      .bind(1, mark_id)
      .bind(2, to_string(status))
      .bind(3, actor)
      .bind(4, when)
      .bind(5, audit_seq)
      .run();
}

void set_released_in(sql::Database& db, const std::string& mark_id, const std::string& version_id) {
  db.prepare("UPDATE redaction_marks SET released_in = ? WHERE id = ?").bind(1, version_id).bind(2, mark_id).run();
}

void patch_document_metadata(storage::CatalogWriter& w, const std::string& document_id, const nlohmann::json& patch,
                             const std::string& actor) {
  sql::Database& db = w.db();
  auto st = db.prepare("SELECT metadata FROM documents WHERE id = ?");
  if (!st.bind(1, document_id).step()) fail(Error::not_found("no document " + document_id));
  nlohmann::json metadata = parse_stored_json(st.text(0), "document " + document_id + " metadata");
  metadata.merge_patch(patch);
  db.prepare("UPDATE documents SET metadata = ? WHERE id = ?").bind(1, metadata.dump()).bind(2, document_id).run();
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& [key, value] : patch.items()) keys.push_back(key);
  storage::AuditEvent e;
  e.actor = actor;
  e.action = "document.metadata_update";
  e.object = document_id;
  e.details = {{"keys", keys}};
  w.audit(std::move(e));
}

std::string document_redaction_status(sql::Database& db, const std::string& document_id) {
  auto st = db.prepare("SELECT json_extract(metadata, '$.redaction_status') FROM documents WHERE id = ?");
  if (!st.bind(1, document_id).step()) fail(Error::not_found("no document " + document_id));
  return st.optional_text(0).value_or("");
}

}  // namespace redbox::redaction::detail
