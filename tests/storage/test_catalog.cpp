#include <catch2/catch.hpp>
#include <set>

#include "common/sha256.h"
#include "common/sqlite.h"
#include "storage/detail/catalog_schema.h"
#include "storage_test_helpers.h"

using namespace redbox;
using namespace redbox::storage;
using namespace redbox::storage::testing;

namespace {

NewDocument new_doc(const std::string& name, const std::string& content) {
  NewDocument d;
  d.file_name = name;
  d.original.sha256 = sha256_hex(content);
  d.original.size = content.size();
  d.original.media_type = "application/pdf";
  d.original.page_count = 2;
  return d;
}

int user_version(const fs::path& db_path) {
  auto db = sql::Database::open(db_path);
  auto st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

}  // namespace

TEST_CASE("documents and versions are recorded with their audit events", "[storage][catalog]") {
  auto dir = test::temp_dir();
  ManualClock clock(TimePoint(std::chrono::seconds(1'790'000'000)));
  auto catalog = open_sqlite_catalog(dir.path() / "c.sqlite", {&clock}).value();
  auto doc = catalog->create_document(new_doc("letter.pdf", "one"), "alice").value();
  CHECK(doc.file_name == "letter.pdf");
  REQUIRE(doc.versions.size() == 1);
  CHECK(doc.versions[0].kind == VersionKind::original);
  CHECK(doc.page_count == 2);
  CHECK(doc.received == clock.now());

  NewVersion searchable;
  searchable.kind = VersionKind::searchable;
  searchable.sha256 = sha256_hex("two");
  searchable.size = 3;
  searchable.media_type = "application/pdf";
  searchable.derived_from = doc.versions[0].id;
  clock.advance(std::chrono::seconds(5));
  auto v = catalog->add_version(doc.id, searchable, "system").value();
  CHECK(catalog->latest_version(doc.id, VersionKind::searchable).value().id == v.id);
  CHECK(catalog->latest_version(doc.id, VersionKind::redacted).error().kind == ErrorKind::not_found);
  CHECK(catalog->get_version(v.id).value().derived_from == doc.versions[0].id);

  // A second original is refused: originals are immutable.
  NewVersion second_original = searchable;
  second_original.kind = VersionKind::original;
  CHECK(catalog->add_version(doc.id, second_original, "alice").error().kind == ErrorKind::conflict);
  CHECK(catalog->add_version("doc_nope", searchable, "alice").error().kind == ErrorKind::not_found);

  REQUIRE(catalog->update_metadata(doc.id, {{"case", "SAR-1"}, {"x", 1}}, "bob").ok());
  REQUIRE(catalog->update_metadata(doc.id, {{"x", nullptr}}, "bob").ok());
  auto fetched = catalog->get_document(doc.id).value();
  CHECK(fetched.metadata == nlohmann::json{{"case", "SAR-1"}});
  CHECK(fetched.versions.size() == 2);

  auto events = catalog->audit().events_for(doc.id).value();
  REQUIRE(events.size() == 3);
  CHECK(events[0].action == "document.create");
  CHECK(events[0].actor == "alice");
  CHECK(events[0].details.dump().find("letter") == std::string::npos);  // no file names in the audit log
  CHECK(events[1].action == "document.metadata_update");
  CHECK(catalog->audit().events_for(v.id).value().at(0).action == "version.create");
  auto all = catalog->audit().events(0, 100).value();
  REQUIRE(all.size() == 4);
  CHECK(all[1].time == TimePoint(std::chrono::seconds(1'790'000'005)));
  CHECK(all[1].prev_hash == all[0].hash);
  CHECK(catalog->audit().verify().value().ok);
  CHECK(catalog->check_integrity().value().empty());
}

TEST_CASE("file names are sanitised and never used as paths", "[storage][catalog]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto src = write_file(dir.path() / "input.bin", random_bytes(1000, 11));
  AddFileOptions options;
  options.file_name = "../../etc/passwd";
  auto doc = add_file(store, src, options, "alice").value();
  CHECK(doc.file_name == "passwd");
  CHECK(store.catalog->get_document(doc.id).value().file_name == "passwd");
  CHECK_FALSE(fs::exists(dir.path() / "etc"));
  CHECK_FALSE(fs::exists(dir.path() / "data" / "passwd"));
  options.file_name = "C:\\Users\\x\\Desktop\\scan\x01.pdf";
  CHECK(add_file(store, src, options, "alice").value().file_name == "scan.pdf");
}

TEST_CASE("documents page newest first with an opaque cursor", "[storage][catalog]") {
  auto dir = test::temp_dir();
  auto catalog = open_sqlite_catalog(dir.path() / "c.sqlite").value();
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(catalog->create_document(new_doc("d" + std::to_string(i), std::to_string(i)), "a").value().id);
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  std::vector<std::size_t> sizes;
  do {
    auto page = catalog->list_documents(10, cursor).value();
    sizes.push_back(page.documents.size());
    for (const auto& d : page.documents) {
      CHECK(d.versions.size() == 1);
      seen.push_back(d.id);
    }
    cursor = page.next_cursor;
  } while (cursor);
  CHECK(sizes == std::vector<std::size_t>{10, 10, 5});
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  CHECK(seen == expected);
  CHECK(catalog->list_documents(10, std::string("not-a-cursor")).error().kind == ErrorKind::invalid_input);
  CHECK(catalog->list_documents(0, std::nullopt).value().documents.size() == 1);  // clamped
  CHECK(catalog->list_documents(100000, std::nullopt).value().documents.size() == 25);
}

TEST_CASE("migrations: reopening keeps data and schema version", "[storage][catalog]") {
  auto dir = test::temp_dir();
  auto path = dir.path() / "c.sqlite";
  std::string id;
  {
    auto catalog = open_sqlite_catalog(path).value();
    id = catalog->create_document(new_doc("a.pdf", "a"), "alice").value().id;
  }
  CHECK(user_version(path) == detail::latest_schema_version());
  for (int i = 0; i < 2; ++i) {
    auto catalog = open_sqlite_catalog(path).value();
    CHECK(catalog->get_document(id).value().file_name == "a.pdf");
    CHECK(catalog->audit().verify().value().events_checked == 1);
  }
  CHECK(user_version(path) == detail::latest_schema_version());
  {
    auto db = sql::Database::open(path);
    auto st = db.prepare("SELECT count(*) FROM schema_migrations");
    st.step();
    CHECK(st.int64(0) == detail::latest_schema_version());
    auto mode = db.prepare("PRAGMA journal_mode");
    mode.step();
    CHECK(mode.text(0) == "wal");
    // A catalog from a newer Redbox is refused, not misread.
    db.exec("PRAGMA user_version = 999");
  }
  auto newer = open_sqlite_catalog(path);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().kind == ErrorKind::unsupported);
}

TEST_CASE("users: tokens are stored hashed and their use is audited", "[storage][catalog]") {
  auto dir = test::temp_dir();
  auto path = dir.path() / "c.sqlite";
  auto catalog = open_sqlite_catalog(path).value();
  auto created = catalog->create_user("alice", Role::caseworker, "admin").value();
  CHECK(created.token.size() > 40);
  CHECK(catalog->create_user("alice", Role::admin, "admin").error().kind == ErrorKind::conflict);
  CHECK(catalog->create_user("bad name/..", Role::admin, "admin").error().kind == ErrorKind::invalid_input);
  auto user = catalog->authenticate(created.token).value();
  CHECK(user.name == "alice");
  CHECK(user.role == Role::caseworker);
  CHECK(catalog->authenticate("rbx_wrong").error().kind == ErrorKind::unauthorized);
  CHECK(catalog->list_users().value().size() == 1);
  {
    auto db = sql::Database::open(path);
    auto st = db.prepare("SELECT token_hash FROM users");
    REQUIRE(st.step());
    CHECK(st.text(0) == sha256_hex(created.token));
    auto leak = db.prepare("SELECT count(*) FROM audit_events WHERE details LIKE ?");
    leak.bind(1, "%" + created.token + "%").step();
    CHECK(leak.int64(0) == 0);
  }
  auto events = catalog->audit().events(0, 10).value();
  REQUIRE(events.size() == 3);
  CHECK(events[1].action == "auth.token_used");
  CHECK(events[2].action == "auth.refused");
  CHECK(catalog->audit().verify().value().ok);
}

TEST_CASE("the audit table refuses updates and deletes", "[storage][audit]") {
  auto dir = test::temp_dir();
  auto path = dir.path() / "c.sqlite";
  auto catalog = open_sqlite_catalog(path).value();
  REQUIRE(catalog->create_document(new_doc("a.pdf", "a"), "alice").ok());
  auto db = sql::Database::open(path);
  CHECK_THROWS_WITH(db.exec("UPDATE audit_events SET actor = 'mallory'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM audit_events"), Catch::Contains("append-only"));
  CHECK_THROWS(db.exec("UPDATE audit_head SET seq = 0"));
  CHECK(catalog->audit().verify().value().ok);
}

TEST_CASE("audit verify names the first edited, deleted or reordered event", "[storage][audit]") {
  auto dir = test::temp_dir();
  auto path = dir.path() / "c.sqlite";
  auto catalog = open_sqlite_catalog(path).value();
  for (int i = 0; i < 6; ++i) REQUIRE(catalog->create_document(new_doc("d.pdf", std::to_string(i)), "alice").ok());
  REQUIRE(catalog->audit().verify().value().ok);
  REQUIRE(catalog->audit().verify().value().events_checked == 6);

  auto tamper = [&](const std::string& sql_text) {
    auto db = sql::Database::open(path);
    // Bypass the defence-in-depth triggers, as someone with the file would.
    db.exec("DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete;"
            "DROP TRIGGER IF EXISTS audit_head_forward_only;");
    db.exec(sql_text);
  };

  SECTION("an edited detail") {
    tamper("UPDATE audit_events SET details = json_set(details, '$.size', 999) WHERE seq = 4");
    auto v = catalog->audit().verify().value();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad_seq == 4);
    CHECK(v.events_checked == 3);
    CHECK(v.problem.find("altered") != std::string::npos);
    // And fsck's integrity check notices the missing triggers.
    auto problems = catalog->check_integrity().value();
    CHECK(std::any_of(problems.begin(), problems.end(), [](const std::string& p) { return p.find("trigger") != std::string::npos; }));
  }
  SECTION("an edited time") {
    tamper("UPDATE audit_events SET time = '2020-01-01T00:00:00.000Z' WHERE seq = 2");
    CHECK(catalog->audit().verify().value().first_bad_seq == 2);
  }
  SECTION("an edited actor with its own hash recomputed") {
    // Re-hashing the edited event does not help: the next event's prev_hash still differs.
    auto events = catalog->audit().events(2, 1).value();
    AuditEvent forged = events.at(0);
    forged.actor = "mallory";
    forged.hash = sha256_hex(canonical_audit_form(forged));
    tamper("UPDATE audit_events SET actor = 'mallory', hash = '" + forged.hash + "' WHERE seq = 3");
    CHECK(catalog->audit().verify().value().first_bad_seq == 4);
  }
  SECTION("a deleted event") {
    tamper("DELETE FROM audit_events WHERE seq = 3");
    auto v = catalog->audit().verify().value();
    CHECK(v.first_bad_seq == 3);
    CHECK(v.problem.find("missing") != std::string::npos);
  }
  SECTION("the newest event deleted") {
    tamper("DELETE FROM audit_events WHERE seq = 6");
    auto v = catalog->audit().verify().value();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad_seq == 6);
  }
  SECTION("two events swapped") {
    tamper("UPDATE audit_events SET seq = -2 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 5;"
           "UPDATE audit_events SET seq = 5 WHERE seq = -2;");
    CHECK(catalog->audit().verify().value().first_bad_seq == 2);
  }
}

TEST_CASE("module transactions: own SQL, catalog rows and audit events commit together or not at all",
          "[storage][catalog]") {
  auto dir = test::temp_dir();
  auto catalog = open_sqlite_catalog(dir.path() / "c.sqlite").value();
  auto doc = catalog->create_document(new_doc("letter.pdf", "one"), "alice").value();
  std::size_t events_before = catalog->audit().events(0, 1000).value().size();

  NewVersion searchable;
  searchable.kind = VersionKind::searchable;
  searchable.sha256 = sha256_hex("two");
  searchable.size = 3;
  searchable.media_type = "application/pdf";
  searchable.derived_from = doc.versions.front().id;

  // A failing module change leaves nothing: no version, no audit event, no table row.
  auto failed = catalog->write([&](CatalogWriter& w) {
    w.db().exec("CREATE TABLE IF NOT EXISTS scratch (x INTEGER)");
    w.db().exec("INSERT INTO scratch VALUES (1)");
    w.add_version(doc.id, searchable, "alice");
    AuditEvent e;
    e.actor = "alice";
    e.action = "test.step";
    e.object = doc.id;
    w.audit(e);
    fail(Error::conflict("changed my mind"));
  });
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == ErrorKind::conflict);
  CHECK(catalog->get_document(doc.id).value().versions.size() == 1);
  CHECK(catalog->audit().events(0, 1000).value().size() == events_before);
  bool scratch_exists = true;
  REQUIRE(catalog->read([&](sql::Database& db) {
    scratch_exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'scratch'").step();
  }));
  CHECK_FALSE(scratch_exists);

  // The same change without the failure lands whole, and the audit chain stays valid.
  REQUIRE(catalog->write([&](CatalogWriter& w) {
    auto v = w.add_version(doc.id, searchable, "alice");
    CHECK(v.kind == VersionKind::searchable);
    AuditEvent e;
    e.actor = "alice";
    e.action = "test.step";
    e.object = doc.id;
    w.audit(e);
  }));
  CHECK(catalog->get_document(doc.id).value().versions.size() == 2);
  CHECK(catalog->audit().events(0, 1000).value().size() == events_before + 2);
  CHECK(catalog->audit().verify().value().ok);

  // Originals stay immutable through this door too.
  NewVersion second_original = searchable;
  second_original.kind = VersionKind::original;
  second_original.derived_from.reset();
  auto refused = catalog->write([&](CatalogWriter& w) { w.add_version(doc.id, second_original, "alice"); });
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::conflict);
}
