// Store: the data folder opened as a whole, the blob store plus the catalog, and the one place
// that knows the folder layout:
//   <data>/catalog.sqlite   the catalog and audit log (SQLite, WAL)
//   <data>/blobs/           the content-addressed blobs
//   <data>/config.json      installation settings (limits, ...), created by `redbox init`
// Thread-safety: as BlobStore and Catalog.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "storage/blob_store.h"
#include "storage/catalog.h"

namespace redbox::storage {

// <data>/config.json. Unknown keys are kept (other modules may add settings).
struct StoreConfig {
  std::uint64_t max_upload_bytes = 512ULL << 20;
  nlohmann::json raw = nlohmann::json::object();  // the whole file as read
};

struct Store {
  std::filesystem::path root;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<Catalog> catalog;
  StoreConfig config;
};

// The defaults written by init_store.
nlohmann::json default_store_config();

// Opens an existing data folder; not_found (naming the folder and suggesting `redbox init`)
// if it was never initialised. Removes temporaries left by writers that were killed.
Result<Store> open_store(const std::filesystem::path& root, CatalogOptions options = {});
// Creates (or opens, if it exists) a data folder.
Result<Store> init_store(const std::filesystem::path& root, CatalogOptions options = {});

// Adds a file as a new document's original version: streams it into the blob store, sniffs
// the media type from the bytes, and records document + version + audit event in one
// transaction. The blob is committed before the catalog row, so a crash in between leaves at
// most an orphan blob (which fsck reports and can remove), never a document without bytes.
struct AddFileOptions {
  std::string file_name;            // default: the path's file name
  std::string source = "cli";
  std::optional<std::string> batch_id;
  nlohmann::json metadata = nlohmann::json::object();
  std::uint64_t max_bytes = 512ULL << 20;
};
Result<Document> add_file(Store& store, const std::filesystem::path& path, const AddFileOptions& options,
                          const std::string& actor);

// Adds several files as documents with group commit, the bulk path (`redbox doc add`, scan
// batches, imports). Per group of files (as many as the open-file limit allows, up to 1,024):
//   1. each file is streamed into a blob temporary and hashed, without fsync;
//   2. one syncfs() makes all their bytes durable; they are renamed to their hashes;
//   3. a second syncfs() makes the names durable (blobs visible and durable, as commit());
//   4. one catalog transaction (one WAL fsync) records every document and its audit event.
// A file's result is reported (on_result, on the calling thread, in path order within each
// group) only after step 4 for its group, so a reported document is durable exactly as with
// add_file. Steps 2-4 of one group run on a second thread while the next group is staged.
// A file that cannot be staged (missing, a folder, unreadable, over the limit) is reported
// alone and the others continue; a failure in steps 2-4 fails the whole group (nothing of it is
// in the catalog; blobs already renamed are orphans that fsck reports and repairs). A process
// killed at any point leaves only temporaries (removed by open_store / fsck) and orphan blobs.
// With stop_at_failure, nothing after the first failure is attempted.
// options apply to every file; file_name is ignored (each file's own name is used).
struct AddFilesStats {
  std::size_t added = 0;
  std::size_t failed = 0;
  std::size_t groups = 0;
  double total_seconds = 0;
  double stage_seconds = 0;        // open, read, hash, write temporaries (calling thread)
  double blob_commit_seconds = 0;  // barriers + renames (commit thread)
  double catalog_seconds = 0;      // sniffing results, page counts, the catalog transaction
  nlohmann::json to_json() const;
};
using AddFileResultFn = std::function<void(std::size_t index, Result<Document> result)>;
AddFilesStats add_files_each(Store& store, const std::vector<std::filesystem::path>& paths,
                             const AddFileOptions& options, const std::string& actor, const AddFileResultFn& on_result,
                             bool stop_at_failure = false);

// add_files_each that stops at the first failure and returns it (documents of groups committed
// before it stay recorded); otherwise every document, in path order.
Result<std::vector<Document>> add_files(Store& store, const std::vector<std::filesystem::path>& paths,
                                        const AddFileOptions& options, const std::string& actor);

struct FsckReport {
  std::uint64_t blobs_checked = 0;
  std::uint64_t versions_checked = 0;
  std::vector<std::string> corrupt_blobs;     // hash mismatch
  std::vector<std::string> missing_blobs;     // referenced by a version but absent
  std::vector<std::string> orphan_blobs;      // present but referenced by nothing
  std::uint64_t stale_temporaries_removed = 0;
  std::vector<std::string> catalog_problems;
  bool audit_chain_ok = true;
  std::optional<std::int64_t> audit_first_bad_seq;  // when the chain is broken
  std::string audit_problem;
  std::uint64_t audit_events_checked = 0;
  std::vector<std::string> orphans_removed;   // with repair
  std::vector<std::string> orphans_kept_recent;  // younger than the grace period: maybe mid-upload
  bool clean() const;
  nlohmann::json to_json() const;
};
// Checks every blob and catalog row; with repair, removes orphan blobs (never referenced ones).
Result<FsckReport> fsck(Store& store, bool repair);

struct FsckOptions {
  bool repair = false;
  // An orphan younger than this may be an upload whose catalog row is being written right now
  // (the blob is committed first); repair leaves it alone. fsck(store, repair) uses 10 minutes.
  std::chrono::seconds orphan_grace{600};
};
Result<FsckReport> fsck(Store& store, const FsckOptions& options);

// Page count of a stored PDF or image: MuPDF for PDFs, Leptonica for multi-page TIFF, 1 for
// other images; nullopt when the file cannot be read as pages (never an error: intake decides).
std::optional<int> count_pages(const std::filesystem::path& path, std::string_view media_type);

}  // namespace redbox::storage
