// redbox ingest FILE|DIR... [--split-on-blank] [--jobs N] [--lang eng]: intake of scanned post
// into the store as a persisted job, run to completion here.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "api/cli/job_progress.h"
#include "pipeline/intake.h"
#include "workflows/letter_intake.h"
#include "pipeline/jobs.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] ingest FILE|DIR... [--split-on-blank] [--jobs N] [--lang LANGS]\n"
    "                                            [--allow-duplicates]\n"
    "\n"
    "Stores each file (PDF, TIFF, PNG, JPEG; folders are walked) as a document: its original\n"
    "bytes, a searchable PDF (OCR text layer over the page images; pages that already carry\n"
    "text are not OCRed), its plain text and word geometry, its page count, and fields found\n"
    "in the text (dates, postcodes, e-mail addresses, phone numbers, reference numbers). Every\n"
    "page becomes searchable with `redbox search`.\n"
    "\n"
    "  --split-on-blank  each file is a scanned stack of letters separated by blank sheets:\n"
    "                    every letter becomes its own document, linked to the stack and the\n"
    "                    batch (the stack is kept too, as received).\n"
    "  --jobs N          OCR threads (default: the number of cores).\n"
    "  --lang LANGS      Tesseract languages, e.g. eng or eng+fra (default eng).\n"
    "  --allow-duplicates  store a file even when its exact bytes are already stored as a\n"
    "                    document (by default it is skipped and the document is named:\n"
    "                    running the same folder again stores only the new files).\n"
    "\n"
    "The work runs as a persisted job: if this command is killed, `redbox jobs run` (or the\n"
    "next `redbox ingest`) finishes the batch where it stopped, storing every page once.\n"
    "A file that cannot be ingested (damaged, encrypted, not a document) is reported and the\n"
    "others still go in; the exit code is then that of the first failure.\n"
    "Prints one line per document created: ID, pages, file name (JSON with --json).\n";

// Whether path lies inside folder (both resolved; a folder that does not exist holds nothing).
bool inside_folder(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code ec;
  const auto base = std::filesystem::weakly_canonical(folder, ec);
  if (ec || !std::filesystem::exists(base, ec)) return false;
  const auto full = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  auto [end, _] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  return end == base.end();
}

int run_ingest(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed = ArgParser().flag("split-on-blank").flag("allow-duplicates").option("jobs").option("lang").parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (parsed.positionals().empty()) fail(Error::invalid_input("ingest needs at least one FILE or folder (see --help)"));
  std::int64_t jobs = parsed.get_int("jobs").value_or(0);
  if (jobs < 0 || jobs > 64) fail(Error::invalid_input("--jobs must be from 1 to 64"));
  std::string languages = parsed.get_or("lang", "eng");
  if (languages.empty()) fail(Error::invalid_input("--lang needs a language, e.g. eng"));

  auto paths = pipeline::expand_intake_paths(parsed.positionals());
  if (!paths) fail(paths.error());
  pipeline::IntakeRequest request;
  // The data folder's own files (blobs, catalog) are never post: ingesting a folder that holds
  // it would store every blob again as a new document.
  std::size_t in_data_folder = 0;
  for (const auto& p : *paths) {
    if (inside_folder(p, ctx.global.data_dir)) {
      ++in_data_folder;
      continue;
    }
    request.inputs.push_back({p, {}});
  }
  if (in_data_folder > 0 && !ctx.global.json)
    ctx.err << "redbox: skipping " << in_data_folder << " file(s) inside the data folder " << ctx.global.data_dir.string()
            << "\n";
  if (request.inputs.empty()) fail(Error::invalid_input("no files to ingest outside the data folder"));
  request.split_on_blank = parsed.has("split-on-blank");
  request.allow_duplicates = parsed.has("allow-duplicates");
  request.jobs = static_cast<int>(jobs);
  request.languages = languages;
  request.source = "cli";

  storage::Store store = open_data_folder(ctx.global);
  pipeline::JobQueue queue(store);
  workflows::register_intake_with_case_letters(queue);  // intake, then letters of cases for the model
  // Batches a killed earlier run left behind are finished first (they resume, never repeat).
  queue.recover().throw_if_error();
  auto interrupted = queue.list(500, pipeline::JobState::queued);
  if (!interrupted) fail(interrupted.error());
  std::vector<std::string> resumed;
  for (const auto& j : *interrupted) {
    if (j.kind == pipeline::kIntakeJobKind) resumed.push_back(j.id);
  }
  auto job = queue.submit(pipeline::kIntakeJobKind, request.to_params(), kCliActor);
  if (!job) fail(job.error());
  if (!ctx.global.json) {
    for (const auto& id : resumed) ctx.err << "redbox: resuming interrupted intake job " << id << "\n";
    ctx.err << "redbox: intake job " << job->id << ": " << request.inputs.size() << " file(s)\n";
  }
  run_jobs_with_progress(ctx, queue, {pipeline::kIntakeJobKind}, job->id);

  int exit = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& id : [&] {
         std::vector<std::string> all = resumed;
         all.push_back(job->id);
         return all;
       }()) {
    auto finished = queue.get(id);
    if (!finished) fail(finished.error());
    int code = print_intake_job(ctx, *finished, id != job->id);
    if (exit == 0) exit = code;
    out.push_back(finished->to_json());
  }
  if (ctx.global.json) ctx.out << (out.size() == 1 ? out.front() : nlohmann::json{{"jobs", out}}).dump() << "\n";
  return exit;
}

const Registrar reg({"ingest", "OCR scanned post into stored, searchable documents", kUsage, run_ingest});

}  // namespace
}  // namespace redbox::cli
