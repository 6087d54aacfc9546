#include "api/http/notifier_loop.h"

#include <spdlog/spdlog.h>

#include "api/http/case_env.h"
#include "common/clock.h"
#include "workflows/draft_notify.h"
#include "workflows/notify_dispatch.h"

namespace redbox::api {

NotifierLoop::NotifierLoop(storage::Store& store, std::chrono::seconds every) : store_(store), every_(every) {}

NotifierLoop::~NotifierLoop() { stop(); }

void NotifierLoop::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void NotifierLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int NotifierLoop::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

void NotifierLoop::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
    lock.unlock();
    run_once();
    lock.lock();
    ++runs_;
  }
}

void NotifierLoop::run_once() {
  // A failed run (SMTP down, a bad config.json) is logged and retried at the next interval;
  // nothing it did not send is marked sent.
  Status s = guard([&] {
    const auto& env = case_environment(store_);
    auto settings = workflows::NotificationSettings::from_config(store_.config.raw).value();
    const TimePoint now = SystemClock::instance().now();
    workflows::DispatchOptions options;
    options.actor = "system";
    auto cases = workflows::dispatch_notifications(*store_.catalog, env.types, env.calendar, settings, now, options).value();
    auto chase = workflows::draft_chase_rule(store_.config.raw).value();
    auto drafts = workflows::dispatch_draft_notifications(*store_.catalog, env.calendar, settings, chase, now, true).value();
    // Counts only: recipients and subjects name people and cases.
    const std::size_t sent = cases.messages.size() + drafts.messages.size();
    const std::size_t no_address = cases.no_address.size() + drafts.no_address.size();
    if (cases.deferred && drafts.deferred) {
      spdlog::debug("notifier: outside working hours, nothing sent");
    } else if (sent == 0 && no_address == 0) {
      spdlog::debug("notifier: nothing due");
    } else {
      spdlog::info("notifier: sent case_messages={} draft_messages={} no_address={}", cases.messages.size(),
                   drafts.messages.size(), no_address);
    }
  });
  if (!s) spdlog::warn("notifier: run failed, retrying in {} s: {}", every_.count(), s.error().describe());
}

}  // namespace redbox::api
