// The SQLite catalog. One writer connection fed by a group committer (SQLite allows one writer
// at a time anyway; BEGIN IMMEDIATE also serialises against other processes) and a pool of read
// connections so readers never wait for the writer (WAL). Every change and its audit event are
// in one transaction.
#include <algorithm>
#include <charconv>
#include <mutex>
#include <type_traits>

#include "common/files.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "storage/catalog.h"
#include "storage/detail/catalog_schema.h"
#include "storage/detail/connection_pool.h"
#include "storage/detail/group_commit.h"
#include "storage/detail/sqlite_audit.h"
#include "storage/detail/statement_cache.h"

namespace redbox::storage {
namespace {

using detail::ReadSnapshot;

constexpr const char* kVersionColumns =
    "id, document_id, kind, sha256, size, media_type, page_count, derived_from, pair_of, created, created_by, metadata";
constexpr const char* kDocumentColumns =
    "num, id, file_name, media_type, source, batch_id, received, page_count, metadata";
constexpr const char* kUserColumns = "id, name, role, created, disabled";

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

nlohmann::json parse_json(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception&) {
    fail(Error::corrupt("stored metadata of " + where + " is not valid JSON"));
  }
}

TimePoint parse_time(const std::string& text, const std::string& where) {
  TimePoint t;
  if (!parse_utc(text, t)) fail(Error::corrupt("stored time of " + where + " is malformed: '" + text + "'"));
  return t;
}

std::optional<int> optional_int(const sql::Statement& st, int col) {
  auto v = st.optional_int64(col);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

Version read_version(const sql::Statement& st) {
  Version v;
  v.id = st.text(0);
  v.document_id = st.text(1);
  auto kind = parse_version_kind(st.text(2));
  if (!kind) fail(Error::corrupt("version " + v.id + " has an unknown kind '" + st.text(2) + "'"));
  v.kind = *kind;
  v.sha256 = st.text(3);
  v.size = static_cast<std::uint64_t>(st.int64(4));
  v.media_type = st.text(5);
  v.page_count = optional_int(st, 6);
  v.derived_from = st.optional_text(7);
  v.pair_of = st.optional_text(8);
  v.created = parse_time(st.text(9), v.id);
  v.created_by = st.text(10);
  v.metadata = parse_json(st.text(11), v.id);
  return v;
}

Document read_document(const sql::Statement& st) {
  Document d;
  d.id = st.text(1);
  d.file_name = st.text(2);
  d.media_type = st.text(3);
  d.source = st.text(4);
  d.batch_id = st.optional_text(5);
  d.received = parse_time(st.text(6), d.id);
  d.page_count = optional_int(st, 7);
  d.metadata = parse_json(st.text(8), d.id);
  return d;
}

User read_user(const sql::Statement& st) {
  User u;
  u.id = st.text(0);
  u.name = st.text(1);
  auto role = parse_role(st.text(2));
  if (!role) fail(Error::corrupt("user " + u.id + " has an unknown role '" + st.text(2) + "'"));
  u.role = *role;
  u.created = parse_time(st.text(3), u.id);
  u.disabled = st.int64(4) != 0;
  return u;
}

std::vector<Version> versions_of(sql::Database& db, const std::string& document_id) {
  auto st = db.prepare(std::string("SELECT ") + kVersionColumns + " FROM versions WHERE document_id = ? ORDER BY num");
  st.bind(1, document_id);
  std::vector<Version> out;
  while (st.step()) out.push_back(read_version(st));
  return out;
}

void validate_new_version(const NewVersion& v) {
  if (!is_sha256_hex(v.sha256)) fail(Error::invalid_input("version sha256 must be 64 lower-case hex digits"));
  if (!v.metadata.is_object()) fail(Error::invalid_input("version metadata must be a JSON object"));
  if (v.page_count && *v.page_count < 0) fail(Error::invalid_input("page_count cannot be negative"));
}

void validate_user_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '@';
  });
  if (!ok) fail(Error::invalid_input("user name must be 1-64 characters of letters, digits and . _ - @"));
}

class SqliteCatalog final : public Catalog {
 public:
  SqliteCatalog(const fs::path& path, const Clock& clock)
      : clock_(clock), writer_(sql::Database::open(path)), readers_(path), audit_(readers_) {
    detail::migrate(writer_, format_utc(clock_.now()));
  }

  Result<Document> create_document(const NewDocument& doc, const std::string& actor) override {
    return guard([&] {
      validate_new_document(doc);
      return commit_change([&](sql::Database&, TimePoint now) { return insert_document(writes_, doc, actor, now); });
    });
  }

  Result<std::vector<Document>> create_documents(const std::vector<NewDocument>& docs, const std::string& actor) override {
    return guard([&] {
      for (const auto& doc : docs) validate_new_document(doc);
      return commit_change([&](sql::Database&, TimePoint now) {
        std::vector<Document> out;
        out.reserve(docs.size());
        for (const auto& doc : docs) out.push_back(insert_document(writes_, doc, actor, now));
        return out;
      });
    });
  }

  Result<Version> add_version(const std::string& document_id, const NewVersion& version,
                              const std::string& actor) override {
    return guard([&] {
      validate_new_version(version);
      if (version.kind == VersionKind::original) {
        fail(Error::conflict("document " + document_id + " already has its original; originals are immutable"));
      }
      return commit_change([&](sql::Database&, TimePoint now) { return insert_version_audited(writes_, document_id, version, actor, now); });
    });
  }

  Result<Document> get_document(const std::string& document_id) const override {
    return guard([&] {
      auto db = readers_.acquire();
      ReadSnapshot snapshot(*db);
      auto st = db->prepare(std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE id = ?");
      if (!st.bind(1, document_id).step()) fail(Error::not_found("no document " + document_id));
      Document d = read_document(st);
      d.versions = versions_of(*db, d.id);
      return d;
    });
  }

  Result<DocumentPage> list_documents(std::size_t limit, const std::optional<std::string>& cursor) const override {
    return guard([&] {
      limit = std::clamp<std::size_t>(limit, 1, 500);
      std::int64_t before = std::numeric_limits<std::int64_t>::max();
      if (cursor) {
        const std::string& c = *cursor;
        auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), before);
        if (c.empty() || ec != std::errc() || end != c.data() + c.size() || before <= 0) {
          fail(Error::invalid_input("malformed page cursor"));
        }
      }
      auto db = readers_.acquire();
      ReadSnapshot snapshot(*db);
      auto st = db->prepare(std::string("SELECT ") + kDocumentColumns +
                            " FROM documents WHERE num < ? ORDER BY num DESC LIMIT ?");
      st.bind(1, before).bind(2, static_cast<std::int64_t>(limit + 1));
      DocumentPage page;
      std::int64_t last_num = 0;
      while (st.step()) {
        if (page.documents.size() == limit) {
          page.next_cursor = std::to_string(last_num);
          break;
        }
        last_num = st.int64(0);
        page.documents.push_back(read_document(st));
      }
      for (auto& d : page.documents) d.versions = versions_of(*db, d.id);
      return page;
    });
  }

  Result<Version> latest_version(const std::string& document_id, VersionKind kind) const override {
    return guard([&] {
      auto db = readers_.acquire();
      auto st = db->prepare(std::string("SELECT ") + kVersionColumns +
                            " FROM versions WHERE document_id = ? AND kind = ? ORDER BY num DESC LIMIT 1");
      st.bind(1, document_id).bind(2, to_string(kind));
      if (!st.step()) {
        fail(Error::not_found("document " + document_id + " has no " + std::string(to_string(kind)) + " version"));
      }
      return read_version(st);
    });
  }

  Result<Version> get_version(const std::string& version_id) const override {
    return guard([&] {
      auto db = readers_.acquire();
      auto st = db->prepare(std::string("SELECT ") + kVersionColumns + " FROM versions WHERE id = ?");
      if (!st.bind(1, version_id).step()) fail(Error::not_found("no version " + version_id));
      return read_version(st);
    });
  }

  Status update_metadata(const std::string& document_id, const nlohmann::json& patch, const std::string& actor) override {
    return guard([&] {
      if (!patch.is_object()) fail(Error::invalid_input("a metadata patch must be a JSON object"));
      commit_change([&](sql::Database& db, TimePoint now) {
        auto st = db.prepare("SELECT metadata FROM documents WHERE id = ?");
        if (!st.bind(1, document_id).step()) fail(Error::not_found("no document " + document_id));
        nlohmann::json metadata = parse_json(st.text(0), document_id);
        metadata.merge_patch(patch);  // RFC 7396: a null value removes the key
        db.prepare("UPDATE documents SET metadata = ? WHERE id = ?").bind(1, dump(metadata)).bind(2, document_id).run();
        nlohmann::json keys = nlohmann::json::array();
        for (const auto& [key, value] : patch.items()) keys.push_back(key);  // keys only: values may be personal
        AuditEvent e;
        e.actor = actor;
        e.action = "document.metadata_update";
        e.object = document_id;
        e.details = {{"keys", keys}};
        detail::append_audit_event(writes_, std::move(e), now);
        return 0;
      });
    });
  }

  Result<std::vector<std::string>> referenced_blobs() const override {
    return guard([&] {
      auto db = readers_.acquire();
      auto st = db->prepare("SELECT sha256 FROM blob_references");  // versions and module tables
      std::vector<std::string> out;
      while (st.step()) out.push_back(st.text(0));
      return out;
    });
  }

  Result<std::uint64_t> count_versions() const override {
    return guard([&] {
      auto db = readers_.acquire();
      auto st = db->prepare("SELECT count(*) FROM versions");
      st.step();
      return static_cast<std::uint64_t>(st.int64(0));
    });
  }

  Result<NewUserResult> create_user(const std::string& name, Role role, const std::string& actor) override {
    return guard([&] {
      validate_user_name(name);
      return commit_change([&](sql::Database& db, TimePoint now) {
        auto taken = db.prepare("SELECT 1 FROM users WHERE name = ?");
        if (taken.bind(1, name).step()) fail(Error::conflict("a user named " + name + " exists already"));
        NewUserResult r;
        r.user.id = new_id("usr");
        r.user.name = name;
        r.user.role = role;
        r.user.created = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
        r.token = "rbx_" + random_hex(32);
        db.prepare("INSERT INTO users (id, name, role, token_hash, created, disabled) VALUES (?, ?, ?, ?, ?, 0)")
            .bind(1, r.user.id)
            .bind(2, name)
            .bind(3, to_string(role))
            .bind(4, sha256_hex(r.token))
            .bind(5, format_utc(r.user.created))
            .run();
        AuditEvent e;
        e.actor = actor;
        e.action = "user.create";
        e.object = r.user.id;
        e.details = {{"name", name}, {"role", std::string(to_string(role))}};
        detail::append_audit_event(writes_, std::move(e), now);
        return r;
      });
    });
  }

  Result<User> authenticate(const std::string& token) override {
    return guard([&] {
      std::string token_hash = sha256_hex(token);
      std::optional<User> user;
      {
        auto db = readers_.acquire();
        auto st = db->prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE token_hash = ?");
        if (st.bind(1, token_hash).step()) user = read_user(st);
      }
      AuditEvent e;
      if (user && !user->disabled) {
        e.actor = user->name;
        e.action = "auth.token_used";
        e.object = user->id;
      } else {
        e.actor = "anonymous";
        e.action = "auth.refused";
        e.object = user ? user->id : "token";
        e.details = {{"reason", user ? "user disabled" : "unknown token"}};
      }
      commit_change([&](sql::Database&, TimePoint now) {
        detail::append_audit_event(writes_, std::move(e), now);
        return 0;
      });
      if (!user) fail(Error::unauthorized("the API token is not valid"));
      if (user->disabled) fail(Error::unauthorized("the API token belongs to a disabled user"));
      return *user;
    });
  }

  Result<std::vector<User>> list_users() const override {
    return guard([&] {
      auto db = readers_.acquire();
      auto st = db->prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name");
      std::vector<User> out;
      while (st.step()) out.push_back(read_user(st));
      return out;
    });
  }

  Status record(const AuditEvent& event) override {
    return guard([&] {
      commit_change([&](sql::Database&, TimePoint now) {
        detail::append_audit_event(writes_, event, now);
        return 0;
      });
    });
  }

  Status write(const std::function<void(CatalogWriter&)>& fn) override {
    return guard([&] {
      commit_change([&](sql::Database&, TimePoint now) {
        ExtensionWriter w(writes_, now);
        fn(w);
        return 0;
      });
    });
  }

  Status read(const std::function<void(sql::Database&)>& fn) const override {
    return guard([&] {
      auto db = readers_.acquire();
      ReadSnapshot snapshot(*db);
      fn(*db);
    });
  }

  AuditLog& audit() override { return audit_; }

  Result<std::vector<std::string>> check_integrity() const override {
    return guard([&] {
      constexpr std::size_t kMaxProblems = 1000;
      std::vector<std::string> problems;
      auto add = [&](std::string p) {
        if (problems.size() < kMaxProblems) problems.push_back(std::move(p));
      };
      auto db = readers_.acquire();
      ReadSnapshot snapshot(*db);
      {
        auto st = db->prepare("PRAGMA quick_check");
        while (st.step()) {
          if (st.text(0) != "ok") add("SQLite integrity: " + st.text(0));
        }
      }
      {
        auto st = db->prepare("PRAGMA foreign_key_check");
        while (st.step()) add("dangling reference in table " + st.text(0) + " (row " + st.text(1) + ") to " + st.text(2));
      }
      int version = detail::schema_version(*db);
      if (version != detail::latest_schema_version()) {
        add("schema version is " + std::to_string(version) + ", expected " + std::to_string(detail::latest_schema_version()));
      }
      auto each = [&](const char* sql_text, const std::string& what) {
        auto st = db->prepare(sql_text);
        while (st.step()) add(st.text(0) + ": " + what);
      };
      each("SELECT id FROM versions WHERE length(sha256) != 64 OR sha256 GLOB '*[^0-9a-f]*'",
           "sha256 is not 64 lower-case hex digits");
      each("SELECT d.id FROM documents d WHERE NOT EXISTS "
           "(SELECT 1 FROM versions v WHERE v.document_id = d.id AND v.kind = 'original')",
           "document has no original version");
      each("SELECT v.id FROM versions v JOIN versions s ON s.id = v.derived_from WHERE s.document_id != v.document_id",
           "derived from a version of another document");
      each("SELECT v.id FROM versions v JOIN versions s ON s.id = v.pair_of WHERE s.document_id != v.document_id",
           "paired with a version of another document");
      for (const char* trigger : detail::kAuditTriggers) {
        auto st = db->prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?");
        if (!st.bind(1, trigger).step()) add(std::string("audit protection trigger ") + trigger + " is missing");
      }
      return problems;
    });
  }

 private:
  class ExtensionWriter final : public CatalogWriter {
   public:
    ExtensionWriter(detail::StatementCache& statements, TimePoint now) : statements_(statements), now_(now) {}
    sql::Database& db() override { return statements_.db(); }
    TimePoint now() const override { return now_; }
    AuditEvent audit(AuditEvent event) override {
      return detail::append_audit_event(statements_, std::move(event), now_);
    }
    Document create_document(const NewDocument& doc, const std::string& actor) override {
      validate_new_document(doc);
      return insert_document(statements_, doc, actor, now_);
    }
    Version add_version(const std::string& document_id, const NewVersion& version, const std::string& actor) override {
      validate_new_version(version);
      if (version.kind == VersionKind::original) fail(Error::conflict("document " + document_id + " already has its original; originals are immutable"));
      return insert_version_audited(statements_, document_id, version, actor, now_);
    }

   private:
    detail::StatementCache& statements_;
    TimePoint now_;
  };

  static void validate_new_document(const NewDocument& doc) {
    if (doc.original.kind != VersionKind::original) fail(Error::invalid_input("a new document's first version must be its original"));
    validate_new_version(doc.original);
    if (doc.original.derived_from || doc.original.pair_of) fail(Error::invalid_input("an original cannot be derived from another version"));
    if (!doc.metadata.is_object()) fail(Error::invalid_input("document metadata must be a JSON object"));
  }

  static Version insert_version_audited(detail::StatementCache& db, const std::string& document_id,
                                        const NewVersion& version, const std::string& actor, TimePoint now) {
    {
      auto exists = db.get("SELECT 1 FROM documents WHERE id = ?");
      if (!exists->bind(1, document_id).step()) fail(Error::not_found("no document " + document_id));
    }
    for (const auto& ref : {version.derived_from, version.pair_of}) {
      if (!ref) continue;
      auto owner = db.get("SELECT document_id FROM versions WHERE id = ?");
      if (!owner->bind(1, *ref).step()) fail(Error::not_found("no version " + *ref));
      if (owner->text(0) != document_id) {
        fail(Error::invalid_input("version " + *ref + " belongs to another document than " + document_id));
      }
    }
    NewVersion v = version;
    if (v.media_type.empty()) v.media_type = "application/octet-stream";
    Version stored = insert_version(db, document_id, v, actor, now);
    AuditEvent e;
    e.actor = actor;
    e.action = "version.create";
    e.object = stored.id;
    e.details = {{"document", document_id}, {"kind", std::string(to_string(stored.kind))},
                 {"sha256", stored.sha256}, {"size", stored.size}};
    if (stored.derived_from) e.details["derived_from"] = *stored.derived_from;
    if (stored.pair_of) e.details["pair_of"] = *stored.pair_of;
    detail::append_audit_event(db, std::move(e), now);
    return stored;
  }

  static Document insert_document(detail::StatementCache& db, const NewDocument& doc, const std::string& actor,
                                  TimePoint now) {
    std::string media_type = doc.original.media_type.empty() ? "application/octet-stream" : doc.original.media_type;
    Document d;
    d.id = new_id("doc");
    d.file_name = sanitize_file_name(doc.file_name);
    d.media_type = media_type;
    d.source = doc.source.empty() ? "upload" : doc.source;
    d.batch_id = doc.batch_id;
    d.received = std::chrono::time_point_cast<std::chrono::milliseconds>(doc.received.value_or(now));
    d.page_count = doc.original.page_count;
    d.metadata = doc.metadata;
    db.get("INSERT INTO documents (id, file_name, media_type, source, batch_id, received, page_count, metadata) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        ->bind(1, d.id)
        .bind(2, d.file_name)
        .bind(3, d.media_type)
        .bind(4, d.source)
        .bind(5, d.batch_id)
        .bind(6, format_utc(d.received))
        .bind(7, d.page_count)
        .bind(8, dump(d.metadata))
        .run();
    NewVersion original = doc.original;
    original.media_type = media_type;
    Version v = insert_version(db, d.id, original, actor, now);
    AuditEvent e;
    e.actor = actor;
    e.action = "document.create";
    e.object = d.id;
    // IDs, hashes and counts only: file names can carry personal data.
    e.details = {{"version", v.id}, {"sha256", v.sha256}, {"size", v.size}, {"media_type", v.media_type},
                 {"source", d.source}};
    if (d.batch_id) e.details["batch"] = *d.batch_id;
    detail::append_audit_event(db, std::move(e), now);
    d.versions.push_back(std::move(v));
    return d;
  }

  static Version insert_version(detail::StatementCache& db, const std::string& document_id, const NewVersion& nv,
                                const std::string& actor, TimePoint now) {
    Version v;
    v.id = new_id("ver");
    v.document_id = document_id;
    v.kind = nv.kind;
    v.sha256 = nv.sha256;
    v.size = nv.size;
    v.media_type = nv.media_type;
    v.page_count = nv.page_count;
    v.derived_from = nv.derived_from;
    v.pair_of = nv.pair_of;
    v.created = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
    v.created_by = actor;
    v.metadata = nv.metadata;
    db.get(std::string("INSERT INTO versions (") + kVersionColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        ->bind(1, v.id)
        .bind(2, v.document_id)
        .bind(3, to_string(v.kind))
        .bind(4, v.sha256)
        .bind(5, static_cast<std::int64_t>(v.size))
        .bind(6, v.media_type)
        .bind(7, v.page_count)
        .bind(8, v.derived_from)
        .bind(9, v.pair_of)
        .bind(10, format_utc(v.created))
        .bind(11, v.created_by)
        .bind(12, dump(v.metadata))
        .run();
    return v;
  }

  // Runs fn(db, now) in a BEGIN IMMEDIATE transaction on the writer connection, shared with
  // concurrent writers (group commit); returns only after that transaction has committed
  // (fsync with synchronous=FULL), so a returned result is durable.
  template <typename Fn>
  auto commit_change(Fn&& fn) -> std::invoke_result_t<Fn, sql::Database&, TimePoint> {
    std::optional<std::invoke_result_t<Fn, sql::Database&, TimePoint>> result;
    committer_.submit([&](sql::Database& db, TimePoint now) { result.emplace(fn(db, now)); });
    return std::move(*result);
  }

  const Clock& clock_;
  sql::Database writer_;
  detail::StatementCache writes_{writer_};  // the writer's statements; after writer_, destroyed first
  detail::GroupCommitter committer_{writer_, clock_};
  mutable detail::ConnectionPool readers_;
  detail::SqliteAuditLog audit_;
};

}  // namespace

Result<std::unique_ptr<Catalog>> open_sqlite_catalog(const std::filesystem::path& path, CatalogOptions options) {
  return guard([&] {
    const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::instance();
    return std::unique_ptr<Catalog>(std::make_unique<SqliteCatalog>(path, clock));
  });
}

}  // namespace redbox::storage
