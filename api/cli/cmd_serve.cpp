// redbox serve: the HTTP JSON API until SIGINT/SIGTERM.
#include <signal.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "api/http/server.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] serve [--listen HOST:PORT] [--max-upload SIZE] [--threads N]\n"
    "                                       [--workers N] [--notify-every MINUTES]\n"
    "\n"
    "Serves the HTTP JSON API over the data folder until Ctrl-C / SIGTERM, then finishes the\n"
    "requests in flight and exits 0.\n"
    "\n"
    "  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080; port 0 picks a free\n"
    "                      port). Plain HTTP: put a TLS-terminating proxy in front of\n"
    "                      anything that is not localhost.\n"
    "  --max-upload SIZE   largest accepted upload, e.g. 100MB or 1GiB (default: config.json's\n"
    "                      max_upload_bytes, else 512MiB); larger uploads get 413.\n"
    "  --threads N         concurrent requests (default 8).\n"
    "  --workers N         background job workers: uploaded scans are OCRed, indexed and\n"
    "                      searchable a moment later (default 1; 0 stores uploads only).\n"
    "                      Jobs a stopped server left unfinished resume on start.\n"
    "  --notify-every MINUTES  send case notices, chases, escalations and contribution\n"
    "                      reminders every MINUTES within working hours (default: config.json's\n"
    "                      server.notify_every_minutes, else 30; 0: only when asked, with\n"
    "                      POST /api/v1/notifications/run or redbox case/draft notify).\n"
    "\n"
    "Every route except GET /healthz needs 'Authorization: Bearer TOKEN' (see redbox user --help).\n"
    "With --json, the start-up message is one JSON line: {\"listening\": URL, \"port\": N}.\n"
    "Routes: see api/README.md.\n";

int run_serve(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed = ArgParser()
                          .option("listen")
                          .option("max-upload")
                          .option("threads")
                          .option("workers")
                          .option("notify-every")
                          .parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (!parsed.positionals().empty()) fail(Error::invalid_input("serve takes no positional arguments (see --help)"));
  storage::Store store = open_data_folder(ctx.global);
  api::ServerOptions options = api::load_server_options(store.root).value();
  if (auto listen = parsed.get("listen")) api::parse_listen_address(*listen, options).throw_if_error();
  if (auto size = parsed.get_size("max-upload")) {
    if (*size == 0) fail(Error::invalid_input("--max-upload must be more than 0"));
    options.max_upload_bytes = *size;
  }
  if (auto threads = parsed.get_int("threads")) {
    if (*threads < 1 || *threads > 256) fail(Error::invalid_input("--threads must be from 1 to 256"));
    options.threads = static_cast<std::size_t>(*threads);
  }
  if (!options.notify_every) options.notify_every = std::chrono::minutes(30);
  if (auto minutes = parsed.get_int("notify-every")) {
    if (*minutes < 0 || *minutes > api::kMaxNotifyMinutes) {
      fail(Error::invalid_input("--notify-every must be from 0 (off) to " + std::to_string(api::kMaxNotifyMinutes) +
                                " minutes"));
    }
    options.notify_every = std::chrono::minutes(*minutes);
  }
  options.job_workers = 1;
  if (auto workers = parsed.get_int("workers")) {
    if (*workers < 0 || *workers > 16) fail(Error::invalid_input("--workers must be from 0 to 16"));
    options.job_workers = static_cast<std::size_t>(*workers);
  }

  // Block SIGINT/SIGTERM before any server thread exists (threads inherit the mask), then wait
  // for them synchronously here: no work in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client hanging up mid-response must not kill the server.
  signal(SIGPIPE, SIG_IGN);

  api::ApiServer server(store, options);
  server.start().throw_if_error();
  if (ctx.global.json) {
    ctx.out << nlohmann::json{{"listening", server.url()}, {"port", server.port()}}.dump() << std::endl;
  } else {
    ctx.out << "Redbox API listening on " << server.url() << " (data: " << store.root.string() << ")\n"
            << "Try: curl -H \"Authorization: Bearer $REDBOX_TOKEN\" " << server.url() << "/api/v1/documents\n"
            << "Stop with Ctrl-C.\n"
            << std::flush;
  }
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1") {
    ctx.err << "redbox: warning: serving plain HTTP on " << options.host
            << "; tokens and documents cross the network unencrypted unless a TLS proxy is in front\n";
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  ctx.err << "redbox: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << " received, finishing requests in flight\n";
  server.stop();
  return 0;
}

const Registrar reg({"serve", "run the HTTP JSON API", kUsage, run_serve});

}  // namespace
}  // namespace redbox::cli
