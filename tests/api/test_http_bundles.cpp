// /api/v1/bundles: roles, 400/403/404/409, the job's status, streamed downloads that match the
// manifest, audit of each download; and the `redbox bundle` CLI.
#include <catch2/catch.hpp>

#include <thread>

#include "api_fixture.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string add_document(storage::Store& store, const std::string& corpus_file, json metadata = json::object()) {
  storage::AddFileOptions o;
  o.metadata = std::move(metadata);
  return storage::add_file(store, data_path("corpus/pdfs/" + corpus_file), o, "test").value().id;
}

void add_redacted(storage::Store& store, const std::string& id, const std::string& corpus_file) {
  auto blob = store.blobs->put_file(data_path("corpus/pdfs/" + corpus_file)).value();
  auto original = store.catalog->latest_version(id, storage::VersionKind::original).value();
  storage::NewVersion v;
  v.kind = storage::VersionKind::redacted;
  v.sha256 = blob.sha256;
  v.size = blob.size;
  v.media_type = "application/pdf";
  v.derived_from = original.id;
  v.pair_of = original.id;
  store.catalog->add_version(id, v, "test").value();
}

json wait_done(httplib::Client& c, const httplib::Headers& h, const std::string& id) {
  for (int i = 0; i < 600; ++i) {
    auto res = c.Get("/api/v1/bundles/" + id, h);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    json j = json::parse(res->body);
    if (j["state"] == "done" || j["state"] == "failed") return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("bundle job did not finish");
  return {};
}

std::size_t count_events(ApiFixture& fx, const std::string& action) {
  std::size_t n = 0;
  const auto all = fx.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : all) n += e.action == action ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("bundles over HTTP: refusals, job status and downloads matching the manifest", "[http][bundle]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string released = add_document(*fx.store, "lin1.pdf");
  add_redacted(*fx.store, released, "hybrid-xref.pdf");
  const std::string not_needed = add_document(*fx.store, "habibi.pdf", {{"redaction_status", "not-needed"}});
  const std::string unreleased = add_document(*fx.store, "inherited-rotate.pdf");
  const auto caseworker = fx.auth(Role::caseworker);
  const json good = {{"documents", {released, not_needed}},
                     {"options", {{"reference", "SAR-7"}, {"stamp", "SAR-7-{page:04}"}, {"index", true},
                                  {"max_part_size", "30KB"}, {"zip", true}, {"order", "given"}}}};

  // Authentication and roles.
  auto anonymous = c.Post("/api/v1/bundles", good.dump(), "application/json");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  for (Role role : {Role::intake, Role::contributor, Role::admin}) {
    auto res = c.Post("/api/v1/bundles", fx.auth(role), good.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 403);
  }
  // Malformed bodies: 400 naming the problem.
  auto broken = c.Post("/api/v1/bundles", caseworker, "{\"documents\": [", "application/json");
  REQUIRE(broken);
  CHECK(broken->status == 400);
  CHECK(parse_json(broken->body)["error"]["message"].get<std::string>().find("not valid JSON") != std::string::npos);
  auto no_docs = c.Post("/api/v1/bundles", caseworker, R"({"options": {}})", "application/json");
  REQUIRE(no_docs);
  CHECK(no_docs->status == 400);
  CHECK(parse_json(no_docs->body)["error"]["message"].get<std::string>().find("documents") != std::string::npos);
  json bad_option = good;
  bad_option["options"]["max_part_pages"] = "many";
  auto bad = c.Post("/api/v1/bundles", caseworker, bad_option.dump(), "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(parse_json(bad->body)["error"]["message"].get<std::string>().find("max_part_pages") != std::string::npos);
  // Unknown document 404; unreleased 409 naming it, before any job exists.
  json unknown = good;
  unknown["documents"] = {"doc_01JD0000000000000000000000"};
  auto missing = c.Post("/api/v1/bundles", caseworker, unknown.dump(), "application/json");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  json refused = good;
  refused["documents"] = {released, unreleased};
  const std::size_t submits_before = count_events(fx, "job.submit");
  auto conflict = c.Post("/api/v1/bundles", caseworker, refused.dump(), "application/json");
  REQUIRE(conflict);
  CHECK(conflict->status == 409);
  CHECK(parse_json(conflict->body)["error"]["message"].get<std::string>().find(unreleased) != std::string::npos);
  CHECK(count_events(fx, "job.submit") == submits_before);

  // Accepted: 202 with the job ID, then done with parts and manifest.
  auto accepted = c.Post("/api/v1/bundles", fx.auth(Role::reviewer), good.dump(), "application/json");
  REQUIRE(accepted);
  REQUIRE(accepted->status == 202);
  const std::string id = parse_json(accepted->body)["id"];
  CHECK(accepted->get_header_value("Location") == "/api/v1/bundles/" + id);
  json status = wait_done(c, caseworker, id);
  INFO(status.dump());
  REQUIRE(status["state"] == "done");
  REQUIRE(status["parts"].size() >= 2);  // 30 KB parts
  CHECK(status["manifest"]["reference"] == "SAR-7");
  CHECK(status["progress"]["done"] == status["progress"]["total"]);

  // Each part streams with the manifest's hash; each download is audited.
  std::map<std::string, std::string> manifest_sha;
  for (const auto& f : status["manifest"]["files"]) manifest_sha[f["name"]] = f["sha256"];
  const std::size_t downloads_before = count_events(fx, "bundle.download");
  int n = 0;
  for (const auto& part : status["parts"]) {
    ++n;
    auto res = c.Get("/api/v1/bundles/" + id + "/parts/" + std::to_string(n), caseworker);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/pdf");
    CHECK(res->body.size() == part["bytes"].get<std::size_t>());
    CHECK(res->body.size() <= 30'000);
    CHECK(sha256_hex(res->body) == manifest_sha.at(part["name"]));
    CHECK(res->get_header_value("Content-Disposition").find(part["name"].get<std::string>()) != std::string::npos);
  }
  auto package = c.Get("/api/v1/bundles/" + id + "/package", fx.auth(Role::reviewer));
  REQUIRE(package);
  REQUIRE(package->status == 200);
  CHECK(sha256_hex(package->body) == status["package"]["sha256"]);
  CHECK(count_events(fx, "bundle.download") == downloads_before + status["parts"].size() + 1);
  if (have_program("unzip")) {
    auto tmp = temp_dir();
    REQUIRE(write_file_atomic(tmp.path() / "p.zip", package->body).ok());
    CHECK(run_process("unzip", {"-t", (tmp.path() / "p.zip").string()}).exit_code == 0);
  }

  // 404s and 403s on reads and downloads.
  auto no_part = c.Get("/api/v1/bundles/" + id + "/parts/99", caseworker);
  REQUIRE(no_part);
  CHECK(no_part->status == 404);
  auto no_bundle = c.Get("/api/v1/bundles/job_01JD0000000000000000000000", caseworker);
  REQUIRE(no_bundle);
  CHECK(no_bundle->status == 404);
  auto junk = c.Get("/api/v1/bundles/../../etc/passwd", caseworker);
  REQUIRE(junk);
  CHECK(junk->status == 404);
  for (Role role : {Role::intake, Role::contributor}) {
    auto res = c.Get("/api/v1/bundles/" + id + "/parts/1", fx.auth(role));
    REQUIRE(res);
    CHECK(res->status == 403);
    auto show = c.Get("/api/v1/bundles/" + id, fx.auth(role));
    REQUIRE(show);
    CHECK(show->status == 403);
  }
  // A bundle without a package: its /package is 404.
  json loose = good;
  loose["options"].erase("zip");
  auto second = c.Post("/api/v1/bundles", caseworker, loose.dump(), "application/json");
  REQUIRE(second);
  REQUIRE(second->status == 202);
  const std::string second_id = parse_json(second->body)["id"];
  REQUIRE(wait_done(c, caseworker, second_id)["state"] == "done");
  auto no_package = c.Get("/api/v1/bundles/" + second_id + "/package", caseworker);
  REQUIRE(no_package);
  CHECK(no_package->status == 404);
}

TEST_CASE("redbox bundle: refuses unreleased documents, builds from the store, writes -o", "[cli][bundle]") {
  auto tmp = temp_dir();
  const std::string data = (tmp.path() / "data").string();
  REQUIRE(run_redbox({"--data", data, "init"}).exit_code == 0);
  std::string released, unreleased;
  {
    auto store = storage::open_store(data).value();
    released = add_document(store, "lin1.pdf");
    add_redacted(store, released, "hybrid-xref.pdf");
    unreleased = add_document(store, "habibi.pdf");
  }
  auto refused = run_redbox({"--data", data, "bundle", released, unreleased, "-o", (tmp.path() / "out").string()});
  CHECK(refused.exit_code == 5);
  CHECK(refused.err.find(unreleased) != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path() / "out"));

  // Marked as needing no redaction (what a reviewer's command records): accepted.
  {
    auto store = storage::open_store(data).value();
    REQUIRE(store.catalog->update_metadata(unreleased, {{"redaction_status", "not-needed"}}, "reviewer").ok());
  }
  auto built = run_redbox({"--data", data, "--json", "bundle", released, unreleased, "--ref", "SAR-9", "--stamp",
                           "SAR-9-{page:03}", "--index", "--order", "given", "-o", (tmp.path() / "out").string()});
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  json j = json::parse(built.out);
  CHECK(j["reference"] == "SAR-9");
  CHECK(j["documents"][0]["document_id"] == released);
  for (const auto& f : j["manifest"]["files"]) {
    const fs::path file = tmp.path() / "out" / f["name"].get<std::string>();
    REQUIRE(fs::exists(file));
    CHECK(sha256_file_hex(file).value() == f["sha256"]);
  }
  CHECK(fs::exists(tmp.path() / "out" / "manifest.json"));
  CHECK(fs::exists(tmp.path() / "out" / "SAR-9-index.pdf"));
  auto audit = run_redbox({"--data", data, "--json", "audit", "list", "--object", j["id"].get<std::string>()});
  CHECK(audit.out.find("bundle.build") != std::string::npos);
  CHECK(audit.out.find("bundle.download") != std::string::npos);
}
