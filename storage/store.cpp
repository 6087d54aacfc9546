#include "storage/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <set>
#include <vector>

#include "common/files.h"
#include "common/media_type.h"

namespace redbox::storage {
namespace {

constexpr const char* kCatalogFile = "catalog.sqlite";
constexpr const char* kBlobFolder = "blobs";
constexpr const char* kConfigFile = "config.json";

Result<StoreConfig> load_config(const fs::path& root) {
  auto text = read_file(root / kConfigFile, 1 << 20);
  if (!text) return text.error();
  StoreConfig config;
  try {
    config.raw = nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    return Error::invalid_input((root / kConfigFile).string() + " is not valid JSON: " + e.what());
  }
  if (!config.raw.is_object()) return Error::invalid_input((root / kConfigFile).string() + " must hold a JSON object");
  if (auto it = config.raw.find("max_upload_bytes"); it != config.raw.end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0) {
      return Error::invalid_input((root / kConfigFile).string() + ": max_upload_bytes must be a positive integer");
    }
    config.max_upload_bytes = it->get<std::uint64_t>();
  }
  return config;
}

Result<Store> open_parts(const fs::path& root, CatalogOptions options) {
  auto config = load_config(root);
  if (!config) return config.error();
  auto blobs = open_local_blob_store(root / kBlobFolder);
  if (!blobs) return blobs.error();
  // Temporaries of writers killed mid-write (the lock check leaves live writers alone).
  if (auto removed = (*blobs)->remove_stale_temporaries(); !removed) return removed.error();
  auto catalog = open_sqlite_catalog(root / kCatalogFile, options);
  if (!catalog) return catalog.error().within("catalog " + (root / kCatalogFile).string());
  return Store{root, std::move(*blobs), std::move(*catalog), std::move(*config)};
}

class FileReader {
 public:
  explicit FileReader(const fs::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~FileReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

nlohmann::json default_store_config() {
  return {{"format", 1}, {"max_upload_bytes", 512ULL << 20}};
}

Result<Store> open_store(const fs::path& root, CatalogOptions options) {
  std::error_code ec;
  if (!fs::exists(root / kConfigFile, ec) || !fs::exists(root / kCatalogFile, ec)) {
    return Error::not_found("data folder " + root.string() + " is not initialised: run `redbox --data " + root.string() +
                            " init` first");
  }
  return open_parts(root, options);
}

Result<Store> init_store(const fs::path& root, CatalogOptions options) {
  if (Status s = ensure_directory(root); !s) return s.error();
  std::error_code ec;
  if (!fs::exists(root / kConfigFile, ec)) {
    if (Status s = write_file_atomic(root / kConfigFile, default_store_config().dump(2) + "\n"); !s) return s.error();
  }
  return open_parts(root, options);
}

namespace {

// One file streamed into an uncommitted blob writer, with the first bytes kept for sniffing.
struct StagedFile {
  fs::path path;
  std::unique_ptr<BlobWriter> writer;
  std::string head;
};

Result<StagedFile> stage_file(Store& store, const fs::path& path, std::uint64_t limit) {
  FileReader file(path);
  if (file.fd() < 0) {
    int e = errno;
    std::string m = "cannot open " + path.string() + ": " + std::strerror(e);
    return e == ENOENT ? Error::not_found(std::move(m)) : Error::io(std::move(m));
  }
  struct stat st {};
  if (::fstat(file.fd(), &st) != 0) return Error::io("cannot stat " + path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Error::invalid_input(path.string() + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > limit) {
    return Error::too_large(path.string() + " is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                            std::to_string(limit));
  }
  ::posix_fadvise(file.fd(), 0, 0, POSIX_FADV_SEQUENTIAL);
  auto writer = store.blobs->create_writer(limit);
  if (!writer) return writer.error();
  StagedFile staged{path, std::move(*writer), {}};
  std::vector<char> buffer(static_cast<std::size_t>(std::clamp<off_t>(st.st_size, 4096, 1 << 20)));
  while (true) {
    ssize_t n = ::read(file.fd(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::io("read error on " + path.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    auto got = static_cast<std::size_t>(n);
    if (staged.head.size() < 8192) staged.head.append(buffer.data(), std::min(got, 8192 - staged.head.size()));
    if (Status s = staged.writer->write(buffer.data(), got); !s) return s.error().within(path.string());
  }
  return staged;
}

NewDocument describe(Store& store, const StagedFile& staged, const BlobRef& blob, const AddFileOptions& options,
                     const std::string& file_name) {
  NewDocument doc;
  doc.file_name = file_name;
  doc.source = options.source;
  doc.batch_id = options.batch_id;
  doc.metadata = options.metadata;
  doc.original.kind = VersionKind::original;
  doc.original.sha256 = blob.sha256;
  doc.original.size = blob.size;
  doc.original.media_type = sniff_media_type(staged.head);
  if (is_page_media_type(doc.original.media_type)) {
    // Count from the stored bytes, not the source that could change meanwhile.
    auto local = store.blobs->local_path(blob.sha256);
    doc.original.page_count = count_pages(local ? *local : staged.path, doc.original.media_type);
  }
  return doc;
}

}  // namespace

Result<Document> add_file(Store& store, const fs::path& path, const AddFileOptions& options, const std::string& actor) {
  auto staged = stage_file(store, path, std::min(options.max_bytes, store.config.max_upload_bytes));
  if (!staged) return staged.error();
  auto blob = staged->writer->commit();
  if (!blob) return blob.error();
  std::string name = options.file_name.empty() ? path.filename().string() : options.file_name;
  return store.catalog->create_document(describe(store, *staged, *blob, options, name), actor);
}

Result<std::vector<Document>> add_files(Store& store, const std::vector<fs::path>& paths, const AddFileOptions& options,
                                        const std::string& actor) {
  constexpr std::size_t kMaxOpen = 256;
  std::uint64_t limit = std::min(options.max_bytes, store.config.max_upload_bytes);
  std::vector<Document> added;
  added.reserve(paths.size());
  for (std::size_t start = 0; start < paths.size(); start += kMaxOpen) {
    std::size_t end = std::min(paths.size(), start + kMaxOpen);
    std::vector<StagedFile> staged;
    std::vector<std::unique_ptr<BlobWriter>> writers;
    staged.reserve(end - start);
    writers.reserve(end - start);
    for (std::size_t i = start; i < end; ++i) {
      auto s = stage_file(store, paths[i], limit);
      if (!s) return s.error();
      staged.push_back(std::move(*s));
    }
    for (auto& s : staged) writers.push_back(std::move(s.writer));
    auto blobs = store.blobs->commit_all(writers);
    if (!blobs) return blobs.error();
    std::vector<NewDocument> docs;
    docs.reserve(staged.size());
    for (std::size_t i = 0; i < staged.size(); ++i) {
      docs.push_back(describe(store, staged[i], (*blobs)[i], options, staged[i].path.filename().string()));
    }
    auto created = store.catalog->create_documents(docs, actor);
    if (!created) return created.error();
    for (auto& d : *created) added.push_back(std::move(d));
  }
  return added;
}

bool FsckReport::clean() const {
  return corrupt_blobs.empty() && missing_blobs.empty() && orphan_blobs.empty() && catalog_problems.empty() &&
         audit_chain_ok;
}

nlohmann::json FsckReport::to_json() const {
  nlohmann::json j = {{"clean", clean()},
                      {"blobs_checked", blobs_checked},
                      {"versions_checked", versions_checked},
                      {"corrupt_blobs", corrupt_blobs},
                      {"missing_blobs", missing_blobs},
                      {"orphan_blobs", orphan_blobs},
                      {"orphans_removed", orphans_removed},
                      {"orphans_kept_recent", orphans_kept_recent},
                      {"stale_temporaries_removed", stale_temporaries_removed},
                      {"catalog_problems", catalog_problems},
                      {"audit", {{"ok", audit_chain_ok}, {"events_checked", audit_events_checked}}}};
  if (audit_first_bad_seq) {
    j["audit"]["first_bad_seq"] = *audit_first_bad_seq;
    j["audit"]["problem"] = audit_problem;
  }
  return j;
}

Result<FsckReport> fsck(Store& store, bool repair) {
  FsckOptions options;
  options.repair = repair;
  return fsck(store, options);
}

Result<FsckReport> fsck(Store& store, const FsckOptions& options) {
  FsckReport report;
  auto stale = store.blobs->remove_stale_temporaries();
  if (!stale) return stale.error();
  report.stale_temporaries_removed = *stale;

  // Read the references first: a blob committed after this point may look like an orphan,
  // which is what the grace period is for.
  auto referenced_list = store.catalog->referenced_blobs();
  if (!referenced_list) return referenced_list.error();
  std::set<std::string> referenced(referenced_list->begin(), referenced_list->end());
  auto versions = store.catalog->count_versions();
  if (!versions) return versions.error();
  report.versions_checked = *versions;

  std::set<std::string> present;
  Status walked = store.blobs->for_each([&](const BlobRef& ref) -> Status {
    ++report.blobs_checked;
    present.insert(ref.sha256);
    Status v = store.blobs->verify(ref.sha256);
    if (!v) {
      if (v.error().kind == ErrorKind::corrupt) report.corrupt_blobs.push_back(ref.sha256);
      else if (v.error().kind != ErrorKind::not_found) return v;  // removed meanwhile is fine
    }
    if (!referenced.contains(ref.sha256)) report.orphan_blobs.push_back(ref.sha256);
    return {};
  });
  if (!walked) return walked.error();
  for (const auto& sha : referenced) {
    if (!present.contains(sha) && !store.blobs->contains(sha)) report.missing_blobs.push_back(sha);
  }

  if (options.repair) {
    auto now = fs::file_time_type::clock::now();
    for (const auto& sha : report.orphan_blobs) {
      auto local = store.blobs->local_path(sha);
      std::error_code ec;
      auto modified = local ? fs::last_write_time(*local, ec) : now;
      if (ec || now - modified < options.orphan_grace) {
        report.orphans_kept_recent.push_back(sha);
        continue;
      }
      if (Status s = store.blobs->remove(sha); !s) return s.error();
      report.orphans_removed.push_back(sha);
    }
    // Removed orphans no longer count as problems; recent ones still do.
    report.orphan_blobs = report.orphans_kept_recent;
  }

  auto problems = store.catalog->check_integrity();
  if (!problems) return problems.error();
  report.catalog_problems = std::move(*problems);

  auto audit = store.catalog->audit().verify();
  if (!audit) return audit.error();
  report.audit_chain_ok = audit->ok;
  report.audit_events_checked = static_cast<std::uint64_t>(audit->events_checked);
  report.audit_first_bad_seq = audit->first_bad_seq;
  report.audit_problem = audit->problem;
  return report;
}

}  // namespace redbox::storage
