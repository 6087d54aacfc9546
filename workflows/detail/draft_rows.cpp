#include "workflows/detail/draft_rows.h"

#include <cstring>

#include "common/sha256.h"
#include "workflows/detail/case_rows.h"
#include "workflows/draft_text.h"
#include "workflows/word_diff.h"

namespace redbox::workflows::detail {

std::string_view to_string(DraftAccess a) {
  switch (a) {
    case DraftAccess::none: return "none";
    case DraftAccess::contributor: return "contributor";
    case DraftAccess::reader: return "reader";
    case DraftAccess::editor: return "editor";
    case DraftAccess::owner: return "owner";
  }
  return "none";
}

namespace {

bool case_visible(sql::Database& db, const Actor& actor, const Case& c) {
  if (actor.sees_all()) return true;
  if (is_participant(db, c.id, actor.name)) return true;
  if (c.holder == actor.name) return true;
  for (Role r : actor.roles) {
    if (c.holder == "role:" + std::string(to_string(r))) return true;
  }
  return false;
}

bool only_reviewer(const Actor& actor) {
  for (Role r : actor.roles) {
    if (r != Role::reviewer) return false;
  }
  return true;
}

DraftAccess case_access(sql::Database& db, const Actor& actor, const Case& c) {
  if (actor.operator_ || actor.has(Role::admin)) return DraftAccess::owner;
  // A contributor's access comes only from what they were asked for, even when the case
  // workflow made them a participant.
  if (!actor.sees_all() && actor.has(Role::contributor)) return DraftAccess::none;
  if (!case_visible(db, actor, c)) return DraftAccess::none;
  if ((!c.owner.empty() && c.owner == actor.name) || actor.has(Role::team_leader)) return DraftAccess::owner;
  if (actor.sees_all()) return DraftAccess::editor;
  return only_reviewer(actor) ? DraftAccess::reader : DraftAccess::editor;
}

}  // namespace

DraftScope open_scope(sql::Database& db, const Actor& actor, const std::string& case_ref, DraftAccess needed, bool require_draft) {
  DraftScope s;
  s.kase = load_case(db, case_ref);
  s.access = case_access(db, actor, s.kase);
  auto st = db.prepare("SELECT id, title, revision, reviewed_revision FROM drafts WHERE case_id = ?");
  st.bind(1, s.kase.id);
  if (st.step()) {
    s.draft = {st.text(0), st.text(1), static_cast<int>(st.int64(2)), static_cast<int>(st.int64(3))};
    auto rq = db.prepare("SELECT fragment_id, state FROM draft_requests WHERE draft_id = ? AND contributor = ?");
    rq.bind(1, s.draft.id).bind(2, actor.name);
    while (rq.step()) {
      s.fragments.insert(rq.text(0));
      std::string state = rq.text(1);
      if (state == "requested" || state == "returned") s.editable.insert(rq.text(0));
    }
    if (s.access == DraftAccess::none && !s.fragments.empty()) s.access = DraftAccess::contributor;
  }
  if (s.access < needed) {
    if (s.access == DraftAccess::none) {
      fail(Error::forbidden(actor.name + " may not see the draft of case " + s.kase.reference +
                            ": the case is not theirs and they have not been asked to contribute to it"));
    }
    fail(Error::forbidden(actor.name + " (" + std::string(to_string(s.access)) + " of the draft of " + s.kase.reference +
                          ") may not do this; it needs " + std::string(to_string(needed)) +
                          (needed == DraftAccess::owner ? " (the case owner, a team leader or an admin)" : "")));
  }
  if (require_draft && s.draft.id.empty()) fail(Error::not_found("case " + s.kase.reference + " has no draft yet"));
  return s;
}

void require_fragment_visible(const DraftScope& s, const Actor& actor, const std::string& fragment_id) {
  if (!s.may_see(fragment_id)) {
    fail(Error::forbidden(actor.name + " was not asked for fragment " + fragment_id + " of " + s.kase.reference +
                          " and may see only the fragments asked of them"));
  }
}

void require_fragment_editable(const DraftScope& s, const Actor& actor, const std::string& fragment_id) {
  require_fragment_visible(s, actor, fragment_id);
  if (!s.may_edit(fragment_id)) {
    fail(Error::forbidden(actor.name + " may not change fragment " + fragment_id + " of " + s.kase.reference +
                          (s.access == DraftAccess::contributor ? ": their request has been submitted or accepted"
                                                                 : ": reviewers comment, they do not edit")));
  }
}

DraftCaseContext case_context(const Case& c) {
  return {c.id, c.reference, c.type, c.topic, c.stage, c.owner, c.mp, format_date(c.due)};
}

std::vector<std::int64_t> layout_at(sql::Database& db, const std::string& draft_id, int revision) {
  auto st = db.prepare("SELECT layout FROM draft_revisions WHERE draft_id = ? AND revision = ?");
  st.bind(1, draft_id).bind(2, revision);
  if (!st.step()) fail(Error::not_found("the draft has no revision " + std::to_string(revision)));
  auto j = nlohmann::json::parse(st.text(0));
  return j.get<std::vector<std::int64_t>>();
}

namespace {

FragmentVersion read_version(sql::Statement& st) {
  FragmentVersion v;
  v.vid = st.int64(0);
  v.fragment_id = st.text(1);
  v.num = static_cast<int>(st.int64(2));
  v.text = st.text(3);
  v.author = st.text(4);
  v.created = st.text(5);
  v.provenance = parse_provenance(st.text(6)).value();
  v.source = nlohmann::json::parse(st.text(7));
  v.revision = static_cast<int>(st.int64(8));
  return v;
}

constexpr const char* kVersionColumns = "vid, fragment_id, num, text, author, created, provenance, source, revision";

}  // namespace

FragmentVersion load_version(sql::Database& db, std::int64_t vid) {
  auto st = db.prepare(std::string("SELECT ") + kVersionColumns + " FROM draft_fragment_versions WHERE vid = ?");
  st.bind(1, vid);
  if (!st.step()) fail(Error::internal("draft layout refers to a missing fragment version " + std::to_string(vid)));
  return read_version(st);
}

FragmentVersion version_by_num(sql::Database& db, const std::string& fragment_id, int num) {
  auto st = db.prepare(std::string("SELECT ") + kVersionColumns + " FROM draft_fragment_versions WHERE fragment_id = ? AND num = ?");
  st.bind(1, fragment_id).bind(2, num);
  if (!st.step()) fail(Error::not_found("fragment " + fragment_id + " has no version " + std::to_string(num)));
  return read_version(st);
}

std::vector<std::int64_t> load_attribution(sql::Database& db, std::int64_t vid) {
  auto st = db.prepare("SELECT attribution FROM draft_fragment_versions WHERE vid = ?");
  st.bind(1, vid);
  if (!st.step()) fail(Error::internal("missing fragment version " + std::to_string(vid)));
  return decode_attribution(st.text(0));
}

int latest_version_num(sql::Database& db, const std::string& fragment_id) {
  auto st = db.prepare("SELECT COALESCE(MAX(num), 0) FROM draft_fragment_versions WHERE fragment_id = ?");
  st.bind(1, fragment_id);
  st.step();
  return static_cast<int>(st.int64(0));
}

std::pair<std::string, std::string> fragment_meta(sql::Database& db, const std::string& draft_id, const std::string& fragment_id) {
  auto st = db.prepare("SELECT title, kind FROM draft_fragments WHERE id = ? AND draft_id = ?");
  st.bind(1, fragment_id).bind(2, draft_id);
  if (!st.step()) fail(Error::not_found("no fragment " + fragment_id + " in this draft"));
  return {st.text(0), st.text(1)};
}

std::string encode_attribution(const std::vector<std::int64_t>& vids) {
  std::string out(vids.size() * 8, '\0');
  for (std::size_t i = 0; i < vids.size(); ++i) {
    auto v = static_cast<std::uint64_t>(vids[i]);
    for (int b = 0; b < 8; ++b) out[i * 8 + static_cast<std::size_t>(b)] = static_cast<char>((v >> (8 * b)) & 0xFF);
  }
  return out;
}

std::vector<std::int64_t> decode_attribution(const std::string& bytes) {
  if (bytes.size() % 8 != 0) fail(Error::corrupt("a fragment version's attribution is not a whole number of entries"));
  std::vector<std::int64_t> out(bytes.size() / 8);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint64_t v = 0;
    for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(bytes[i * 8 + static_cast<std::size_t>(b)]);
    out[i] = static_cast<std::int64_t>(v);
  }
  return out;
}

std::int64_t insert_version(sql::Database& db, const std::string& fragment_id, const std::string& text, const std::string& author,
                            const std::string& now, Provenance provenance, const nlohmann::json& source, int revision,
                            std::optional<std::int64_t> attribution_from) {
  std::string hash = sha256_hex(text);
  int num = latest_version_num(db, fragment_id) + 1;
  // Attribution: an explicit source version (revert), else an earlier version with the same
  // text (a revert by hand), else the previous version's, carried over unchanged words.
  std::string attribution;
  bool placeholder_self = false;
  std::vector<std::int64_t> carried;
  if (!attribution_from) {
    auto same = db.prepare("SELECT vid FROM draft_fragment_versions WHERE fragment_id = ? AND text_sha256 = ? ORDER BY num DESC LIMIT 1");
    same.bind(1, fragment_id).bind(2, hash);
    if (same.step()) attribution_from = same.int64(0);
  }
  if (attribution_from) {
    attribution = encode_attribution(load_attribution(db, *attribution_from));
  } else {
    auto words = draft_text::words(text);
    carried.assign(words.size(), -1);
    if (num > 1) {
      FragmentVersion prev = version_by_num(db, fragment_id, num - 1);
      auto prev_attr = load_attribution(db, prev.vid);
      auto prev_hashes = draft_text::word_hashes(draft_text::words(prev.text));
      auto hashes = draft_text::word_hashes(words);
      auto match = word_diff::match_b_to_a(word_diff::diff(prev_hashes, hashes), hashes.size());
      for (std::size_t i = 0; i < match.size(); ++i) {
        if (match[i] >= 0) carried[i] = prev_attr[static_cast<std::size_t>(match[i])];
      }
    }
    placeholder_self = true;
  }
  db.prepare("INSERT INTO draft_fragment_versions (fragment_id, num, text, text_sha256, author, created, provenance, source, revision, "
             "attribution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, fragment_id)
      .bind(2, num)
      .bind(3, text)
      .bind(4, hash)
      .bind(5, author)
      .bind(6, now)
      .bind(7, to_string(provenance))
      .bind(8, source.dump())
      .bind(9, revision)
      .bind_blob(10, attribution)
      .run();
  std::int64_t vid = db.last_insert_rowid();
  if (placeholder_self) {
    // New words belong to this version, whose vid is known only now.
    for (auto& v : carried) {
      if (v < 0) v = vid;
    }
    db.prepare("UPDATE draft_fragment_versions SET attribution = ? WHERE vid = ?").bind_blob(1, encode_attribution(carried)).bind(2, vid).run();
  }
  return vid;
}

int next_revision(storage::CatalogWriter& w, DraftRow& draft, const Case& c, const std::string& actor, const std::string& action,
                  const std::string& fragment_id, const std::vector<std::int64_t>& layout, nlohmann::json details) {
  auto& db = w.db();
  int revision = draft.revision + 1;
  std::string now = format_utc(w.now());
  db.prepare("INSERT INTO draft_revisions (draft_id, revision, time, actor, action, fragment_id, layout) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, draft.id)
      .bind(2, revision)
      .bind(3, now)
      .bind(4, actor)
      .bind(5, action)
      .bind(6, fragment_id)
      .bind(7, nlohmann::json(layout).dump())
      .run();
  db.prepare("UPDATE drafts SET revision = ? WHERE id = ?").bind(1, revision).bind(2, draft.id).run();
  draft.revision = revision;
  details["revision"] = revision;
  if (!fragment_id.empty()) details["fragment"] = fragment_id;
  audit_draft(w, c, draft.id, actor, action, std::move(details));
  return revision;
}

void audit_draft(storage::CatalogWriter& w, const Case& c, const std::string& draft_id, const std::string& actor, const std::string& action,
                 nlohmann::json details) {
  storage::AuditEvent e;
  e.actor = actor;
  e.action = "draft." + action;
  e.object = draft_id.empty() ? c.id : draft_id;
  details["case"] = c.id;
  details["reference"] = c.reference;
  e.details = std::move(details);
  w.audit(std::move(e));
}

void record_draft_refusal(storage::Catalog& catalog, const Status& outcome, const Actor& actor, const std::string& case_ref,
                          const std::string& operation) {
  if (outcome || outcome.error().kind != ErrorKind::forbidden) return;
  storage::AuditEvent e;
  e.actor = actor.name;
  e.action = "draft.refused";
  e.object = case_ref;
  e.details = {{"operation", operation}, {"reason", outcome.error().message}};
  (void)catalog.record(e);
}

}  // namespace redbox::workflows::detail
