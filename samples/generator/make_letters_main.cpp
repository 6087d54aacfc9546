// redbox-make-letters --count N --seed S -o DIR [--scans] [--formats pdf,png,tiff] [--dpi D]
//                     [--bilevel] [--first I]
// Writes, per letter NAME (letter-0001, ...):
//   NAME.pdf               born-digital PDF (Helvetica text, A4)
//   NAME.txt               page texts separated by form feeds (what the PDF says, for checks)
//   NAME.json              ground truth: people (the case's term list), every identifier with
//                          detector (type), text, page and offsets, and the files written
//   NAME.terms             the term list a caseworker would give (`name,role` lines)
// with --scans, degraded scans of the same letter (slight skew, noise), as chosen by --formats:
//   NAME-scan.pdf          image-only PDF (no text layer: OCR it, or redact by area)
//   NAME-scan-pN.png/.tif  one grey image per page
// Deterministic from the seed: the same seed and index give the same letter everywhere.
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/files.h"
#include "samples/generator/letter_pdf.h"
#include "samples/generator/letter_text.h"

namespace {

constexpr const char* kUsage =
    "usage: redbox-make-letters --count N --seed S -o DIR [--first I] [--scans]\n"
    "                           [--formats pdf,png,tiff] [--dpi 72-400] [--bilevel]\n"
    "  --count N      letters to write (1-100000)\n"
    "  --seed S       seed (0-2147483647): the same seed gives the same letters\n"
    "  -o, --out DIR  output folder (created)\n"
    "  --first I      index of the first letter (default 0): letters I .. I+N-1 of the stream\n"
    "  --scans        also write degraded scans of each letter\n"
    "  --formats LIST scan formats, comma-separated: pdf (image-only PDF), png, tiff (default pdf,png)\n"
    "  --dpi D        scan resolution (default 200)\n"
    "  --bilevel      black-and-white scans (G4 TIFF/PDF; much smaller) instead of 8-bit grey\n";

long parse_number(const std::string& option, const char* value, long min, long max) {
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (end == value || *end != '\0' || n < min || n > max)
    redbox::fail(redbox::Error::invalid_input(option + " must be a number from " + std::to_string(min) + " to " +
                                              std::to_string(max)));
  return n;
}

std::set<std::string> parse_formats(const std::string& list) {
  std::set<std::string> formats;
  for (std::size_t pos = 0; pos <= list.size();) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    std::string f = list.substr(pos, comma - pos);
    if (f == "tif") f = "tiff";
    if (f != "pdf" && f != "png" && f != "tiff")
      redbox::fail(redbox::Error::invalid_input("--formats: unknown scan format '" + f + "' (pdf, png, tiff)"));
    formats.insert(f);
    pos = comma + 1;
  }
  return formats;
}

int run(int argc, char** argv) {
  long count = -1, dpi = 200, first = 0;
  std::uint64_t seed = 0;
  bool seed_given = false, scans = false, bilevel = false;
  std::set<std::string> formats{"pdf", "png"};
  std::filesystem::path out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) redbox::fail(redbox::Error::invalid_input(arg + " needs a value"));
      return argv[++i];
    };
    if (arg == "--count") count = parse_number(arg, value(), 1, 100000);
    else if (arg == "--seed") { seed = static_cast<std::uint64_t>(parse_number(arg, value(), 0, 2147483647)); seed_given = true; }
    else if (arg == "--out" || arg == "-o") out = value();
    else if (arg == "--first") first = parse_number(arg, value(), 0, 10000000);
    else if (arg == "--scans") scans = true;
    else if (arg == "--bilevel") bilevel = true;
    else if (arg == "--formats") formats = parse_formats(value());
    else if (arg == "--dpi") dpi = parse_number(arg, value(), 72, 400);
    else if (arg == "--help" || arg == "-h") { std::cout << kUsage; return 0; }
    else redbox::fail(redbox::Error::invalid_input("unknown option " + arg));
  }
  if (count < 0 || !seed_given || out.empty()) redbox::fail(redbox::Error::invalid_input("--count, --seed and -o DIR are required"));
  redbox::ensure_directory(out).throw_if_error();
  for (long i = first; i < first + count; ++i) {
    const auto letter = redbox::letters::make_letter(seed, static_cast<std::size_t>(i));
    std::string text;
    for (std::size_t p = 0; p < letter.pages.size(); ++p) text += (p ? "\f" : "") + letter.pages[p];
    redbox::write_file_atomic(out / (letter.id + ".txt"), text).throw_if_error();
    std::string terms = "# " + letter.id + ": the case's names (name,role)\n";
    for (const auto& person : letter.people)
      terms += person.name + "," + (person.data_subject ? "data_subject" : "third_party") + "\n";
    redbox::write_file_atomic(out / (letter.id + ".terms"), terms).throw_if_error();
    nlohmann::json truth = nlohmann::json::parse(redbox::letters::ground_truth_json(letter));
    truth["seed"] = seed;
    truth["index"] = i;
    truth["files"] = {{"pdf", letter.id + ".pdf"}, {"text", letter.id + ".txt"}, {"terms", letter.id + ".terms"}};
    const std::string pdf = redbox::letters::letter_pdf(letter).value();
    redbox::write_file_atomic(out / (letter.id + ".pdf"), pdf).throw_if_error();
    if (scans) {
      const std::uint64_t scan_seed = seed ^ (static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL);
      redbox::letters::ScanOptions scan_options;
      scan_options.dpi = static_cast<int>(dpi);
      scan_options.seed = scan_seed;
      scan_options.bilevel = bilevel;
      scan_options.tiff = formats.count("tiff") > 0;
      auto scan = redbox::letters::degrade_to_scan(pdf, scan_options).value();
      nlohmann::json scan_files = {{"dpi", dpi}, {"skew_degrees", scan.skew_degrees}, {"bilevel", bilevel}};
      if (formats.count("pdf")) {
        redbox::write_file_atomic(out / (letter.id + "-scan.pdf"), scan.pdf).throw_if_error();
        scan_files["pdf"] = letter.id + "-scan.pdf";
      }
      for (std::size_t p = 0; p < scan.pngs.size(); ++p) {
        const std::string page = "-scan-p" + std::to_string(p + 1);
        if (formats.count("png")) {
          redbox::write_file_atomic(out / (letter.id + page + ".png"), scan.pngs[p]).throw_if_error();
          scan_files["png"].push_back(letter.id + page + ".png");
        }
        if (formats.count("tiff")) {
          redbox::write_file_atomic(out / (letter.id + page + ".tif"), scan.tiffs[p]).throw_if_error();
          scan_files["tiff"].push_back(letter.id + page + ".tif");
        }
      }
      truth["files"]["scan"] = scan_files;
    }
    redbox::write_file_atomic(out / (letter.id + ".json"), truth.dump(2) + "\n").throw_if_error();
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
