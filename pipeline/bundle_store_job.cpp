// The "bundle" job: released versions out of the blob store -> BundleJob in a work folder ->
// every output stored as a blob -> one transaction with the bundle's rows, its audit event and
// the job's checkpoint.
#include <stdlib.h>

#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "pipeline/bundle_store.h"
#include "pipeline/detail/bundle_records.h"

namespace redbox::pipeline {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A private folder under <data>/work for one run (inputs copied from remote blob stores, the
// bundle's outputs before they are stored); removed on every exit path.
class WorkFolder {
 public:
  explicit WorkFolder(const fs::path& data_root) {
    const fs::path parent = data_root / "work";
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) fail(Error::io("cannot create " + parent.string() + ": " + ec.message()));
    std::string templ = (parent / "bundle-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) fail(Error::io("cannot create a work folder in " + parent.string() + ": " + std::strerror(errno)));
    path_ = templ;
  }
  WorkFolder(const WorkFolder&) = delete;
  WorkFolder& operator=(const WorkFolder&) = delete;
  ~WorkFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string title_of(const storage::Document& doc) {
  auto it = doc.metadata.find("title");
  if (it != doc.metadata.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  return doc.file_name;
}

StoredBundleFile store_file(storage::BlobStore& blobs, const fs::path& path, const std::string& role, int number,
                            const std::string& name) {
  auto ref = blobs.put_file(path);
  if (!ref.ok()) fail(ref.error().within("storing bundle file " + name));
  StoredBundleFile f;
  f.role = role;
  f.number = number;
  f.name = name;
  f.sha256 = ref->sha256;
  f.size = ref->size;
  return f;
}

json run_store_bundle(JobContext& ctx, BundleSecrets& secrets, const std::function<void(const BundleProgress&)>& on_progress) {
  const Job& job = ctx.job();
  storage::Store& store = ctx.store();
  // Resumed after the bundle was committed: it is done.
  if (auto it = job.checkpoint.find("bundle_id"); it != job.checkpoint.end() && it->is_string()) {
    auto stored = find_bundle(*store.catalog, it->get<std::string>());
    if (!stored.ok()) fail(stored.error());
    return stored->to_json();
  }
  auto request = StoreBundleRequest::from_json(job.params);
  if (!request.ok()) fail(request.error());
  std::optional<std::string> password;
  if (request->password_ref) {
    password = secrets.get(*request->password_ref);
    if (!password)
      fail(Error::conflict("the ZIP password of this bundle was held in memory only and the process has restarted "
                           "since it was submitted; submit the bundle again"));
  }
  ctx.progress(0, 0, "checking documents");
  auto released = resolve_released(*store.catalog, request->document_ids, request->order);
  if (!released.ok()) fail(released.error());

  WorkFolder work(store.root);
  BundleOptions o;
  int copied = 0;
  for (const auto& r : *released) {
    BundleDocument d;
    if (auto local = store.blobs->local_path(r.version.sha256)) {
      d.path = *local;
    } else {
      d.path = work.path() / ("input-" + std::to_string(++copied));
      store.blobs->copy_to_file(r.version.sha256, d.path).throw_if_error();
    }
    d.title = title_of(r.document);
    d.date = format_utc(r.document.received).substr(0, 10);
    d.display_name = r.document.id;  // messages and the manifest name the document by ID
    d.expected_sha256 = r.version.sha256;
    o.documents.push_back(std::move(d));
  }
  o.output_dir = work.path() / "out";
  o.reference = request->reference;
  o.stamp_pattern = request->stamp_pattern;
  o.page_of_total = request->page_of_total;
  o.index = request->index;
  o.max_part_bytes = request->max_part_bytes;
  o.max_part_pages = request->max_part_pages;
  o.reencode_dpi = request->reencode_dpi;
  o.zip = request->zip;
  o.zip_keeps_files = true;
  o.zip_password = password;
  o.created = job.created;  // a re-run after an interruption builds the same bytes

  BundleJob bundle(std::move(o));
  bundle.on_progress([&](const BundleProgress& p) {
    // Shutting down: give up now; the job is re-queued and rebuilds (the same bytes) later.
    if (ctx.stopping()) fail(Error::conflict("the job queue is stopping"));
    ctx.progress(p.pages_done, p.pages_total, "assembling");
    if (on_progress) on_progress(p);
  });
  auto result = bundle.run();
  if (!result.ok()) fail(result.error());

  ctx.progress(result->total_pages, result->total_pages, "storing");
  const fs::path out = work.path() / "out";
  StoredBundle b;
  b.id = job.id;
  b.reference = result->reference;
  b.created = result->created;
  b.created_by = job.created_by;
  b.total_pages = result->total_pages;
  json docs = json::array();
  json document_ids = json::array();
  json version_ids = json::array();
  for (const auto& r : *released) {
    docs.push_back({{"document_id", r.document.id}, {"version_id", r.version.id},
                    {"kind", std::string(storage::to_string(r.version.kind))}, {"basis", r.basis}});
    document_ids.push_back(r.document.id);
    version_ids.push_back(r.version.id);
  }
  b.documents = docs;
  b.options = request->to_json();
  b.options.erase("password_ref");
  b.options["encrypted"] = password.has_value();
  {
    std::ifstream in(out / "manifest.json");
    b.manifest = json::parse(in, nullptr, false);
    if (b.manifest.is_discarded()) fail(Error::internal("the bundle's manifest.json is not valid JSON"));
  }
  for (std::size_t i = 0; i < result->parts.size(); ++i) {
    const auto& part = result->parts[i];
    StoredBundleFile f = store_file(*store.blobs, out / part.name, "part", static_cast<int>(i) + 1, part.name);
    if (f.sha256 != part.sha256) fail(Error::io("bundle part " + part.name + " changed while it was being stored"));
    f.pages = part.pages;
    f.first_stamp = part.first_stamp;
    f.last_stamp = part.last_stamp;
    b.files.push_back(std::move(f));
  }
  if (request->index) b.files.push_back(store_file(*store.blobs, out / (b.reference + "-index.pdf"), "index", 0, b.reference + "-index.pdf"));
  b.files.push_back(store_file(*store.blobs, out / "README.txt", "readme", 0, "README.txt"));
  b.files.push_back(store_file(*store.blobs, out / "manifest.json", "manifest", 0, "manifest.json"));
  if (result->zip_path) b.files.push_back(store_file(*store.blobs, *result->zip_path, "package", 0, b.reference + ".zip"));

  const StoredBundleFile* package = b.package();
  ctx.commit([&](storage::CatalogWriter& w, json& checkpoint) {
    detail::insert_bundle(w.db(), b);
    storage::AuditEvent e;
    e.actor = job.created_by;
    e.action = "bundle.build";
    e.object = b.id;
    e.details = {{"documents", document_ids},
                 {"versions", version_ids},
                 {"pages", b.total_pages},
                 {"parts", result->parts.size()},
                 {"package_sha256", package != nullptr ? json(package->sha256) : json(nullptr)},
                 {"encrypted", password.has_value()}};
    w.audit(std::move(e));
    checkpoint["bundle_id"] = b.id;
  });
  if (request->password_ref) secrets.erase(*request->password_ref);
  spdlog::info("bundle {} stored: {} pages in {} parts", b.id, b.total_pages, result->parts.size());
  return b.to_json();
}

}  // namespace

JobHandler make_bundle_handler(std::shared_ptr<BundleSecrets> secrets, std::function<void(const BundleProgress&)> on_progress) {
  if (!secrets) secrets = std::make_shared<BundleSecrets>();
  return [secrets, on_progress](JobContext& ctx) -> Result<json> {
    return guard([&] { return run_store_bundle(ctx, *secrets, on_progress); });
  };
}

}  // namespace redbox::pipeline
