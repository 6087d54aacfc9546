#include "storage/store.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <chrono>
#include <future>
#include <optional>
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

// One file streamed into an uncommitted blob writer, its media type sniffed from its bytes.
struct StagedFile {
  fs::path path;
  std::unique_ptr<BlobWriter> writer;
  std::string media_type;
};

constexpr std::size_t kSniffBytes = 8192;

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
  constexpr off_t kBuffer = 1 << 20;
  if (st.st_size > kBuffer) ::posix_fadvise(file.fd(), 0, 0, POSIX_FADV_SEQUENTIAL);  // read-ahead for big files
  auto writer = store.blobs->create_writer(limit);
  if (!writer) return writer.error();
  StagedFile staged{path, std::move(*writer), {}};
  std::string head;  // only when the first read was short of kSniffBytes (rare)
  bool sniffed = false;
  // One buffer per thread, reused: a small document is read with one read() into memory that
  // is already mapped. Asking for one byte more than the size tells end-of-file from a file
  // still growing without a second read(): a short read at the stat'ed size is the end (short
  // reads before it, as network file systems may give, just continue).
  thread_local std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kBuffer + 1);
  const std::size_t want = static_cast<std::size_t>(std::clamp<off_t>(st.st_size + 1, 4096, kBuffer));
  std::uint64_t total = 0;
  while (true) {
    ssize_t n = ::read(file.fd(), buffer.get(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::io("read error on " + path.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    auto got = static_cast<std::size_t>(n);
    if (!sniffed) {
      // The usual case: the first read holds the sniffed prefix or the whole (small) file.
      if (head.empty() && (got >= kSniffBytes || n == st.st_size)) {
        staged.media_type = sniff_media_type(std::string_view(buffer.get(), std::min(got, kSniffBytes)));
        sniffed = true;
      } else {
        head.append(buffer.get(), std::min(got, kSniffBytes - head.size()));
        if (head.size() == kSniffBytes) {
          staged.media_type = sniff_media_type(head);
          sniffed = true;
        }
      }
    }
    if (Status s = staged.writer->write(buffer.get(), got); !s) return s.error().within(path.string());
    total += got;
    if (got < want && total >= static_cast<std::uint64_t>(st.st_size)) break;  // at the stat'ed end
  }
  if (!sniffed) staged.media_type = sniff_media_type(head);  // a file shorter than kSniffBytes
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
  doc.original.media_type = staged.media_type;
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

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The most files staged (temporaries held open, each with its lock) per group: two groups are
// in flight at once (one being staged, one being committed), so half the descriptors the
// process may open, less a reserve. Capped at 1,024: larger groups save barriers but leave
// less to overlap (the last group's commit is never hidden behind staging).
std::size_t group_size_for_open_file_limit() {
  rlimit limit{};
  rlim_t open_files = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
  if (open_files == RLIM_INFINITY) open_files = 1 << 20;
  rlim_t usable = open_files > 256 ? (open_files - 192) / 2 : 32;
  return static_cast<std::size_t>(std::clamp<rlim_t>(usable, 32, 1024));
}

// Bytes staged per group at most (a group ends after the file that reaches it): big files then
// go in groups of a few, so the disk writes one group back while the next is being read,
// instead of a whole gigabyte piling up dirty before the first barrier.
constexpr std::uint64_t kGroupBytes = 64ULL << 20;

// One group of staged files on its way to durability.
struct Group {
  std::vector<std::size_t> index;  // into paths
  std::vector<StagedFile> staged;
  std::vector<Result<Document>> results;  // filled by commit_group, one per staged file
  std::vector<std::pair<std::size_t, Error>> unstaged;  // files that could not be staged
};

// Makes a staged group durable and recorded: one barrier for the blobs' bytes, renames, one for
// the names (commit_all), then one catalog transaction for all documents and audit events.
// All or nothing: on failure every file of the group gets the error (blobs already renamed
// become orphans that fsck reports; no catalog row exists for them).
void commit_group(Store& store, Group& group, const AddFileOptions& options, const std::string& actor,
                  AddFilesStats& stats) {
  auto fail_all = [&](const Error& e) { group.results.assign(group.staged.size(), Result<Document>(e)); };
  std::vector<std::unique_ptr<BlobWriter>> writers;
  writers.reserve(group.staged.size());
  for (auto& s : group.staged) writers.push_back(std::move(s.writer));
  auto start = std::chrono::steady_clock::now();
  auto blobs = store.blobs->commit_all(writers);
  stats.blob_commit_seconds += seconds_since(start);
  if (!blobs) return fail_all(blobs.error());
  start = std::chrono::steady_clock::now();
  std::vector<NewDocument> docs;
  docs.reserve(group.staged.size());
  for (std::size_t i = 0; i < group.staged.size(); ++i) {
    const StagedFile& s = group.staged[i];
    docs.push_back(describe(store, s, (*blobs)[i], options, s.path.filename().string()));
  }
  auto created = store.catalog->create_documents(docs, actor);
  stats.catalog_seconds += seconds_since(start);
  if (!created) return fail_all(created.error());
  group.results.clear();
  for (auto& d : *created) group.results.emplace_back(std::move(d));
}

}  // namespace

AddFilesStats add_files_each(Store& store, const std::vector<fs::path>& paths, const AddFileOptions& options,
                             const std::string& actor, const AddFileResultFn& on_result, bool stop_at_failure) {
  AddFilesStats stats;
  const std::uint64_t limit = std::min(options.max_bytes, store.config.max_upload_bytes);
  const std::size_t group_size = group_size_for_open_file_limit();
  const auto began = std::chrono::steady_clock::now();
  bool stopped = false;

  // Reports a group's results in path order: files that could not be staged and, once it is
  // committed, the others.
  auto report = [&](Group& g) {
    std::size_t a = 0;
    std::size_t b = 0;
    while (a < g.unstaged.size() || b < g.results.size()) {
      bool take_unstaged = b >= g.results.size() || (a < g.unstaged.size() && g.unstaged[a].first < g.index[b]);
      if (take_unstaged) {
        on_result(g.unstaged[a].first, std::move(g.unstaged[a].second));
        ++a;
        continue;
      }
      if (g.results[b]) {
        ++stats.added;
      } else {
        ++stats.failed;
        if (stop_at_failure) stopped = true;
      }
      on_result(g.index[b], std::move(g.results[b]));
      ++b;
    }
  };

  // The group being committed on a second thread while this one stages the next: the commit
  // mostly waits for the disk, staging mostly reads, hashes and copies, so they overlap.
  std::optional<Group> committing;
  std::future<void> commit_done;
  auto finish_committing = [&] {
    if (!committing) return;
    commit_done.get();
    report(*committing);
    committing.reset();
  };

  std::size_t next = 0;
  while (next < paths.size() && !stopped) {
    Group group;
    auto start = std::chrono::steady_clock::now();
    std::uint64_t group_bytes = 0;
    while (next < paths.size() && group.staged.size() < group_size && group_bytes < kGroupBytes) {
      std::size_t i = next++;
      auto s = stage_file(store, paths[i], limit);
      if (!s) {
        ++stats.failed;
        group.unstaged.emplace_back(i, s.error());
        if (stop_at_failure) break;
        continue;
      }
      group_bytes += s->writer->bytes_written();
      group.index.push_back(i);
      group.staged.push_back(std::move(*s));
    }
    stats.stage_seconds += seconds_since(start);
    finish_committing();  // one group in flight at a time, results in order
    if (stopped || (stop_at_failure && !group.unstaged.empty())) {
      // Not committed: its writers remove their temporaries; report only the failure.
      group.staged.clear();
      group.index.clear();
      report(group);
      stopped = true;
      break;
    }
    if (group.staged.empty()) {
      report(group);
      continue;
    }
    ++stats.groups;
    committing.emplace(std::move(group));
    commit_done = std::async(std::launch::async, [&store, &options, &actor, &stats, g = &*committing] {
      commit_group(store, *g, options, actor, stats);
    });
  }
  finish_committing();
  stats.total_seconds = seconds_since(began);
  return stats;
}

Result<std::vector<Document>> add_files(Store& store, const std::vector<fs::path>& paths, const AddFileOptions& options,
                                        const std::string& actor) {
  std::vector<Document> added;
  added.reserve(paths.size());
  std::optional<Error> first_error;
  add_files_each(
      store, paths, options, actor,
      [&](std::size_t, Result<Document> r) {
        if (r) added.push_back(std::move(*r));
        else if (!first_error) first_error = r.error();
      },
      true);
  if (first_error) return *first_error;
  return added;
}

nlohmann::json AddFilesStats::to_json() const {
  return {{"added", added},
          {"failed", failed},
          {"groups", groups},
          {"seconds",
           {{"total", total_seconds},
            {"stage", stage_seconds},
            {"blob_commit", blob_commit_seconds},
            {"catalog", catalog_seconds}}}};
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
