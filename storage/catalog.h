// Catalog: what Redbox knows about stored documents, their versions, users and the audit log.
//
// Model: a Document is one item of correspondence. It has Versions, each pointing at a blob:
// `original` (the exact bytes received, immutable), `searchable` (OCR text layer added),
// `redacted` (a released redaction, paired with the version it was made from), `derived`
// (anything else made from another version). Versions link to their source (derived_from) and
// a redacted version to its pair. Every change runs in one database transaction together with
// its audit event, so the catalog and the audit log can never disagree.
//
// The embedded default is SQLite in WAL mode with versioned migrations (storage/sqlite_catalog);
// a PostgreSQL catalog can implement the same interface later.
//
// Thread-safety: a Catalog may be shared by threads; implementations serialise writes and give
// each thread its own connection for reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/sqlite.h"
#include "storage/audit.h"

namespace redbox::storage {

enum class VersionKind { original, searchable, redacted, derived };
std::string_view to_string(VersionKind kind);
std::optional<VersionKind> parse_version_kind(std::string_view text);

enum class Role { admin, intake, caseworker, reviewer, contributor };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Version {
  std::string id;            // "ver_..."
  std::string document_id;   // "doc_..."
  VersionKind kind = VersionKind::original;
  std::string sha256;
  std::uint64_t size = 0;
  std::string media_type;    // sniffed from the bytes
  std::optional<int> page_count;
  std::optional<std::string> derived_from;  // version id this one was made from
  std::optional<std::string> pair_of;       // for redacted: the version it redacts
  TimePoint created;
  std::string created_by;    // user name or "system"
  nlohmann::json metadata = nlohmann::json::object();
};

struct Document {
  std::string id;            // "doc_..."
  std::string file_name;     // sanitised original name, for display only, never a path
  std::string media_type;    // of the original
  std::string source;        // "upload", "scan-batch", "email", "cli"
  std::optional<std::string> batch_id;
  TimePoint received;
  std::optional<int> page_count;
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<Version> versions;  // oldest first
};

struct NewVersion {
  VersionKind kind = VersionKind::original;
  std::string sha256;        // the blob must already be committed to the BlobStore
  std::uint64_t size = 0;
  std::string media_type;
  std::optional<int> page_count;
  std::optional<std::string> derived_from;
  std::optional<std::string> pair_of;
  nlohmann::json metadata = nlohmann::json::object();
};

struct NewDocument {
  std::string file_name;     // as given by the user; the catalog sanitises it
  std::string source = "upload";
  std::optional<std::string> batch_id;
  std::optional<TimePoint> received;  // default: now
  nlohmann::json metadata = nlohmann::json::object();
  NewVersion original;       // kind must be original
};

struct DocumentPage {
  std::vector<Document> documents;     // newest first; versions filled
  std::optional<std::string> next_cursor;  // pass back to get the next page
};

struct User {
  std::string id;            // "usr_..."
  std::string name;
  Role role = Role::caseworker;
  TimePoint created;
  bool disabled = false;
};

struct NewUserResult {
  User user;
  std::string token;         // shown once; only its hash is stored
};

// What a module's write transaction may do (see Catalog::write): its own SQL on the catalog
// database, audit events and catalog rows, all committed together or not at all.
class CatalogWriter {
 public:
  virtual ~CatalogWriter() = default;
  virtual sql::Database& db() = 0;
  virtual TimePoint now() const = 0;
  virtual AuditEvent audit(AuditEvent event) = 0;
  virtual Document create_document(const NewDocument& doc, const std::string& actor) = 0;
  virtual Version add_version(const std::string& document_id, const NewVersion& version, const std::string& actor) = 0;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Documents and versions. `actor` is the user name recorded in the audit log.
  virtual Result<Document> create_document(const NewDocument& doc, const std::string& actor) = 0;
  // Several documents in one transaction (one commit, one fsync), each with its audit event:
  // all are recorded or none. The default creates them one by one.
  virtual Result<std::vector<Document>> create_documents(const std::vector<NewDocument>& docs, const std::string& actor) {
    std::vector<Document> out;
    for (const auto& d : docs) {
      auto created = create_document(d, actor);
      if (!created) return created.error();
      out.push_back(std::move(*created));
    }
    return out;
  }
  virtual Result<Version> add_version(const std::string& document_id, const NewVersion& version,
                                      const std::string& actor) = 0;
  virtual Result<Document> get_document(const std::string& document_id) const = 0;
  // limit is clamped to [1, 500].
  virtual Result<DocumentPage> list_documents(std::size_t limit, const std::optional<std::string>& cursor) const = 0;
  // The newest version of that kind, or not_found.
  virtual Result<Version> latest_version(const std::string& document_id, VersionKind kind) const = 0;
  virtual Result<Version> get_version(const std::string& version_id) const = 0;
  // Merges keys into the document's metadata (audited).
  virtual Status update_metadata(const std::string& document_id, const nlohmann::json& patch,
                                 const std::string& actor) = 0;
  // Every blob hash anything refers to: versions and module tables such as bundle files (fsck).
  virtual Result<std::vector<std::string>> referenced_blobs() const = 0;
  // How many versions exist (fsck's report). The default counts referenced blobs.
  virtual Result<std::uint64_t> count_versions() const {
    auto blobs = referenced_blobs();
    if (!blobs) return blobs.error();
    return static_cast<std::uint64_t>(blobs->size());
  }

  // Users and API tokens (tokens stored as SHA-256 hashes only).
  virtual Result<NewUserResult> create_user(const std::string& name, Role role, const std::string& actor) = 0;
  // unauthorized if no enabled user holds this token. Records token use in the audit log.
  virtual Result<User> authenticate(const std::string& token) = 0;
  virtual Result<std::vector<User>> list_users() const = 0;

  // Audit: append an event that is not part of a catalog change (a download, a refusal).
  virtual Status record(const AuditEvent& event) = 0;
  virtual AuditLog& audit() = 0;

  // Extension point for the modules that keep their own tables in the catalog database (intake
  // jobs, the search index, redaction marks, bundles, cases), so that their rows, catalog rows
  // and audit events change in one transaction. Their tables are created by migrations in
  // storage/detail/catalog_schema.cpp. write() runs fn in a durable write transaction (group
  // commit: durable when it returns); if fn fails (throws via fail()), nothing of it is stored
  // and its error is returned. read() runs fn on a read connection inside one snapshot.
  virtual Status write(const std::function<void(CatalogWriter&)>& fn) = 0;
  virtual Status read(const std::function<void(sql::Database&)>& fn) const = 0;

  // Integrity check of catalog rows (dangling references, bad hashes, migration state).
  virtual Result<std::vector<std::string>> check_integrity() const = 0;
};

struct CatalogOptions {
  const Clock* clock = nullptr;  // default SystemClock
};

// Opens (creating and migrating) the SQLite catalog at path.
Result<std::unique_ptr<Catalog>> open_sqlite_catalog(const std::filesystem::path& path, CatalogOptions options = {});

}  // namespace redbox::storage
