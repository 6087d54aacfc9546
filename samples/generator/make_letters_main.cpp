// redbox-make-letters --count N --seed S --out DIR [--scans] [--dpi D]
// Writes, per letter: NAME.pdf (born-digital), NAME.txt (page texts separated by form feeds),
// NAME.json (ground truth: people and every identifier with detector, text, page, offsets) and
// with --scans NAME-scan.pdf (image-only) plus NAME-scan-pN.png. Deterministic from the seed.
#include <cstdlib>
#include <iostream>
#include <string>

#include "common/files.h"
#include "samples/generator/letter_pdf.h"
#include "samples/generator/letter_text.h"

namespace {

constexpr const char* kUsage =
    "usage: redbox-make-letters --count N --seed S --out DIR [--scans] [--dpi 200-300]\n";

long parse_number(const std::string& option, const char* value, long min, long max) {
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (end == value || *end != '\0' || n < min || n > max)
    redbox::fail(redbox::Error::invalid_input(option + " must be a number from " + std::to_string(min) + " to " +
                                              std::to_string(max)));
  return n;
}

int run(int argc, char** argv) {
  long count = -1, dpi = 200;
  std::uint64_t seed = 0;
  bool seed_given = false, scans = false;
  std::filesystem::path out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) redbox::fail(redbox::Error::invalid_input(arg + " needs a value"));
      return argv[++i];
    };
    if (arg == "--count") count = parse_number(arg, value(), 1, 100000);
    else if (arg == "--seed") { seed = static_cast<std::uint64_t>(parse_number(arg, value(), 0, 2147483647)); seed_given = true; }
    else if (arg == "--out") out = value();
    else if (arg == "--scans") scans = true;
    else if (arg == "--dpi") dpi = parse_number(arg, value(), 72, 400);
    else if (arg == "--help" || arg == "-h") { std::cout << kUsage; return 0; }
    else redbox::fail(redbox::Error::invalid_input("unknown option " + arg));
  }
  if (count < 0 || !seed_given || out.empty()) redbox::fail(redbox::Error::invalid_input("--count, --seed and --out are required"));
  redbox::ensure_directory(out).throw_if_error();
  for (long i = 0; i < count; ++i) {
    const auto letter = redbox::letters::make_letter(seed, static_cast<std::size_t>(i));
    std::string text;
    for (std::size_t p = 0; p < letter.pages.size(); ++p) text += (p ? "\f" : "") + letter.pages[p];
    redbox::write_file_atomic(out / (letter.id + ".txt"), text).throw_if_error();
    redbox::write_file_atomic(out / (letter.id + ".json"), redbox::letters::ground_truth_json(letter) + "\n").throw_if_error();
    const std::string pdf = redbox::letters::letter_pdf(letter).value();
    redbox::write_file_atomic(out / (letter.id + ".pdf"), pdf).throw_if_error();
    if (scans) {
      auto scan = redbox::letters::degrade_to_scan(pdf, static_cast<int>(dpi), seed ^ static_cast<std::uint64_t>(i)).value();
      redbox::write_file_atomic(out / (letter.id + "-scan.pdf"), scan.pdf).throw_if_error();
      for (std::size_t p = 0; p < scan.pngs.size(); ++p)
        redbox::write_file_atomic(out / (letter.id + "-scan-p" + std::to_string(p + 1) + ".png"), scan.pngs[p]).throw_if_error();
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const redbox::Failure& f) {
    std::cerr << "redbox-make-letters: " << f.error().describe() << "\n" << kUsage;
    return redbox::exit_code(f.error().kind);
  } catch (const std::exception& e) {
    std::cerr << "redbox-make-letters: " << e.what() << "\n";
    return 10;
  }
}
