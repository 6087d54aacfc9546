#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "storage_test_helpers.h"

using namespace redbox;
using namespace redbox::storage;
using namespace redbox::storage::testing;

TEST_CASE("blobs round-trip byte for byte, named by their SHA-256", "[storage][blob]") {
  auto dir = test::temp_dir();
  auto blobs = open_local_blob_store(dir.path() / "blobs").value();
  std::string bytes = random_bytes(3 * (1 << 20) + 17, 1);
  auto ref = blobs->put(bytes).value();
  CHECK(ref.sha256 == sha256_hex(bytes));
  CHECK(ref.size == bytes.size());
  CHECK(blobs->contains(ref.sha256));
  CHECK(blobs->size_of(ref.sha256).value() == bytes.size());
  CHECK(blobs->read_all(ref.sha256).value() == bytes);
  auto path = blobs->local_path(ref.sha256).value();
  CHECK(path == dir.path() / "blobs" / ref.sha256.substr(0, 2) / ref.sha256.substr(2, 2) / ref.sha256);
  CHECK(blobs->verify(ref.sha256).ok());
  // Early stop is allowed and is not an error.
  std::size_t seen = 0;
  CHECK(blobs->read(ref.sha256, [&](std::string_view chunk) {
    seen += chunk.size();
    return false;
  }).ok());
  CHECK(seen > 0);
  CHECK(seen < bytes.size());
  // Read-only on disk.
  CHECK((fs::status(path).permissions() & fs::perms::owner_write) == fs::perms::none);
}

TEST_CASE("identical content is stored once", "[storage][blob]") {
  auto dir = test::temp_dir();
  auto blobs = open_local_blob_store(dir.path()).value();
  std::string bytes = random_bytes(100000, 2);
  auto a = blobs->put(bytes).value();
  auto b = blobs->put(bytes).value();
  CHECK(a.sha256 == b.sha256);
  CHECK(count_files_under(dir.path()) == 1);  // and no temporaries left
  auto c = blobs->put(bytes + "x").value();
  CHECK(c.sha256 != a.sha256);
  CHECK(count_files_under(dir.path()) == 2);
}

TEST_CASE("a corrupted blob is reported, never served", "[storage][blob]") {
  auto dir = test::temp_dir();
  auto blobs = open_local_blob_store(dir.path()).value();
  std::string bytes = random_bytes(50000, 3);
  auto ref = blobs->put(bytes).value();
  flip_byte(*blobs->local_path(ref.sha256), 40000);
  auto read = blobs->read_all(ref.sha256);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().kind == ErrorKind::corrupt);
  CHECK(read.error().message.find(ref.sha256) != std::string::npos);
  CHECK(blobs->verify(ref.sha256).error().kind == ErrorKind::corrupt);
  // A verified copy never appears at the destination.
  auto dest = dir.path() / "copy.bin";
  CHECK(blobs->copy_to_file(ref.sha256, dest).error().kind == ErrorKind::corrupt);
  CHECK_FALSE(fs::exists(dest));
}

TEST_CASE("blob names are validated, never used as paths", "[storage][blob]") {
  auto dir = test::temp_dir();
  auto blobs = open_local_blob_store(dir.path()).value();
  CHECK(blobs->read_all("../../etc/passwd").error().kind == ErrorKind::invalid_input);
  CHECK_FALSE(blobs->contains("../../etc/passwd"));
  CHECK(blobs->remove("..").error().kind == ErrorKind::invalid_input);
  CHECK(blobs->read_all(std::string(64, 'a')).error().kind == ErrorKind::not_found);
}

TEST_CASE("an abandoned or oversized write leaves nothing behind", "[storage][blob]") {
  auto dir = test::temp_dir();
  auto blobs = open_local_blob_store(dir.path()).value();
  {
    auto w = blobs->create_writer().value();
    REQUIRE(w->write(random_bytes(1000, 4)).ok());
    CHECK(count_files_under(dir.path()) == 1);  // the temporary
  }
  CHECK(count_files_under(dir.path()) == 0);
  auto w = blobs->create_writer(1500).value();
  REQUIRE(w->write(random_bytes(1000, 5)).ok());
  auto over = w->write(random_bytes(1000, 6));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().kind == ErrorKind::too_large);
  CHECK(count_files_under(dir.path()) == 0);
}

TEST_CASE("stale temporaries are removed, live writers' are not", "[storage][blob]") {
  auto dir = test::temp_dir();
  auto blobs = open_local_blob_store(dir.path()).value();
  // Left by a writer that no longer exists: nobody holds its lock.
  write_file(dir.path() / "tmp" / "0123456789ab.tmp", random_bytes(4096, 7));
  auto live = blobs->create_writer().value();
  REQUIRE(live->write(random_bytes(4096, 8)).ok());
  CHECK(blobs->remove_stale_temporaries().value() == 1);
  CHECK(count_files_under(dir.path() / "tmp") == 1);
  auto ref = live->commit().value();  // the live writer was untouched
  CHECK(blobs->verify(ref.sha256).ok());
  CHECK(count_files_under(dir.path() / "tmp") == 0);
}
