// redbox: the command-line front door. Parses the global options, dispatches to a registered
// command (api/cli/*.cpp) and maps errors to the documented exit codes:
//   0 success, 1 the operation ran but its check failed (e.g. fsck found problems),
//   2 invalid input or usage, 3 unauthorized/forbidden, 4 not found, 5 conflict, 6 too large,
//   7 unsupported (e.g. encrypted without password), 8 corrupt stored data, 9 I/O, 10 internal.
#include <algorithm>
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/cli/command.h"
#include "common/error.h"
#include "common/leptonica.h"
#include "common/log.h"

namespace {

constexpr const char* kVersion = "0.1.0";

void print_overview(std::ostream& out) {
  out << "usage: redbox [--data DIR] [--json] [--log-level LEVEL] COMMAND [ARGS...]\n\n"
         "Redbox: intake, storage, redaction and disclosure of correspondence.\n\n"
         "Commands:\n";
  for (const auto* c : redbox::cli::Registry::instance().all()) {
    std::string name = c->name;
    name.resize(std::max<std::size_t>(name.size(), 16), ' ');
    out << "  " << name << "  " << c->summary << "\n";
  }
  out << "\nGlobal options:\n"
         "  --data DIR         data folder (default: $REDBOX_DATA or ./redbox-data)\n"
         "  --json             machine-readable output\n"
         "  --log-level LEVEL  trace, debug, info, warn (default), error, off\n"
         "Run 'redbox COMMAND --help' for a command's options.\n\n"
         "Exit codes: 0 ok, 1 check failed, 2 invalid input, 3 not allowed, 4 not found, 5 conflict,\n"
         "6 too large, 7 unsupported, 8 corrupt data, 9 I/O error, 10 internal error.\n";
}

void print_error(const redbox::cli::CommandContext& ctx, const redbox::Error& error) {
  if (ctx.global.json) {
    nlohmann::json j = {{"error", {{"code", std::string(redbox::to_string(error.kind))}, {"message", error.message}}}};
    ctx.err << j.dump() << "\n";
  } else {
    ctx.err << "redbox: error: " << error.message << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  // MuPDF allocates and frees large zeroed blocks for every page it interprets (sampled shading
  // functions, pixmaps, text pools). Under glibc's defaults each is a fresh mmap whose pages fault
  // in one by one, and freed heap goes back at once: on bench/redact's 117-page document a fifth
  // of the CPU time was the kernel doing that. Blocks up to 32 MB stay in the heap, and up to
  // 128 MB of free heap before trimming. Set here, for the whole process, because it is one.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  redbox::cli::GlobalOptions global;
  if (const char* env = std::getenv("REDBOX_DATA"); env != nullptr && *env != '\0') global.data_dir = env;
  else global.data_dir = "redbox-data";

  std::vector<std::string> rest;
  std::string command;
  bool want_help = false;
  for (int i = 1; i < argc; ++i) {
    std::string tok = argv[i];
    auto value_of = [&](const std::string& opt) -> std::string {
      if (tok.size() > opt.size() && tok.compare(0, opt.size() + 1, opt + "=") == 0) return tok.substr(opt.size() + 1);
      if (i + 1 >= argc) {
        std::cerr << "redbox: error: " << opt << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (tok == "--data" || tok.rfind("--data=", 0) == 0) global.data_dir = value_of("--data");
    else if (tok == "--log-level" || tok.rfind("--log-level=", 0) == 0) global.log_level = value_of("--log-level");
    else if (tok == "--json") global.json = true;
    else if (command.empty() && (tok == "--help" || tok == "-h" || tok == "help")) want_help = true;
    else if (command.empty() && tok == "--version") {
      std::cout << "redbox " << kVersion << "\n";
      return 0;
    } else if (command.empty() && !tok.empty() && tok[0] != '-') command = tok;
    else rest.push_back(tok);
  }

  redbox::log::configure(global.log_level);
  redbox::lept::silence_messages();

  redbox::cli::CommandContext ctx{global, std::cout, std::cerr, isatty(STDERR_FILENO) != 0};
  if (command.empty()) {
    print_overview(want_help ? std::cout : std::cerr);
    return want_help ? 0 : 2;
  }
  const auto* cmd = redbox::cli::Registry::instance().find(command);
  if (cmd == nullptr) {
    std::cerr << "redbox: error: unknown command '" << command << "' (see redbox --help)\n";
    return 2;
  }
  // --help anywhere after the command shows its usage, before it touches the data folder.
  if (want_help || std::any_of(rest.begin(), rest.end(), [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    std::cout << cmd->usage;
    return 0;
  }
  try {
    return cmd->run(ctx, rest);
  } catch (...) {
    redbox::Error e = redbox::capture_error();
    print_error(ctx, e);
    return redbox::exit_code(e.kind);
  }
}
