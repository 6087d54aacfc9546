#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "common/sha256.h"
#include "storage_test_helpers.h"

using namespace redbox;
using namespace redbox::storage;
using namespace redbox::storage::testing;

TEST_CASE("8 threads adding the same and different files", "[storage][concurrency]") {
  auto dir = test::temp_dir();
  auto store = fresh_store(dir.path() / "data");
  auto shared = write_file(dir.path() / "shared.bin", random_bytes(200000, 100));
  std::vector<fs::path> distinct;
  for (int t = 0; t < 8; ++t) {
    distinct.push_back(write_file(dir.path() / ("own" + std::to_string(t)), random_bytes(50000 + t, 200 + t)));
  }
  constexpr int kRounds = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        if (!add_file(store, shared, {}, "t" + std::to_string(t)).ok()) ++failures;
        if (!add_file(store, distinct[static_cast<std::size_t>(t)], {}, "t").ok()) ++failures;
        if (!store.catalog->list_documents(5, std::nullopt).ok()) ++failures;  // readers beside writers
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::size_t documents = 0;
  std::optional<std::string> cursor;
  do {
    auto page = store.catalog->list_documents(500, cursor).value();
    documents += page.documents.size();
    cursor = page.next_cursor;
  } while (cursor);
  CHECK(documents == 8 * kRounds * 2);
  CHECK(count_blob_files(store) == 9);
  CHECK(count_files_under(store.root / "blobs" / "tmp") == 0);
  auto audit = store.catalog->audit().verify().value();
  CHECK(audit.ok);
  CHECK(audit.events_checked == 8 * kRounds * 2);
  CHECK(fsck(store, false).value().clean());
}

TEST_CASE("2 processes adding to one data folder", "[storage][concurrency]") {
  auto dir = test::temp_dir();
  auto root = dir.path() / "data";
  { auto store = fresh_store(root); }
  auto shared = write_file(dir.path() / "shared.bin", random_bytes(100000, 300));
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    auto own = write_file(dir.path() / ("own" + std::to_string(p)), random_bytes(70000, 400 + static_cast<unsigned>(p)));
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      try {
        auto store = open_store(root).value();
        for (int i = 0; i < 15; ++i) {
          if (!add_file(store, shared, {}, "p").ok() || !add_file(store, own, {}, "p").ok()) code = 1;
        }
      } catch (...) {
        code = 2;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto store = open_store(root).value();
  CHECK(store.catalog->list_documents(500, std::nullopt).value().documents.size() == 60);
  CHECK(count_blob_files(store) == 3);
  auto audit = store.catalog->audit().verify().value();
  CHECK(audit.ok);
  CHECK(audit.events_checked == 60);
}

TEST_CASE("SIGKILL mid-write leaves no partial blob, fsck is clean after", "[storage][crash]") {
  auto dir = test::temp_dir();
  auto root = dir.path() / "data";
  std::string committed_sha;
  {
    auto store = fresh_store(root);
    committed_sha = add_file(store, test::data_path("corpus/pdfs/habibi.pdf"), {}, "a").value().versions[0].sha256;
  }
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child must never return into Catch2: every path ends in _exit.
    close(ready[0]);
    try {
      auto store = open_store(root).value();
      auto writer = store.blobs->create_writer().value();
      std::string chunk = random_bytes(1 << 20, 500);
      for (int i = 0;; ++i) {
        if (!writer->write(chunk).ok()) _exit(3);
        if (i == 8) {
          char c = 'x';
          if (write(ready[1], &c, 1) != 1) _exit(4);  // 9 MiB written: kill me now
        }
        if (i > 4000) _exit(5);  // never commit
      }
    } catch (...) {
      _exit(6);
    }
  }
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));

  // The dead writer's temporary is there, and nothing else but the committed blob.
  CHECK(count_files_under(root / "blobs" / "tmp") == 1);
  auto store = open_store(root).value();  // opening removes stale temporaries
  CHECK(count_files_under(root / "blobs" / "tmp") == 0);
  CHECK(count_blob_files(store) == 1);
  std::vector<std::string> blobs;
  REQUIRE(store.blobs->for_each([&](const BlobRef& ref) {
    blobs.push_back(ref.sha256);
    return Status{};
  }).ok());
  CHECK(blobs == std::vector<std::string>{committed_sha});
  auto report = fsck(store, false).value();
  CHECK(report.clean());
  CHECK(report.blobs_checked == 1);
}

TEST_CASE("group commit: a failing change is rolled back alone", "[storage][concurrency]") {
  auto dir = test::temp_dir();
  auto catalog = open_sqlite_catalog(dir.path() / "c.sqlite").value();
  std::atomic<int> dup_ok{0};
  std::atomic<int> dup_conflict{0};
  std::atomic<int> other_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto dup = catalog->create_user("dup", Role::reviewer, "admin");
        if (dup.ok()) ++dup_ok;
        else if (dup.error().kind == ErrorKind::conflict) ++dup_conflict;
        if (!catalog->create_user("u" + std::to_string(t) + "_" + std::to_string(i), Role::intake, "admin").ok()) ++other_failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(dup_ok == 1);
  CHECK(dup_conflict == 79);
  CHECK(other_failures == 0);
  CHECK(catalog->list_users().value().size() == 81);
  auto audit = catalog->audit().verify().value();
  CHECK(audit.ok);
  CHECK(audit.events_checked == 81);  // no event of a refused change survives
}
