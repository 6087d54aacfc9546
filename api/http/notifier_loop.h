// Sends the workflow notifications on a timer while the server runs: case notices, chases and
// escalations (workflows/notify_dispatch.h) and contribution-request notices and reminders
// (workflows/draft_notify.h). Without it, chasing happened only when someone ran
// `redbox case notify` / `redbox draft notify` or POST /api/v1/notifications/run.
// Working hours are the dispatchers' own rule: outside them a run sends nothing and the next run
// in hours catches up. Every step is recorded when it is sent, so runs never repeat a message.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/store.h"

namespace redbox::api {

class NotifierLoop {
 public:
  // every: time between runs (the first run comes one interval after start()).
  NotifierLoop(storage::Store& store, std::chrono::seconds every);
  NotifierLoop(const NotifierLoop&) = delete;
  NotifierLoop& operator=(const NotifierLoop&) = delete;
  ~NotifierLoop();

  void start();
  void stop();  // waits for a run in progress to finish
  int runs() const;

 private:
  void loop();
  void run_once();

  storage::Store& store_;
  const std::chrono::seconds every_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int runs_ = 0;
  std::thread thread_;
};

}  // namespace redbox::api
