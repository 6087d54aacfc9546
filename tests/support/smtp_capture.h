// A real SMTP server for tests: aiosmtpd (Debian python3-aiosmtpd) under the system Python,
// listening on an ephemeral port of 127.0.0.1 and writing each message it accepts to
// <dir>/NNN.eml ("RCPT: a,b\n" then the message as received). Started in the constructor,
// stopped (SIGTERM) in the destructor.
//
// /usr/bin/python3 is used on purpose: a `python3` earlier on PATH may be a pyenv build without
// aiosmtpd. When aiosmtpd cannot be imported, available() is false and skip_reason says why;
// tests WARN with it and skip their SMTP part.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "support/test_support.h"

extern char** environ;

namespace redbox::test {

class SmtpCapture {
 public:
  static constexpr const char* kPython = "/usr/bin/python3";

  explicit SmtpCapture(const std::filesystem::path& dir) : out_(dir) {
    if (!std::filesystem::exists(kPython)) {
      skip_reason_ = std::string(kPython) + " is missing (install python3-aiosmtpd)";
      return;
    }
    ProcessResult probe = run_process(kPython, {"-c", "import aiosmtpd"});
    if (probe.exit_code != 0) {
      skip_reason_ = "aiosmtpd cannot be imported by " + std::string(kPython) + " (install python3-aiosmtpd): " + probe.err;
      return;
    }
    std::string script = kServer;
    std::string outdir = out_.string();
    const char* argv[] = {kPython, "-c", script.c_str(), outdir.c_str(), nullptr};
    if (posix_spawn(&pid_, kPython, nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      pid_ = -1;
      skip_reason_ = "could not start the SMTP server";
      return;
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(out_ / "port"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(out_ / "port")) port_ = std::stoi(read_file(out_ / "port").value());
    if (port_ == 0) skip_reason_ = "the SMTP server did not report its port within 10 s";
  }
  ~SmtpCapture() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  SmtpCapture(const SmtpCapture&) = delete;
  SmtpCapture& operator=(const SmtpCapture&) = delete;

  bool available() const { return port_ > 0; }
  const std::string& skip_reason() const { return skip_reason_; }
  int port() const { return port_; }

  // The first `expected` messages, waiting up to 5 s for them to arrive.
  std::vector<std::string> messages(std::size_t expected) const {
    std::vector<std::string> got;
    for (int i = 0; i < 100; ++i) {
      got.clear();
      for (std::size_t k = 0; k < expected; ++k) {
        char name[32];
        std::snprintf(name, sizeof name, "%03zu.eml", k);
        if (std::filesystem::exists(out_ / name)) got.push_back(read_file(out_ / name).value());
      }
      if (got.size() == expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return got;
  }
  // How many messages have arrived so far.
  std::size_t count() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(out_)) n += e.path().extension() == ".eml" ? 1 : 0;
    return n;
  }

 private:
  static constexpr const char* kServer = R"py(
import asyncio, os, sys
from aiosmtpd.smtp import SMTP
out = sys.argv[1]
class Capture:
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(out) if f.endswith(".eml")])
        tmp = os.path.join(out, "%03d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(("RCPT: %s\n" % ",".join(envelope.rcpt_tos)).encode() + envelope.original_content)
        os.rename(tmp, os.path.join(out, "%03d.eml" % n))
        return "250 Message accepted for delivery"
async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Capture()), "127.0.0.1", 0)
    with open(os.path.join(out, "port.tmp"), "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
    await asyncio.Event().wait()
asyncio.run(main())
)py";

  std::filesystem::path out_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string skip_reason_;
};

}  // namespace redbox::test
