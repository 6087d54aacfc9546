// Persisted jobs: running, failing, resuming from a checkpoint after the process running a job
// died, giving up after too many attempts, stopping cleanly.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include "pipeline/jobs.h"
#include "support/test_support.h"

using namespace redbox;
using namespace std::chrono_literals;
using pipeline::Job;
using pipeline::JobContext;
using pipeline::JobQueue;
using pipeline::JobState;

namespace {

storage::Store make_store(const std::filesystem::path& root) {
  auto store = storage::init_store(root);
  REQUIRE(store);
  return std::move(*store);
}

int count_events(storage::Store& store, const std::string& action) {
  int n = 0;
  REQUIRE(store.catalog->read([&](sql::Database& db) {
    auto st = db.prepare("SELECT count(*) FROM audit_events WHERE action = ?");
    st.bind(1, action).step();
    n = static_cast<int>(st.int64(0));
  }));
  return n;
}

// A resumable handler: params.items items, each recorded as one audit event ("test.item") in
// the same transaction as the checkpoint that says it is done; params.fail_at makes that item's
// transaction fail after writing its row.
Result<nlohmann::json> item_handler(JobContext& ctx) {
  const auto& params = ctx.job().params;
  int items = params.at("items").get<int>();
  int fail_at = params.value("fail_at", -1);
  int ran = 0;
  for (int i = 0; i < items; ++i) {
    nlohmann::json done = ctx.job().checkpoint.value("done", nlohmann::json::array());
    if (std::find(done.begin(), done.end(), i) != done.end()) continue;
    ctx.commit([&](storage::CatalogWriter& w, nlohmann::json& checkpoint) {
      storage::AuditEvent e;
      e.actor = "test";
      e.action = "test.item";
      e.object = "item-" + std::to_string(i);
      w.audit(e);
      if (i == fail_at) fail(Error::corrupt("item " + std::to_string(i) + " is broken"));
      checkpoint["done"].push_back(i);
    });
    ++ran;
    ctx.progress(i + 1, items, "items");
  }
  return nlohmann::json{{"ran", ran}};
}

std::string this_host() {
  std::array<char, 256> buf{};
  REQUIRE(gethostname(buf.data(), buf.size() - 1) == 0);
  return buf.data();
}

// Marks a job as running under a process that no longer exists, as a SIGKILL would leave it.
void orphan_job(storage::Store& store, const std::string& id, const nlohmann::json& checkpoint, int attempts) {
  REQUIRE(store.catalog->write([&](storage::CatalogWriter& w) {
    w.db()
        .prepare("UPDATE jobs SET state = 'running', owner = ?, checkpoint = ?, attempts = ? WHERE id = ?")
        .bind(1, this_host() + ":4194303:1")
        .bind(2, checkpoint.dump())
        .bind(3, attempts)
        .bind(4, id)
        .run();
  }));
}

}  // namespace

TEST_CASE("a job runs to done, with progress, result and audit events", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  JobQueue queue(store);
  queue.register_handler("items", item_handler);
  auto job = queue.submit("items", {{"items", 5}}, "alice");
  REQUIRE(job);
  CHECK(job->state == JobState::queued);
  REQUIRE(queue.run_until_idle(2));
  auto finished = queue.get(job->id);
  REQUIRE(finished);
  CHECK(finished->state == JobState::done);
  CHECK(finished->result["ran"] == 5);
  CHECK(finished->done == 5);
  CHECK(finished->total == 5);
  CHECK(finished->attempts == 1);
  CHECK(count_events(store, "test.item") == 5);
  CHECK(count_events(store, "job.submit") == 1);
  CHECK(count_events(store, "job.done") == 1);
  CHECK(finished->to_json()["state"] == "done");
}

TEST_CASE("a failing job keeps the error kind and message, and only committed items", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  JobQueue queue(store);
  queue.register_handler("items", item_handler);
  auto job = queue.submit("items", {{"items", 5}, {"fail_at", 2}}, "alice");
  REQUIRE(job);
  REQUIRE(queue.run_until_idle(1));
  auto failed = queue.get(job->id);
  REQUIRE(failed);
  CHECK(failed->state == JobState::failed);
  REQUIRE(failed->error);
  CHECK(failed->error->kind == ErrorKind::corrupt);
  CHECK(failed->error->message == "item 2 is broken");
  // Item 2's row was written in the failed transaction: it must not be there.
  CHECK(count_events(store, "test.item") == 2);
  CHECK(failed->checkpoint["done"] == nlohmann::json::array({0, 1}));
}

TEST_CASE("unknown kinds and bad parameters are refused at submit", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  JobQueue queue(store);
  queue.register_handler("items", item_handler);
  auto unknown = queue.submit("nope", nlohmann::json::object(), "alice");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ErrorKind::invalid_input);
  auto bad = queue.submit("items", nlohmann::json::array(), "alice");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::invalid_input);
  auto missing = queue.get("job_doesnotexist");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("a job interrupted by a dead process resumes from its checkpoint", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  std::string id;
  {
    JobQueue queue(store);
    queue.register_handler("items", item_handler);
    auto job = queue.submit("items", {{"items", 5}}, "alice");
    REQUIRE(job);
    id = job->id;
  }
  // As if a process had committed items 0 and 1 and then been killed.
  REQUIRE(store.catalog->write([&](storage::CatalogWriter& w) {
    for (int i = 0; i < 2; ++i) {
      storage::AuditEvent e;
      e.actor = "test";
      e.action = "test.item";
      e.object = "item-" + std::to_string(i);
      w.audit(e);
    }
  }));
  orphan_job(store, id, {{"done", {0, 1}}}, 1);

  JobQueue queue(store);
  queue.register_handler("items", item_handler);
  REQUIRE(queue.run_until_idle(1));
  auto job = queue.get(id);
  REQUIRE(job);
  CHECK(job->state == JobState::done);
  CHECK(job->result["ran"] == 3);  // items 2, 3, 4 only
  CHECK(job->attempts == 2);
  CHECK(count_events(store, "test.item") == 5);  // each item exactly once
  CHECK(count_events(store, "job.resume") == 1);
}

TEST_CASE("a job interrupted too often fails with a reason", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  JobQueue queue(store, {.max_attempts = 3});
  queue.register_handler("items", item_handler);
  auto job = queue.submit("items", {{"items", 1}}, "alice");
  REQUIRE(job);
  orphan_job(store, job->id, nlohmann::json::object(), 3);
  REQUIRE(queue.recover());
  auto failed = queue.get(job->id);
  REQUIRE(failed);
  CHECK(failed->state == JobState::failed);
  REQUIRE(failed->error);
  CHECK_THAT(failed->error->message, Catch::Contains("interrupted 3 times"));
}

TEST_CASE("a running job of a live process is not taken over", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  JobQueue server(store);
  server.register_handler("slow", [&](JobContext&) -> Result<nlohmann::json> {
    started = true;
    while (!release) std::this_thread::sleep_for(5ms);
    return nlohmann::json::object();
  });
  auto job = server.submit("slow", nlohmann::json::object(), "alice");
  REQUIRE(job);
  server.start(1);
  while (!started) std::this_thread::sleep_for(5ms);
  // A second queue (as a CLI in another process would) recovers: the job is alive, keep it.
  JobQueue other(store);
  REQUIRE(other.recover());
  auto seen = other.get(job->id);
  REQUIRE(seen);
  CHECK(seen->state == JobState::running);
  release = true;
  auto done = server.wait(job->id);
  REQUIRE(done);
  CHECK(done->state == JobState::done);
  CHECK(done->attempts == 1);
}

TEST_CASE("stopping the queue puts a running job back in the queue", "[jobs]") {
  auto dir = test::temp_dir();
  auto store = make_store(dir.path());
  std::atomic<bool> started{false};
  std::string id;
  {
    JobQueue queue(store);
    queue.register_handler("until-stopped", [&](JobContext& ctx) -> Result<nlohmann::json> {
      started = true;
      while (!ctx.stopping()) std::this_thread::sleep_for(5ms);
      return Error::internal("stopped before finishing");
    });
    auto job = queue.submit("until-stopped", nlohmann::json::object(), "alice");
    REQUIRE(job);
    id = job->id;
    queue.start(2);
    while (!started) std::this_thread::sleep_for(5ms);
    queue.stop();
    auto after = queue.get(id);
    REQUIRE(after);
    CHECK(after->state == JobState::queued);
  }
  JobQueue queue(store);
  queue.register_handler("until-stopped", [](JobContext&) -> Result<nlohmann::json> { return nlohmann::json{{"ok", true}}; });
  REQUIRE(queue.run_until_idle(1));
  auto job = queue.get(id);
  REQUIRE(job);
  CHECK(job->state == JobState::done);
  auto listed = queue.list(10, JobState::done);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().id == id);
}
