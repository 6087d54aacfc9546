// Helpers shared by the tests: where the test data lives, running the redbox binary (or any
// program) and capturing its output, temporary folders.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/files.h"

namespace redbox::test {

// tests/data/<relative>; the corpus is under tests/data/corpus/.
std::filesystem::path data_path(const std::string& relative);
std::filesystem::path source_path(const std::string& relative);
std::filesystem::path redbox_binary();

struct ProcessResult {
  int exit_code = -1;   // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs program with args (no shell), optional stdin text, extra environment entries
// ("NAME=value"). Blocks until it exits.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::string& stdin_text = {}, const std::vector<std::string>& env = {});
// Runs the redbox binary.
ProcessResult run_redbox(const std::vector<std::string>& args, const std::string& stdin_text = {},
                         const std::vector<std::string>& env = {});

// A fresh temporary folder for one test, removed afterwards.
TempDir temp_dir();

// True if a program is on PATH (for test-only tools such as qpdf or pdftotext).
bool have_program(const std::string& name);

}  // namespace redbox::test
