#include "storage/detail/catalog_schema.h"

#include <string>
#include <vector>

namespace redbox::storage::detail {
namespace {

struct Migration {
  const char* description;
  const char* sql;
};

// Times are UTC text as format_utc() writes them; JSON columns hold compact JSON objects.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {"documents, versions, users and the hash-chained audit log", R"sql(
CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied TEXT NOT NULL
);
CREATE TABLE documents (
  num INTEGER PRIMARY KEY,            -- insertion order: paging cursor, newest first
  id TEXT NOT NULL UNIQUE,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  source TEXT NOT NULL,
  batch_id TEXT,
  received TEXT NOT NULL,
  page_count INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata))
);
CREATE INDEX documents_batch ON documents(batch_id) WHERE batch_id IS NOT NULL;
CREATE TABLE versions (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL REFERENCES documents(id),
  kind TEXT NOT NULL CHECK (kind IN ('original', 'searchable', 'redacted', 'derived')),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size INTEGER NOT NULL CHECK (size >= 0),
  media_type TEXT NOT NULL,
  page_count INTEGER,
  derived_from TEXT REFERENCES versions(id),
  pair_of TEXT REFERENCES versions(id),
  created TEXT NOT NULL,
  created_by TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata))
);
CREATE INDEX versions_document ON versions(document_id, num);
CREATE INDEX versions_sha256 ON versions(sha256);
CREATE UNIQUE INDEX versions_one_original ON versions(document_id) WHERE kind = 'original';
CREATE TABLE users (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'intake', 'caseworker', 'reviewer', 'contributor')),
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_object ON audit_events(object, seq);
-- The chain's head, updated with every append: deleting the newest events (which no later
-- event's prev_hash would reveal) shows up as a head that points past the last event.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
-- Defence in depth: the audit log is append-only even to code that forgets the rules.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.seq <= OLD.seq
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
)sql"},
      {"persisted background jobs (pipeline/jobs)", R"sql(
CREATE TABLE jobs (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  checkpoint TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(checkpoint)),
  result TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(result)),
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  stage TEXT NOT NULL DEFAULT '',
  error_kind TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  owner TEXT,                  -- host:pid:start-time of the process running it
  heartbeat TEXT,
  created_by TEXT NOT NULL,
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE INDEX jobs_state ON jobs(state, num);
)sql"},
      {"redaction review: marks proposed, decided and released per document", R"sql(
-- One review per document: the version every mark's geometry refers to (the searchable
-- version when one exists, else the original) and the salt of the marks' text hashes.
CREATE TABLE redaction_reviews (
  document_id TEXT PRIMARY KEY REFERENCES documents(id),
  version_id TEXT NOT NULL REFERENCES versions(id),
  salt TEXT NOT NULL CHECK (length(salt) = 32),
  created TEXT NOT NULL,
  created_by TEXT NOT NULL
);
-- A mark never holds the text it covers: only a salted hash (white space removed, ASCII
-- lower-cased) and a masked preview. Reviewers who need the text re-read it from the source
-- version (an audited view); release re-derives it for verification.
CREATE TABLE redaction_marks (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL REFERENCES redaction_reviews(document_id),
  version_id TEXT NOT NULL REFERENCES versions(id),
  page INTEGER NOT NULL CHECK (page >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('text', 'area', 'whole_page')),
  quads TEXT NOT NULL CHECK (json_valid(quads)),
  detector TEXT NOT NULL,
  reason TEXT NOT NULL,
  text_hash TEXT CHECK (text_hash IS NULL OR length(text_hash) = 64),
  preview TEXT,
  term_hashes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(term_hashes)),
  status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected')),
  author TEXT NOT NULL,
  created TEXT NOT NULL,
  decided_by TEXT,
  decided TEXT,
  released_in TEXT REFERENCES versions(id)
);
CREATE INDEX redaction_marks_document ON redaction_marks(document_id, status);
-- Proposing twice does not duplicate a mark.
CREATE UNIQUE INDEX redaction_marks_unique ON redaction_marks(version_id, page, kind, detector, quads);
-- Every decision ever taken (the mark row holds the latest).
CREATE TABLE redaction_decisions (
  num INTEGER PRIMARY KEY,
  mark_id TEXT NOT NULL REFERENCES redaction_marks(id),
  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  decided_by TEXT NOT NULL,
  decided TEXT NOT NULL,
  audit_seq INTEGER NOT NULL
);
CREATE INDEX redaction_decisions_mark ON redaction_decisions(mark_id, num);
)sql"},
      // pipeline/bundle_store: disclosure bundles built from the store (one row per bundle,
      // keyed by the job that built it) and the blobs of its files. Blob references here are
      // releases of redacted material: never remove them as orphans.
      {"disclosure bundles and their files", R"sql(
CREATE TABLE bundles (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,              -- the job ID that built it
  reference TEXT NOT NULL,
  created TEXT NOT NULL,
  created_by TEXT NOT NULL,
  total_pages INTEGER NOT NULL CHECK (total_pages >= 0),
  documents TEXT NOT NULL CHECK (json_valid(documents)),  -- [{document_id, version_id, kind, basis}]
  options TEXT NOT NULL CHECK (json_valid(options)),
  manifest TEXT NOT NULL CHECK (json_valid(manifest))
);
CREATE TABLE bundle_files (
  bundle_id TEXT NOT NULL REFERENCES bundles(id),
  role TEXT NOT NULL CHECK (role IN ('part', 'index', 'manifest', 'readme', 'package')),
  number INTEGER NOT NULL CHECK (number >= 0),
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size INTEGER NOT NULL CHECK (size >= 0),
  pages INTEGER NOT NULL DEFAULT 0,
  first_stamp TEXT NOT NULL DEFAULT '',
  last_stamp TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (bundle_id, role, number)
);
CREATE INDEX bundle_files_sha256 ON bundle_files(sha256);
-- Every blob something refers to: fsck reports (and --repair removes) blobs outside this view.
-- A later migration that stores blob hashes in a new table recreates the view with it.
CREATE VIEW blob_references AS SELECT sha256 FROM versions UNION SELECT sha256 FROM bundle_files;
)sql"},
      {"intake: full-text search index, one row per page of a document's text (pipeline/search_index)", R"sql(
-- rowid is the page's own key; document, version and page are stored beside the text but not
-- indexed for matching. Diacritics are folded so that "cafe" finds "café".
CREATE VIRTUAL TABLE search_pages USING fts5(
  text,
  document_id UNINDEXED,
  version_id UNINDEXED,
  page UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2'
);
)sql"},
      {"cases: case rows, history, links, participants, role grants, reference sequences; topic directory", R"sql(
-- workflows/case_store.cpp owns these tables. Dates are ISO "YYYY-MM-DD" (UK civil dates), so
-- text order is date order; times are UTC text as format_utc() writes them.
CREATE TABLE cases (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  reference TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  stage TEXT NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
  outcome TEXT,                         -- answered, rejected, transferred, lapsed (when closed)
  division TEXT NOT NULL,
  received TEXT NOT NULL,
  named_day TEXT,
  extended INTEGER NOT NULL DEFAULT 0,
  requester_name TEXT NOT NULL DEFAULT '',
  requester_address TEXT NOT NULL DEFAULT '',
  requester_email TEXT NOT NULL DEFAULT '',
  requester_postcode TEXT NOT NULL DEFAULT '',
  match_name TEXT NOT NULL DEFAULT '',   -- normalised for same-requester matching
  match_email TEXT NOT NULL DEFAULT '',
  match_postcode TEXT NOT NULL DEFAULT '',
  match_address TEXT NOT NULL DEFAULT '',
  mp TEXT NOT NULL DEFAULT '',
  topic TEXT NOT NULL DEFAULT '',
  team TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  holder TEXT NOT NULL DEFAULT '',
  holder_since TEXT NOT NULL,
  action_needed TEXT NOT NULL DEFAULT '',
  allocation TEXT NOT NULL DEFAULT '',  -- '', offered, accepted
  due TEXT NOT NULL,
  due_time TEXT NOT NULL DEFAULT '',
  deadline TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(deadline)),
  clock_stops TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(clock_stops)),
  paused_since TEXT,                    -- the open clock stop (awaiting clarification)
  closed_on TEXT,
  on_time INTEGER,                      -- answered cases: 1 if answered by the deadline
  created TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata))
);
CREATE INDEX cases_team_open ON cases(team, due, num) WHERE closed = 0;
CREATE INDEX cases_holder_open ON cases(holder, due, num) WHERE closed = 0;
CREATE INDEX cases_open_due ON cases(due, num) WHERE closed = 0;
CREATE INDEX cases_stage ON cases(stage, paused_since) WHERE closed = 0;
CREATE INDEX cases_closed_type ON cases(type, closed_on) WHERE closed = 1;
CREATE INDEX cases_match_email ON cases(match_email) WHERE match_email <> '';
CREATE INDEX cases_match_name ON cases(match_name, match_postcode) WHERE match_name <> '';
CREATE INDEX cases_match_address ON cases(match_address, match_postcode) WHERE match_address <> '';
CREATE TABLE case_sequences (
  type TEXT NOT NULL,
  year INTEGER NOT NULL,
  next INTEGER NOT NULL,
  PRIMARY KEY (type, year)
);
CREATE TABLE case_events (
  num INTEGER PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  from_stage TEXT NOT NULL DEFAULT '',
  to_stage TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);
CREATE INDEX case_events_case ON case_events(case_id, num);
CREATE TABLE case_documents (
  case_id TEXT NOT NULL REFERENCES cases(id),
  document_id TEXT NOT NULL REFERENCES documents(id),
  purpose TEXT NOT NULL DEFAULT 'letter',
  added TEXT NOT NULL,
  added_by TEXT NOT NULL,
  PRIMARY KEY (case_id, document_id)
);
CREATE INDEX case_documents_document ON case_documents(document_id);
CREATE TABLE case_links (
  case_id TEXT NOT NULL REFERENCES cases(id),
  other_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,                   -- escalated_to/escalated_from, transferred_to/from, follow_up_of/followed_by, related
  created TEXT NOT NULL,
  PRIMARY KEY (case_id, other_id, kind)
);
CREATE TABLE case_participants (
  case_id TEXT NOT NULL REFERENCES cases(id),
  user_name TEXT NOT NULL,
  part TEXT NOT NULL,                   -- official, contributor, clearer
  since TEXT NOT NULL,
  PRIMARY KEY (case_id, user_name, part)
);
CREATE INDEX case_participants_user ON case_participants(user_name, case_id);
CREATE TABLE case_role_grants (
  user_name TEXT NOT NULL,
  role TEXT NOT NULL,                   -- workflow roles beyond the user's own: team_leader, private_office, reviewer...
  granted TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  PRIMARY KEY (user_name, role)
);
CREATE TABLE directory_versions (
  version INTEGER PRIMARY KEY,
  created TEXT NOT NULL,
  created_by TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE directory_topics (
  version INTEGER NOT NULL REFERENCES directory_versions(version),
  path TEXT NOT NULL,                   -- hierarchical: "health/nhs/waiting-times"
  name TEXT NOT NULL DEFAULT '',
  team TEXT NOT NULL DEFAULT '',
  officials TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(officials)),
  deputies TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(deputies)),
  keywords TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(keywords)),
  PRIMARY KEY (version, path)
);
-- MinHash signatures of letters' text for near-duplicate search (workflows/similar_letters.h).
CREATE TABLE letter_signatures (
  num INTEGER PRIMARY KEY,
  document_id TEXT NOT NULL UNIQUE,
  case_id TEXT,
  signature BLOB NOT NULL
);
-- Topic suggestion's model: word counts of earlier letters per topic (workflows/letter_model.h).
CREATE TABLE topic_word_counts (
  topic TEXT NOT NULL,
  word TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (topic, word)
) WITHOUT ROWID;
-- Where notification dispatch got to (workflows/notify_dispatch.h): the last case event
-- notified and the last day due-soon/overdue reminders went out.
CREATE TABLE notification_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_event INTEGER NOT NULL,
  last_daily TEXT NOT NULL
);
INSERT INTO notification_state (id, last_event, last_daily) VALUES (1, 0, '');
CREATE TABLE topic_letter_counts (
  topic TEXT PRIMARY KEY,
  letters INTEGER NOT NULL,
  words INTEGER NOT NULL
);
)sql"},
      {"drafts: draft replies of attributed fragments, versions, revisions, contribution requests, comments, templates, exports", R"sql(
-- One draft reply per case (workflows/draft_store.h). revision grows on every change to the
-- fragments; reviewed_revision is the revision a reviewer last marked as reviewed.
CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL UNIQUE REFERENCES cases(id),
  title TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 0,
  reviewed_revision INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE draft_fragments (
  id TEXT PRIMARY KEY,
  draft_id TEXT NOT NULL REFERENCES drafts(id),
  title TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('section', 'paragraph')),
  created TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX draft_fragments_by_draft ON draft_fragments (draft_id);
-- Every version of a fragment's text with its author and provenance. attribution holds, per
-- word of the text, the vid of the version that wrote it (little-endian int64s), computed when
-- the version is written so that blame is a lookup.
CREATE TABLE draft_fragment_versions (
  vid INTEGER PRIMARY KEY,
  fragment_id TEXT NOT NULL REFERENCES draft_fragments(id),
  num INTEGER NOT NULL,
  text TEXT NOT NULL,
  text_sha256 TEXT NOT NULL,
  author TEXT NOT NULL,
  created TEXT NOT NULL,
  provenance TEXT NOT NULL CHECK (provenance IN ('written', 'template', 'letter', 'document', 'email')),
  source TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(source)),
  revision INTEGER NOT NULL,
  attribution BLOB NOT NULL,
  UNIQUE (fragment_id, num)
);
CREATE INDEX draft_fragment_versions_by_hash ON draft_fragment_versions (fragment_id, text_sha256);
-- Who wrote each version, without the wide text and attribution columns: blame looks up
-- thousands of versions at a time and reads only this index.
CREATE INDEX draft_fragment_versions_who ON draft_fragment_versions (vid, author, num, revision, created, provenance);
CREATE INDEX draft_fragment_versions_authors ON draft_fragment_versions (fragment_id, num, author);
-- The draft at each revision: its fragments in order as a JSON array of version vids.
CREATE TABLE draft_revisions (
  draft_id TEXT NOT NULL REFERENCES drafts(id),
  revision INTEGER NOT NULL,
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  fragment_id TEXT NOT NULL DEFAULT '',
  layout TEXT NOT NULL CHECK (json_valid(layout)),
  PRIMARY KEY (draft_id, revision)
) WITHOUT ROWID;
-- Contribution requests: overdue is computed from due (working days), never stored.
CREATE TABLE draft_requests (
  id TEXT PRIMARY KEY,
  draft_id TEXT NOT NULL REFERENCES drafts(id),
  fragment_id TEXT NOT NULL REFERENCES draft_fragments(id),
  contributor TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  instructions TEXT NOT NULL DEFAULT '',
  due TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('requested', 'submitted', 'accepted', 'returned')),
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX draft_requests_by_draft ON draft_requests (draft_id);
CREATE INDEX draft_requests_by_contributor ON draft_requests (contributor, state);
-- Notifications about requests, queued in the transaction that caused them (requested,
-- returned, submitted, accepted) or by the daily scan (due_soon, overdue, chase, escalation);
-- key makes each scan-driven notice happen once. sent is set after a successful delivery.
CREATE TABLE draft_notices (
  num INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES draft_requests(id),
  event TEXT NOT NULL,
  recipient TEXT NOT NULL,
  key TEXT NOT NULL,
  created TEXT NOT NULL,
  sent TEXT,
  UNIQUE (request_id, event, recipient, key)
);
CREATE INDEX draft_notices_unsent ON draft_notices (sent);
CREATE TABLE draft_comments (
  id TEXT PRIMARY KEY,
  draft_id TEXT NOT NULL REFERENCES drafts(id),
  fragment_id TEXT NOT NULL REFERENCES draft_fragments(id),
  parent_id TEXT REFERENCES draft_comments(id),
  fragment_version INTEGER NOT NULL,
  start_word INTEGER,
  end_word INTEGER,
  author TEXT NOT NULL,
  text TEXT NOT NULL,
  created TEXT NOT NULL,
  resolved TEXT,
  resolved_by TEXT
);
CREATE INDEX draft_comments_by_draft ON draft_comments (draft_id, fragment_id);
-- The versioned library of templates and pre-approved letters.
CREATE TABLE draft_templates (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('template', 'letter')),
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (id, version)
) WITHOUT ROWID;
-- PDF exports, stored as document versions (the catalog holds the bytes' references).
CREATE TABLE draft_exports (
  num INTEGER PRIMARY KEY,
  draft_id TEXT NOT NULL REFERENCES drafts(id),
  revision INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('final', 'review')),
  document_id TEXT NOT NULL REFERENCES documents(id),
  version_id TEXT NOT NULL REFERENCES versions(id),
  created TEXT NOT NULL,
  created_by TEXT NOT NULL
);
)sql"},
      {"case notifications: chase steps sent (workflows/chasing.h) and the log of notifications sent", R"sql(
-- One row per chase step sent for a chased item (a case's current action, a contribution
-- request...): steps 1..N are chases, N+1 the escalation. The primary key makes a step go out
-- once; the next step is due N working days after the previous one was sent (sent_on).
CREATE TABLE notification_chases (
  item TEXT NOT NULL,                   -- the chased item's key (a new request has a new key)
  step INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  who TEXT NOT NULL,                    -- who was chased
  kind TEXT NOT NULL CHECK (kind IN ('chase', 'escalation')),
  due TEXT NOT NULL,                    -- the UK date it was due
  sent_on TEXT NOT NULL,                -- the UK date it went out
  sent_at TEXT NOT NULL,                -- UTC
  recipients TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(recipients)),
  PRIMARY KEY (item, step)
);
CREATE INDEX notification_chases_case ON notification_chases(case_id);
-- Every notification sent (workflows/notify_dispatch.h), for GET /api/v1/notifications and a
-- case's own list. A digest is one row per case it covered.
CREATE TABLE notification_log (
  num INTEGER PRIMARY KEY,
  sent_at TEXT NOT NULL,
  case_id TEXT NOT NULL,
  event TEXT NOT NULL,
  recipient TEXT NOT NULL,
  urgency TEXT NOT NULL,
  subject TEXT NOT NULL
);
CREATE INDEX notification_log_case ON notification_log(case_id, num);
)sql"},
  };
  return list;
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

int schema_version(sql::Database& db) {
  auto st = db.prepare("PRAGMA user_version");
  return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

void migrate(sql::Database& db, const std::string& now_utc) {
  const auto& list = migrations();
  int current = schema_version(db);
  if (current > latest_schema_version()) {
    fail(Error::unsupported("the catalog is at schema version " + std::to_string(current) +
                            ", newer than this Redbox understands (" + std::to_string(latest_schema_version()) +
                            "); upgrade Redbox"));
  }
  while (current < latest_schema_version()) {
    sql::Transaction tx(db);
    current = schema_version(db);  // another process may have migrated while we waited
    if (current >= latest_schema_version()) break;
    const Migration& m = list[static_cast<std::size_t>(current)];
    db.exec(m.sql);
    int next = current + 1;
    db.prepare("INSERT INTO schema_migrations (version, description, applied) VALUES (?, ?, ?)")
        .bind(1, next)
        .bind(2, m.description)
        .bind(3, now_utc)
        .run();
    db.exec("PRAGMA user_version = " + std::to_string(next));
    tx.commit();
    current = next;
  }
}

}  // namespace redbox::storage::detail
