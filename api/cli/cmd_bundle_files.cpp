// redbox bundle-files: disclosure bundle parts (and optionally a ZIP package) from files.
// A thin shell over pipeline::BundleJob.
#include <iostream>

#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "common/files.h"
#include "pipeline/bundle.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox bundle-files IN... -o OUTDIR [options]\n"
    "\n"
    "Turns documents (PDFs, images) into a numbered, indexed disclosure bundle: parts named\n"
    "REF-part-01-of-NN.pdf that each fit the limits, manifest.json and README.txt.\n"
    "\n"
    "  -o, --output DIR        output folder (created if missing)\n"
    "  --ref REF               bundle reference, names the files (default: bundle)\n"
    "  --stamp PATTERN         page stamp, e.g. SAR-2026-0042-{page:06} ({page}, {page:N}, {ref})\n"
    "  --page-of-total         also stamp \"Page N of M\"\n"
    "  --index                 document index pages after the cover letter\n"
    "  --cover FILE            cover letter PDF placed first\n"
    "  --max-part-size SIZE    largest part, e.g. 10MB (measured on the written file)\n"
    "  --max-part-pages N      most pages in a part\n"
    "  --reencode-dpi N        resolution for images of a page too large alone (default 150)\n"
    "  --created TIME          creation time, e.g. 2026-11-23T09:00:00Z (default: newest input's\n"
    "                          modification time, so rebuilds are byte-identical)\n"
    "  --zip                   package everything as OUTDIR/REF.zip (instead of loose files)\n"
    "  --password-file F       encrypt the ZIP's entries with AES-256, password = F's first line\n"
    "\n"
    "Exit codes: 2 bad input or options, 4 input missing, 6 a page too large for the limit,\n"
    "7 encrypted input, 9 output folder not writable or disk full.\n";

int run_bundle_files(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.option("output", "o").option("ref").option("stamp").flag("page-of-total").flag("index").option("cover")
      .option("max-part-size").option("max-part-pages").option("reencode-dpi").option("created").flag("zip")
      .option("password-file");
  const ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().empty()) fail(Error::invalid_input("no input files given\n" + std::string(kUsage)));
  if (!args.get("output")) fail(Error::invalid_input("-o OUTDIR is required"));

  pipeline::BundleOptions o;
  for (const auto& in : args.positionals()) o.documents.push_back({in, "", ""});
  o.output_dir = *args.get("output");
  o.reference = args.get_or("ref", "bundle");
  o.stamp_pattern = args.get_or("stamp", "");
  o.page_of_total = args.has("page-of-total");
  o.index = args.has("index");
  if (auto c = args.get("cover")) o.cover = *c;
  if (auto s = args.get_size("max-part-size")) o.max_part_bytes = *s;
  if (auto n = args.get_int("max-part-pages")) {
    if (*n < 1 || *n > 1'000'000) fail(Error::invalid_input("--max-part-pages must be 1 or more"));
    o.max_part_pages = static_cast<int>(*n);
  }
  if (auto n = args.get_int("reencode-dpi")) o.reencode_dpi = static_cast<int>(*n);
  if (auto t = args.get("created")) {
    TimePoint tp;
    if (!parse_utc(*t, tp)) fail(Error::invalid_input("--created: expected e.g. 2026-11-23T09:00:00Z"));
    o.created = tp;
  }
  o.zip = args.has("zip");
  if (auto f = args.get("password-file")) {
    if (!o.zip) fail(Error::invalid_input("--password-file needs --zip"));
    o.zip_password = read_password_file(*f);
  }

  pipeline::BundleJob job(std::move(o));
  if (ctx.err_is_terminal) {
    job.on_progress([&ctx](const pipeline::BundleProgress& p) {
      ctx.err << "\rbundle: " << p.pages_done << "/" << p.pages_total << " pages, " << p.parts_written << " parts"
              << std::flush;
    });
  }
  auto result = job.run();
  if (ctx.err_is_terminal) ctx.err << "\n";
  if (!result) fail(result.error());

  if (ctx.global.json) {
    nlohmann::ordered_json j;
    j["reference"] = result->reference;
    j["created"] = result->created;
    j["total_pages"] = result->total_pages;
    auto& parts = j["parts"] = nlohmann::ordered_json::array();
    for (const auto& p : result->parts)
      parts.push_back({{"name", p.name}, {"bytes", p.bytes}, {"sha256", p.sha256}, {"pages", p.pages},
                       {"first_stamp", p.first_stamp}, {"last_stamp", p.last_stamp}});
    auto& outs = j["outputs"] = nlohmann::ordered_json::array();
    for (const auto& p : result->outputs) outs.push_back(p.string());
    ctx.out << j.dump(2) << "\n";
  } else {
    ctx.out << "bundle " << result->reference << ": " << result->total_pages << " pages in " << result->parts.size()
            << " parts\n";
    for (const auto& p : result->parts)
      ctx.out << "  " << p.name << "  " << p.pages << " pages  " << p.bytes << " bytes"
              << (p.first_stamp.empty() ? "" : "  " + p.first_stamp + " - " + p.last_stamp) << "\n";
    if (result->zip_path) ctx.out << "package: " << result->zip_path->string() << "\n";
  }
  return 0;
}

const Registrar reg({"bundle-files", "Build a stamped, indexed, size-limited disclosure bundle from files", kUsage,
                     run_bundle_files});

}  // namespace
}  // namespace redbox::cli
