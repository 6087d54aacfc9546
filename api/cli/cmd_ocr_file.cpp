// redbox ocr-file: scanned letters in, one searchable PDF (plus text and word geometry) out.
// No store needed.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "common/error.h"
#include "common/files.h"
#include "ocr/ocr_job.h"

namespace redbox::cli {
namespace {

namespace fs = std::filesystem;

const char* kUsage =
    "usage: redbox ocr-file IN... -o OUT.pdf [--text OUT.txt] [--words OUT.json] [--jobs N] [--lang eng]\n"
    "                     [--full-resolution]\n"
    "\n"
    "Recognises the text of scanned pages (PDF, multi-page TIFF, PNG, JPEG) and writes one\n"
    "searchable PDF with every input page in order: each original page is kept as it is and\n"
    "gets an invisible text layer over the printed words. Pages that already have text\n"
    "(born-digital pages) are not OCRed. Pages are turned upright and deskewed for recognition.\n"
    "Every input is checked first; if any is bad, each bad file is named with the reason and\n"
    "nothing is written.\n"
    "\n"
    "  -o, --output OUT.pdf     the searchable PDF (required)\n"
    "  --text OUT.txt           plain text in reading order, pages separated by form feeds\n"
    "  --words OUT.json         words with boxes (points, top-left origin) and confidence\n"
    "  --jobs N                 pages recognised in parallel (default: number of cores)\n"
    "  --lang LANGS             Tesseract languages, e.g. eng or eng+fra (default eng)\n"
    "  --password-file FILE     password of encrypted PDF inputs (first line of FILE)\n"
    "  --max-megapixels N       refuse embedded images larger than N million pixels (default 100)\n"
    "  --full-resolution        read every page at its scan resolution; by default a page whose\n"
    "                           print is large is read at a lower one (never below 150 dpi),\n"
    "                           which is faster and as accurate\n";

nlohmann::json summary_json(const ocr::OcrOptions& o, const ocr::OcrResult& r) {
  nlohmann::json pages = nlohmann::json::array();
  for (const auto& p : r.pages)
    pages.push_back({{"page", p.page},
                     {"source", p.source},
                     {"source_page", p.source_page},
                     {"ocred", p.ocred},
                     {"words", p.words.size()},
                     {"orientation", p.orientation},
                     {"skew", p.skew_degrees},
                     {"dpi", p.dpi},
                     {"recognition_dpi", p.recognition_dpi},
                     {"downsampled", p.downsampled},
                     {"seconds", p.seconds}});
  return {{"output", o.output_pdf.string()},
          {"pages", r.pages.size()},
          {"pages_ocred", r.pages_ocred},
          {"pages_with_text", r.pages_with_text},
          {"jobs", r.jobs},
          {"seconds", r.seconds},
          {"warnings", r.warnings},
          {"page_details", pages}};
}

int run_ocr_file(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.option("output", "o").option("text").option("words").option("jobs").option("lang");
  parser.option("password-file").option("max-megapixels").flag("full-resolution");
  ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().empty()) fail(Error::invalid_input("give at least one input file\n" + std::string(kUsage)));
  auto output = args.get("output");
  if (!output || output->empty()) fail(Error::invalid_input("-o OUT.pdf is required"));

  ocr::OcrOptions o;
  for (const auto& in : args.positionals()) o.inputs.emplace_back(in);
  o.output_pdf = *output;
  if (auto t = args.get("text")) o.text_path = fs::path(*t);
  if (auto w = args.get("words")) o.words_path = fs::path(*w);
  if (auto j = args.get_int("jobs")) {
    if (*j < 1 || *j > 64) fail(Error::invalid_input("--jobs must be between 1 and 64"));
    o.jobs = static_cast<int>(*j);
  }
  o.languages = args.get_or("lang", "eng");
  o.scale_to_print = !args.has("full-resolution");
  if (auto pw = args.get("password-file")) o.password = read_password_file(*pw);
  if (auto mp = args.get_int("max-megapixels")) {
    if (*mp < 1 || *mp > 10'000) fail(Error::invalid_input("--max-megapixels must be between 1 and 10000"));
    o.max_image_pixels = static_cast<std::uint64_t>(*mp) * 1'000'000;
  }
  if (ctx.err_is_terminal && !ctx.global.json) {
    o.progress = [&ctx](int done, int total) {
      ctx.err << "\rocr-file: page " << done << " of " << total << std::flush;
      if (done == total) ctx.err << "\n";
    };
  }

  ocr::OcrResult r = ocr::OcrJob(o).run().value();
  for (const auto& w : r.warnings) ctx.err << "ocr-file: warning: " << w << "\n";
  if (ctx.global.json) {
    ctx.out << summary_json(o, r).dump(2) << "\n";
    return 0;
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f", r.seconds);
  ctx.out << o.output_pdf.string() << ": " << r.pages.size() << " page(s), " << r.pages_ocred << " OCRed, "
          << r.pages_with_text << " with their own text, " << secs << " s on " << r.jobs << " worker(s)\n";
  for (const auto& p : r.pages) {
    if (p.downsampled)
      ctx.out << "  page " << p.page << " (" << p.source << " page " << p.source_page
              << "): recognised at reduced resolution (" << static_cast<int>(p.dpi) << " dpi) to stay within the pixel limit\n";
  }
  return 0;
}

const Registrar reg({"ocr-file", "OCR scans into a searchable PDF (plus text and word boxes)", kUsage, run_ocr_file});

}  // namespace
}  // namespace redbox::cli
