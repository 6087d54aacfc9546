// redbox-bench-letters [--count N] [--seed S] [--threads T] [--work DIR]
// Generates N letters, redacts each born-digital PDF with the UK detectors and its term list,
// and prints recall, precision, leaks and kept words against the ground truth
// (samples/generator/letter_accuracy.h). Exit status 1 when a goal is missed.
#include <cstdlib>
#include <iostream>
#include <string>

#include "common/files.h"
#include "samples/generator/letter_accuracy.h"

int main(int argc, char** argv) {
  try {
    redbox::letters::AccuracyOptions o;
    o.count = 200;
    std::optional<redbox::TempDir> temp;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--count") o.count = std::stoul(value);
      else if (arg == "--seed") o.seed = std::stoull(value);
      else if (arg == "--threads") o.threads = std::stoi(value);
      else if (arg == "--work") o.work_dir = value;
      else throw std::runtime_error("unknown option " + arg);
    }
    if (o.work_dir.empty()) {
      temp = redbox::TempDir::create("redbox-bench-letters-").value();
      o.work_dir = temp->path();
    }
    const auto report = redbox::letters::evaluate_letters(o).value();
    std::cout << report.summary();
    return report.meets_goals() ? 0 : 1;
  } catch (const redbox::Failure& f) {
    std::cerr << "redbox-bench-letters: " << f.error().describe() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "redbox-bench-letters: " << e.what() << "\n";
    return 2;
  }
}
