// The `bundles` and `bundle_files` tables (migration in storage/detail/catalog_schema.cpp) and
// the download audit record.
#include "pipeline/detail/bundle_records.h"

#include "common/sqlite.h"

namespace redbox::pipeline {

using json = nlohmann::json;

std::string StoredBundleFile::media_type() const {
  if (role == "package") return "application/zip";
  if (role == "manifest") return "application/json";
  if (role == "readme") return "text/plain; charset=utf-8";
  return "application/pdf";
}

const StoredBundleFile* StoredBundle::part(int number) const {
  for (const auto& f : files)
    if (f.role == "part" && f.number == number) return &f;
  return nullptr;
}

const StoredBundleFile* StoredBundle::package() const {
  for (const auto& f : files)
    if (f.role == "package") return &f;
  return nullptr;
}

json StoredBundle::to_json() const {
  json parts = json::array();
  json others = json::array();
  json package_view = nullptr;
  for (const auto& f : files) {
    json v = {{"name", f.name}, {"bytes", f.size}, {"sha256", f.sha256}};
    if (f.role == "part") {
      v["number"] = f.number;
      v["pages"] = f.pages;
      v["first_stamp"] = f.first_stamp;
      v["last_stamp"] = f.last_stamp;
      v["download"] = "/api/v1/bundles/" + id + "/parts/" + std::to_string(f.number);
      parts.push_back(v);
    } else if (f.role == "package") {
      v["download"] = "/api/v1/bundles/" + id + "/package";
      package_view = v;
    } else {
      v["role"] = f.role;
      others.push_back(v);
    }
  }
  return {{"id", id},
          {"reference", reference},
          {"created", created},
          {"created_by", created_by},
          {"total_pages", total_pages},
          {"documents", documents},
          {"options", options},
          {"parts", parts},
          {"files", others},
          {"package", package_view},
          {"manifest", manifest}};
}

namespace detail {

void insert_bundle(sql::Database& db, const StoredBundle& b) {
  db.prepare("INSERT INTO bundles (id, reference, created, created_by, total_pages, documents, options, manifest) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, b.id)
      .bind(2, b.reference)
      .bind(3, b.created)
      .bind(4, b.created_by)
      .bind(5, b.total_pages)
      .bind(6, b.documents.dump())
      .bind(7, b.options.dump())
      .bind(8, b.manifest.dump())
      .run();
  auto st = db.prepare(
      "INSERT INTO bundle_files (bundle_id, role, number, name, sha256, size, pages, first_stamp, last_stamp) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& f : b.files) {
    st.reset();
    st.bind(1, b.id)
        .bind(2, f.role)
        .bind(3, f.number)
        .bind(4, f.name)
        .bind(5, f.sha256)
        .bind(6, static_cast<std::int64_t>(f.size))
        .bind(7, f.pages)
        .bind(8, f.first_stamp)
        .bind(9, f.last_stamp)
        .run();
  }
}

}  // namespace detail

Result<StoredBundle> find_bundle(const storage::Catalog& catalog, const std::string& id) {
  std::optional<StoredBundle> found;
  Status s = catalog.read([&](sql::Database& db) {
    auto st = db.prepare("SELECT id, reference, created, created_by, total_pages, documents, options, manifest "
                         "FROM bundles WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return;
    StoredBundle b;
    b.id = st.text(0);
    b.reference = st.text(1);
    b.created = st.text(2);
    b.created_by = st.text(3);
    b.total_pages = static_cast<int>(st.int64(4));
    b.documents = json::parse(st.text(5), nullptr, false);
    b.options = json::parse(st.text(6), nullptr, false);
    b.manifest = json::parse(st.text(7), nullptr, false);
    auto files = db.prepare("SELECT role, number, name, sha256, size, pages, first_stamp, last_stamp FROM bundle_files "
                            "WHERE bundle_id = ? ORDER BY CASE role WHEN 'part' THEN 0 WHEN 'index' THEN 1 "
                            "WHEN 'readme' THEN 2 WHEN 'manifest' THEN 3 ELSE 4 END, number");
    files.bind(1, id);
    while (files.step()) {
      StoredBundleFile f;
      f.role = files.text(0);
      f.number = static_cast<int>(files.int64(1));
      f.name = files.text(2);
      f.sha256 = files.text(3);
      f.size = static_cast<std::uint64_t>(files.int64(4));
      f.pages = static_cast<int>(files.int64(5));
      f.first_stamp = files.text(6);
      f.last_stamp = files.text(7);
      b.files.push_back(std::move(f));
    }
    found = std::move(b);
  });
  if (!s.ok()) return s.error();
  if (!found) return Error::not_found("no bundle " + id);
  return std::move(*found);
}

Status record_bundle_download(storage::Catalog& catalog, const StoredBundle& bundle, const StoredBundleFile& file,
                              const std::string& actor, const std::string& via) {
  storage::AuditEvent e;
  e.actor = actor;
  e.action = "bundle.download";
  e.object = bundle.id;
  e.details = {{"file", file.role}, {"number", file.number}, {"sha256", file.sha256}, {"bytes", file.size},
               {"via", via}};
  return catalog.record(e);
}

Result<std::vector<std::filesystem::path>> export_bundle(storage::Store& store, const StoredBundle& bundle,
                                                         const std::filesystem::path& dir, bool package_only,
                                                         const std::string& actor) {
  return guard([&] {
    std::vector<const StoredBundleFile*> chosen;
    if (package_only) {
      const StoredBundleFile* package = bundle.package();
      if (package == nullptr) fail(Error::not_found("bundle " + bundle.id + " was built without a ZIP package"));
      chosen.push_back(package);
    } else {
      for (const auto& f : bundle.files)
        if (f.role != "package" && f.role != "manifest") chosen.push_back(&f);
      for (const auto& f : bundle.files)
        if (f.role == "manifest") chosen.push_back(&f);  // last: its presence marks a complete bundle
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail(Error::io("cannot create output folder " + dir.string() + ": " + ec.message()));
    std::vector<std::filesystem::path> written;
    for (const StoredBundleFile* f : chosen) {
      if (Status s = store.blobs->verify(f->sha256); !s.ok()) {
        if (s.error().kind == ErrorKind::not_found)
          fail(Error::corrupt("bundle " + bundle.id + " file " + f->name + " refers to blob " + f->sha256 + ", which is missing"));
        fail(s.error());
      }
      record_bundle_download(*store.catalog, bundle, *f, actor, "cli").throw_if_error();
      const auto to = dir / f->name;
      store.blobs->copy_to_file(f->sha256, to).throw_if_error();
      written.push_back(to);
    }
    return written;
  });
}

}  // namespace redbox::pipeline
