// Store-backed bundles: the release rule, the persisted "bundle" job, stored parts and package,
// audit events, and exports that match the manifest.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/sha256.h"
#include "pipeline/bundle_store.h"
#include "pipeline/jobs.h"
#include "pipeline/test_bundle_support.h"
#include "storage/store.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct StoreFixture {
  StoreFixture() : dir(temp_dir()), store(storage::init_store(dir.path() / "data").value()) {}

  // A document whose original is the file at path, received at the given time.
  std::string add(const fs::path& path, std::int64_t received_seconds, json metadata = json::object()) {
    auto blob = store.blobs->put_file(path).value();
    storage::NewDocument d;
    d.file_name = path.filename().string();
    d.source = "test";
    d.received = TimePoint(std::chrono::seconds(received_seconds));
    d.metadata = std::move(metadata);
    d.original.kind = storage::VersionKind::original;
    d.original.sha256 = blob.sha256;
    d.original.size = blob.size;
    d.original.media_type = "application/pdf";
    return store.catalog->create_document(d, "test").value().id;
  }
  // Records a released redaction of document id whose bytes are the file at path.
  std::string add_redacted(const std::string& id, const fs::path& path) {
    auto blob = store.blobs->put_file(path).value();
    auto original = store.catalog->latest_version(id, storage::VersionKind::original).value();
    storage::NewVersion v;
    v.kind = storage::VersionKind::redacted;
    v.sha256 = blob.sha256;
    v.size = blob.size;
    v.media_type = "application/pdf";
    v.derived_from = original.id;
    v.pair_of = original.id;
    return store.catalog->add_version(id, v, "test").value().id;
  }
  std::vector<storage::AuditEvent> events(const std::string& action) {
    std::vector<storage::AuditEvent> out;
    const auto all = store.catalog->audit().events(0, 100000).value();
    for (const auto& e : all)
      if (e.action == action) out.push_back(e);
    return out;
  }

  TempDir dir;
  storage::Store store;
};

}  // namespace

TEST_CASE("bundle store: only released or not-needed documents are accepted, in received order", "[bundle][store]") {
  StoreFixture fx;
  const std::string unreleased = fx.add(data_path("corpus/pdfs/lin1.pdf"), 1'780'000'300);
  const std::string released = fx.add(data_path("corpus/pdfs/habibi.pdf"), 1'780'000'200);
  const std::string redacted_version = fx.add_redacted(released, data_path("corpus/pdfs/hybrid-xref.pdf"));
  const std::string not_needed = fx.add(data_path("corpus/pdfs/inherited-rotate.pdf"), 1'780'000'100,
                                        {{"redaction_status", "not-needed"}});
  const std::string pending = fx.add(data_path("corpus/pdfs/lin1.pdf"), 1'780'000'400, {{"redaction_status", "pending"}});

  auto refused = pipeline::resolve_released(*fx.store.catalog, {released, unreleased}, pipeline::BundleOrder::given);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::conflict);
  CHECK(refused.error().message.find(unreleased) != std::string::npos);
  auto refused_pending = pipeline::resolve_released(*fx.store.catalog, {pending}, pipeline::BundleOrder::given);
  REQUIRE_FALSE(refused_pending.ok());
  CHECK(refused_pending.error().kind == ErrorKind::conflict);

  auto ok = pipeline::resolve_released(*fx.store.catalog, {released, not_needed}, pipeline::BundleOrder::received);
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 2);
  CHECK((*ok)[0].document.id == not_needed);  // received first
  CHECK((*ok)[0].basis == "not-needed");
  CHECK((*ok)[0].version.kind == storage::VersionKind::original);
  CHECK((*ok)[1].document.id == released);
  CHECK((*ok)[1].basis == "redacted");
  CHECK((*ok)[1].version.id == redacted_version);  // never the original of a redacted document

  auto given = pipeline::resolve_released(*fx.store.catalog, {released, not_needed}, pipeline::BundleOrder::given);
  REQUIRE(given.ok());
  CHECK((*given)[0].document.id == released);

  auto unknown = pipeline::resolve_released(*fx.store.catalog, {"doc_01JD0000000000000000000000"}, pipeline::BundleOrder::given);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().kind == ErrorKind::not_found);
  auto twice = pipeline::resolve_released(*fx.store.catalog, {released, released}, pipeline::BundleOrder::given);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("bundle store: request JSON is validated field by field", "[bundle][store]") {
  CHECK(pipeline::StoreBundleRequest::from_json({{"documents", {"doc_x"}}, {"stamp", "S-{page}"}}).ok());
  auto bad_field = pipeline::StoreBundleRequest::from_json({{"documents", {"doc_x"}}, {"colour", "red"}});
  REQUIRE_FALSE(bad_field.ok());
  CHECK(bad_field.error().message.find("colour") != std::string::npos);
  auto bad_type = pipeline::StoreBundleRequest::from_json({{"documents", {"doc_x"}}, {"max_part_pages", "ten"}});
  REQUIRE_FALSE(bad_type.ok());
  CHECK(bad_type.error().message.find("max_part_pages") != std::string::npos);
  CHECK_FALSE(pipeline::StoreBundleRequest::from_json({{"documents", json::array()}}).ok());
  CHECK_FALSE(pipeline::StoreBundleRequest::from_json({{"documents", {"doc_x"}}, {"stamp", "no field"}}).ok());
  CHECK_FALSE(pipeline::StoreBundleRequest::from_json({{"documents", {"doc_x"}}, {"order", "alphabetical"}}).ok());
  // A round trip keeps everything.
  pipeline::StoreBundleRequest r;
  r.document_ids = {"doc_a", "doc_b"};
  r.order = pipeline::BundleOrder::given;
  r.reference = "SAR-1";
  r.stamp_pattern = "SAR-1-{page:04}";
  r.index = true;
  r.max_part_bytes = 123456;
  r.zip = true;
  auto back = pipeline::StoreBundleRequest::from_json(r.to_json());
  REQUIRE(back.ok());
  CHECK(back->to_json() == r.to_json());
}

TEST_CASE("bundle store: the persisted job builds, stores and audits a bundle", "[bundle][store]") {
  StoreFixture fx;
  const fs::path text = fx.dir.path() / "long-letter.pdf";
  bundle::write_text_pdf(text, 12, "Reply");
  const std::string first = fx.add(data_path("corpus/pdfs/lin1.pdf"), 1'780'000'100);
  fx.add_redacted(first, text);  // 12 pages
  const std::string second = fx.add(data_path("corpus/pdfs/habibi.pdf"), 1'780'000'200, {{"redaction_status", "not-needed"}});
  const std::string refused = fx.add(data_path("corpus/pdfs/hybrid-xref.pdf"), 1'780'000'300);

  auto secrets = std::make_shared<pipeline::BundleSecrets>();
  pipeline::JobQueue queue(fx.store);
  std::vector<int> seen_progress;
  queue.register_handler(pipeline::kBundleJobKind,
                         pipeline::make_bundle_handler(secrets, [&](const pipeline::BundleProgress& p) { seen_progress.push_back(p.pages_done); }));

  pipeline::StoreBundleRequest r;
  r.document_ids = {second, first};
  r.reference = "SAR-2026-0042";
  r.stamp_pattern = "SAR-2026-0042-{page:06}";
  r.index = true;
  r.max_part_pages = 5;
  r.zip = true;
  r.password_ref = secrets->put("correct horse battery staple");
  auto job = queue.submit(pipeline::kBundleJobKind, r.to_json(), "alice").value();
  CHECK(job.params.dump().find("correct horse") == std::string::npos);  // the password is never persisted
  REQUIRE(queue.run_until_idle(1, {pipeline::kBundleJobKind}).ok());
  job = queue.get(job.id).value();
  INFO((job.error ? job.error->describe() : std::string()));
  REQUIRE(job.state == pipeline::JobState::done);
  CHECK_FALSE(seen_progress.empty());
  CHECK(job.done == job.total);

  auto b = pipeline::find_bundle(*fx.store.catalog, job.id).value();
  CHECK(b.created_by == "alice");
  CHECK(b.total_pages == 1 + 12 + 1);  // index + letter + habibi
  REQUIRE(b.documents.size() == 2);
  CHECK(b.documents[0]["document_id"] == first);  // received first
  CHECK(b.documents[0]["basis"] == "redacted");
  CHECK(b.documents[1]["basis"] == "not-needed");
  CHECK(b.options["encrypted"] == true);
  CHECK_FALSE(b.options.contains("password_ref"));
  int parts = 0, pages = 0;
  for (const auto& f : b.files) {
    CHECK(fx.store.blobs->contains(f.sha256));
    if (f.role == "part") {
      ++parts;
      pages += f.pages;
      CHECK(f.pages <= 5);
    }
  }
  CHECK(parts == 3);
  CHECK(pages == b.total_pages);
  REQUIRE(b.package() != nullptr);
  CHECK(b.manifest["reference"] == "SAR-2026-0042");
  CHECK(job.result["id"] == job.id);

  // Exported files match the manifest's hashes; the stamps run on across parts.
  const fs::path out = fx.dir.path() / "export";
  auto written = pipeline::export_bundle(fx.store, b, out, false, "cli").value();
  CHECK(written.back().filename() == "manifest.json");
  int checked = 0;
  for (const auto& entry : b.manifest["files"]) {
    const fs::path file = out / entry["name"].get<std::string>();
    REQUIRE(fs::exists(file));
    CHECK(sha256_file_hex(file).value() == entry["sha256"]);
    ++checked;
  }
  CHECK(checked >= 5);  // 3 parts, index, README
  auto texts = bundle::read_pages(out / b.part(3)->name);
  CHECK(texts.back().text.find("SAR-2026-0042-000014") != std::string::npos);
  auto package_only = pipeline::export_bundle(fx.store, b, fx.dir.path() / "pkg", true, "cli").value();
  REQUIRE(package_only.size() == 1);
  if (have_program("7z")) {
    CHECK(run_process("7z", {"t", "-pcorrect horse battery staple", package_only[0].string()}).exit_code == 0);
    CHECK(run_process("7z", {"t", "-pwrong", package_only[0].string()}).exit_code != 0);
  }

  // Audit: one build naming documents and versions, one download per exported file.
  auto builds = fx.events("bundle.build");
  REQUIRE(builds.size() == 1);
  CHECK(builds[0].object == job.id);
  CHECK(builds[0].actor == "alice");
  CHECK(builds[0].details["documents"].size() == 2);
  CHECK(fx.events("bundle.download").size() == written.size() + 1);
  // The password reference is gone once the bundle is stored.
  CHECK_FALSE(secrets->get(*r.password_ref).has_value());

  // A document released when submitted but not when run is refused by the job itself.
  pipeline::StoreBundleRequest bad;
  bad.document_ids = {first, refused};
  auto failed = queue.submit(pipeline::kBundleJobKind, bad.to_json(), "alice").value();
  REQUIRE(queue.run_until_idle(1, {pipeline::kBundleJobKind}).ok());
  failed = queue.get(failed.id).value();
  CHECK(failed.state == pipeline::JobState::failed);
  REQUIRE(failed.error.has_value());
  CHECK(failed.error->kind == ErrorKind::conflict);
  CHECK(failed.error->message.find(refused) != std::string::npos);
  CHECK_FALSE(pipeline::find_bundle(*fx.store.catalog, failed.id).ok());

  // A password held by a process that has since restarted: the job fails and says why.
  pipeline::StoreBundleRequest lost = r;
  lost.password_ref = "zpw_gone";
  auto orphan = queue.submit(pipeline::kBundleJobKind, lost.to_json(), "alice").value();
  REQUIRE(queue.run_until_idle(1, {pipeline::kBundleJobKind}).ok());
  orphan = queue.get(orphan.id).value();
  CHECK(orphan.state == pipeline::JobState::failed);
  REQUIRE(orphan.error.has_value());
  CHECK(orphan.error->message.find("submit the bundle again") != std::string::npos);
  // The work folder is cleaned up after every run.
  CHECK(fs::is_empty(fx.store.root / "work"));
}
