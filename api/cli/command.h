// The redbox CLI's command registry. Each command lives in its own file under api/cli/ and
// registers itself with a static Registrar, so adding a command touches no shared list:
//
//   namespace { const redbox::cli::Registrar reg({"ocr-file", "OCR scans into a searchable PDF",
//                                                 kUsage, run_ocr_file}); }
//
// A command is a thin shell: it parses arguments into a job's options, runs the job, prints
// the result (JSON with --json). Logic lives in the modules, never here. Handlers report
// errors by throwing redbox::Failure (or returning a non-zero exit code after printing);
// main() turns a Failure into the documented exit code and message.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace redbox::cli {

struct GlobalOptions {
  std::filesystem::path data_dir;  // --data DIR, else $REDBOX_DATA, else ./redbox-data
  bool json = false;               // --json: machine-readable output on stdout
  std::string log_level;           // --log-level LEVEL, else $REDBOX_LOG_LEVEL, else warn
};

struct CommandContext {
  GlobalOptions global;
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  // progress bars only on a terminal
};

using Handler = std::function<int(CommandContext&, const std::vector<std::string>& args)>;

struct Command {
  std::string name;     // "doc", "ocr-file", ...
  std::string summary;  // one line for `redbox --help`
  std::string usage;    // full help text for `redbox NAME --help`
  Handler run;
};

class Registry {
 public:
  static Registry& instance();
  void add(Command command);
  const Command* find(const std::string& name) const;
  // Sorted by name.
  std::vector<const Command*> all() const;

 private:
  std::vector<Command> commands_;
};

struct Registrar {
  explicit Registrar(Command command) { Registry::instance().add(std::move(command)); }
};

}  // namespace redbox::cli
