// Settings of the HTTP API server, from the data folder's config.json and the command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/error.h"

namespace redbox::api {

// The notifier timer's longest interval: a day.
inline constexpr std::int64_t kMaxNotifyMinutes = 24 * 60;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                                   // 0: an ephemeral port (tests)
  std::uint64_t max_upload_bytes = 512ULL << 20;     // per uploaded file; over it: 413
  std::size_t threads = 8;                           // worker threads (concurrent requests)
  std::chrono::seconds read_timeout{30};             // a client silent this long is dropped
  std::chrono::seconds write_timeout{30};
  std::size_t max_json_body = 1 << 20;               // JSON request bodies (POST /users, ...)
  // Background job workers (intake of uploaded scans, ...). 0: none, uploads are stored only;
  // `redbox serve` runs 1 by default.
  std::size_t job_workers = 0;
  // Case notices, chases, escalations and contribution reminders are sent on this timer
  // (api/http/notifier_loop.h). 0: only when asked (POST /api/v1/notifications/run, the CLI);
  // Unset: off here, and `redbox serve` runs it every 30 minutes.
  std::optional<std::chrono::seconds> notify_every;
};

// Reads the optional "server" settings of <data>/config.json over the defaults:
//   {"max_upload_bytes": 536870912}  or  {"max_upload": "512MiB"}
//   {"server": {"listen": "127.0.0.1:8080", "threads": 8, "max_upload": "512MiB",
//               "notify_every_minutes": 30}}
// A missing file gives the defaults; a malformed one is invalid_input naming the file.
Result<ServerOptions> load_server_options(const std::filesystem::path& data_dir);

// "HOST:PORT", "PORT" or "[v6]:PORT" into options.host/port; invalid_input if malformed.
Status parse_listen_address(const std::string& text, ServerOptions& options);

}  // namespace redbox::api
