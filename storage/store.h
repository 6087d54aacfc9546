// Store: the data folder opened as a whole, the blob store plus the catalog, and the one place
// that knows the folder layout:
//   <data>/catalog.sqlite   the catalog and audit log (SQLite, WAL)
//   <data>/blobs/           the content-addressed blobs
//   <data>/config.json      installation settings (limits, ...), created by `redbox init`
// Thread-safety: as BlobStore and Catalog.
#pragma once

#include <filesystem>
#include <memory>

#include "common/error.h"
#include "storage/blob_store.h"
#include "storage/catalog.h"

namespace redbox::storage {

struct Store {
  std::filesystem::path root;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<Catalog> catalog;
};

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

struct FsckReport {
  std::uint64_t blobs_checked = 0;
  std::uint64_t versions_checked = 0;
  std::vector<std::string> corrupt_blobs;     // hash mismatch
  std::vector<std::string> missing_blobs;     // referenced by a version but absent
  std::vector<std::string> orphan_blobs;      // present but referenced by nothing
  std::uint64_t stale_temporaries_removed = 0;
  std::vector<std::string> catalog_problems;
  bool audit_chain_ok = true;
  bool clean() const;
};
// Checks every blob and catalog row; with repair, removes orphan blobs (never referenced ones).
Result<FsckReport> fsck(Store& store, bool repair);

}  // namespace redbox::storage
