// Disclosure bundles built from the document store, as a persisted job (kind "bundle").
//
//   auto released = pipeline::resolve_released(*store.catalog, ids, BundleOrder::received);  // 409 first
//   queue.register_handler(pipeline::kBundleJobKind, pipeline::make_bundle_handler(secrets));
//   auto job = queue.submit(pipeline::kBundleJobKind, request.to_json(), actor);
//
// Safety rule (what may go to a requester): for each document its latest `redacted` version
// (a released redaction), or, when a reviewer has set the document's metadata
// `redaction_status` to "not-needed", its latest `searchable` version or else its original.
// Anything else is refused (conflict) naming the document, before any work and again when the
// job runs (the state may have changed in between).
//
// The job assembles the bundle with pipeline::BundleJob in a work folder inside the data
// folder, stores every output (parts, index, manifest, README, package) as blobs, and records
// a `bundles` row with its files and manifest plus a "bundle.build" audit event in one
// transaction with the job's checkpoint; a job resumed after that point returns the stored
// bundle without rebuilding. Each download is audited ("bundle.download").
//
// Thread-safety: the functions are safe to call from several threads; BundleSecrets is
// internally locked.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "pipeline/bundle.h"
#include "pipeline/jobs.h"
#include "storage/store.h"

namespace redbox::pipeline {

inline constexpr const char* kBundleJobKind = "bundle";

enum class BundleOrder { received, given };

// What to bundle and how: the job's params (never a password: see BundleSecrets).
struct StoreBundleRequest {
  std::vector<std::string> document_ids;
  BundleOrder order = BundleOrder::received;
  std::string reference = "bundle";
  std::string stamp_pattern;
  bool page_of_total = false;
  bool index = false;
  std::uint64_t max_part_bytes = 0;
  int max_part_pages = 0;
  int reencode_dpi = 150;
  bool zip = false;
  // The ZIP is encrypted with a password held in memory only (BundleSecrets), under this key.
  std::optional<std::string> password_ref;

  nlohmann::json to_json() const;
  // invalid_input naming the field for anything malformed (unknown keys included).
  static Result<StoreBundleRequest> from_json(const nlohmann::json& json);
  // Checks the options without touching the store (reference, stamp pattern, limits).
  Status validate() const;
};

struct ReleasedDocument {
  storage::Document document;
  storage::Version version;  // what goes into the bundle
  std::string basis;         // "redacted" or "not-needed"
};

// The documents in bundle order with the version each contributes. not_found for an unknown
// ID, conflict naming the first document that may not be released, invalid_input for an empty
// list or duplicates.
Result<std::vector<ReleasedDocument>> resolve_released(const storage::Catalog& catalog,
                                                       const std::vector<std::string>& document_ids,
                                                       BundleOrder order);

// ZIP passwords for running jobs, in memory only: never in the jobs table, the audit log or a
// log line. A job whose password is gone (the process restarted) fails asking to resubmit.
class BundleSecrets {
 public:
  // Returns the reference to put into StoreBundleRequest::password_ref.
  std::string put(std::string password);
  std::optional<std::string> get(const std::string& ref) const;
  void erase(const std::string& ref);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> secrets_;
};

struct StoredBundleFile {
  std::string role;         // "part", "index", "manifest", "readme", "package"
  int number = 0;           // part number (1-based); 0 for the other roles
  std::string name;         // file name as in the manifest / download
  std::string sha256;
  std::uint64_t size = 0;
  int pages = 0;
  std::string first_stamp;
  std::string last_stamp;
  std::string media_type() const;
};

struct StoredBundle {
  std::string id;           // the job ID that built it
  std::string reference;
  std::string created;      // ISO-8601 UTC
  std::string created_by;
  int total_pages = 0;
  nlohmann::json documents = nlohmann::json::array();  // [{document_id, version_id, kind, basis}]
  nlohmann::json options = nlohmann::json::object();
  nlohmann::json manifest = nlohmann::json::object();
  std::vector<StoredBundleFile> files;

  const StoredBundleFile* part(int number) const;
  const StoredBundleFile* package() const;
  nlohmann::json to_json() const;  // the API/CLI view
};

// not_found if no bundle was stored under id (yet).
Result<StoredBundle> find_bundle(const storage::Catalog& catalog, const std::string& id);

// Appends "bundle.download" (object: the bundle ID; details: file role, number, sha256, via).
Status record_bundle_download(storage::Catalog& catalog, const StoredBundle& bundle, const StoredBundleFile& file,
                              const std::string& actor, const std::string& via);

// Writes a stored bundle's files into dir (created if missing): the package only when
// package_only, else the parts, index, README and manifest (manifest last). Each file is
// verified against its SHA-256, written atomically and audited as a download (via "cli").
Result<std::vector<std::filesystem::path>> export_bundle(storage::Store& store, const StoredBundle& bundle,
                                                         const std::filesystem::path& dir, bool package_only,
                                                         const std::string& actor);

// The "bundle" job handler. on_progress (optional) sees every progress report as well (the
// CLI's progress bar).
JobHandler make_bundle_handler(std::shared_ptr<BundleSecrets> secrets,
                               std::function<void(const BundleProgress&)> on_progress = {});

}  // namespace redbox::pipeline
