// Detector throughput on plain letter text, one core.
//   redbox-bench-detect generate FILE MB PATTERNS   write ~MB of letter text and the pattern list
//                                                    (one RE2 pattern a line, for rg -f)
//   redbox-bench-detect run FILE                     time DetectorSet::find over FILE; prints
//                                                    "wallMB/s matches wall_s cpuMB/s cpu_s"
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "common/files.h"
#include "redaction/detail/detect_builtin.h"
#include "redaction/detect.h"
#include "samples/generator/letter_text.h"

using namespace redbox;

namespace {

// The same names in every letter of the benchmark, so one term list covers the whole file.
const std::vector<redaction::TermEntry> kTerms{{"Margaret Holloway", redaction::TermRole::data_subject, ""},
                                               {"David Okafor", redaction::TermRole::third_party, ""},
                                               {"Siobhan Fitzgerald", redaction::TermRole::third_party, ""}};

int generate(const std::string& file, std::size_t megabytes, const std::string& patterns_file) {
  std::string text;
  text.reserve(megabytes << 20);
  for (std::size_t i = 0; text.size() < (megabytes << 20); ++i) {
    const auto letter = letters::make_letter(7, i % 5000);
    for (const auto& page : letter.pages) text += page + "\f";
  }
  write_file_atomic(file, text).throw_if_error();
  std::string patterns;
  for (const auto& p : redaction::detail::builtin_patterns()) patterns += std::string(p.pattern) + "\n";
  for (const auto& r : redaction::default_reference_patterns()) patterns += r.pattern + "\n";
  for (const auto& t : kTerms) patterns += redaction::detail::term_pattern(t).value() + "\n";
  write_file_atomic(patterns_file, patterns).throw_if_error();
  return 0;
}

int run(const std::string& file) {
  const std::string text = read_file(file).value();
  redaction::DetectorOptions options;
  options.terms = kTerms;
  if (const char* only = std::getenv("RB_ONLY")) {
    std::string list = only;
    for (std::size_t pos = 0; pos <= list.size();) {
      std::size_t comma = list.find(',', pos);
      if (comma == std::string::npos) comma = list.size();
      options.enabled.push_back(list.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  const auto set = redaction::DetectorSet::compile(options).value();
  // Wall time and this thread's CPU time: on a shared machine the CPU figure is the stable one.
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  const double cpu_start = cpu_now();
  const auto start = std::chrono::steady_clock::now();
  const auto matches = set.find(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = cpu_now() - cpu_start;
  const double mb = static_cast<double>(text.size()) / (1 << 20);
  std::printf("%.1f %zu %.3f %.1f %.3f\n", mb / seconds, matches.size(), seconds, mb / cpu_seconds, cpu_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "generate" && argc == 5) return generate(argv[2], std::stoul(argv[3]), argv[4]);
    if (mode == "run" && argc == 3) return run(argv[2]);
    std::cerr << "usage: redbox-bench-detect generate FILE MB PATTERNS | run FILE\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "redbox-bench-detect: " << e.what() << "\n";
    return 1;
  }
}
