// redbox bundle: a disclosure bundle from stored documents, as a persisted "bundle" job run in
// this process. A thin shell over pipeline/bundle_store.h.
#include <iostream>

#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/files.h"
#include "pipeline/bundle_store.h"
#include "pipeline/jobs.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] bundle DOC_ID... [options]\n"
    "\n"
    "Builds a numbered, indexed disclosure bundle from stored documents and stores it (parts,\n"
    "index, manifest, README and optionally a ZIP package) in the data folder. Each document\n"
    "contributes its latest released redacted version or, if a reviewer has marked it as\n"
    "needing no redaction (metadata redaction_status = not-needed), its searchable or original\n"
    "version. Any other document is refused, naming it, before any work is done (exit 5).\n"
    "\n"
    "  --ref REF               bundle reference, names the files (default: bundle)\n"
    "  --stamp PATTERN         page stamp, e.g. SAR-2026-0042-{page:06} ({page}, {page:N}, {ref})\n"
    "  --page-of-total         also stamp \"Page N of M\"\n"
    "  --index                 document index pages first\n"
    "  --order received|given  document order: by received date (default) or as given\n"
    "  --max-part-size SIZE    largest part, e.g. 10MB (measured on the written file)\n"
    "  --max-part-pages N      most pages in a part\n"
    "  --reencode-dpi N        resolution for images of a page too large alone (default 150)\n"
    "  --zip                   also build the ZIP package REF.zip\n"
    "  --password-file F       encrypt the ZIP's entries with AES-256, password = F's first line\n"
    "  -o, --output DIR        also write the bundle to DIR: the package with --zip, else the\n"
    "                          parts, index, README and manifest (each download is audited)\n"
    "\n"
    "Prints the bundle ID (the job ID): GET /api/v1/bundles/ID shows it over HTTP.\n"
    "Exit codes: 2 bad options, 4 unknown document, 5 a document not released, 6 a page too\n"
    "large for the limit, 8 stored data failed verification, 9 I/O error.\n";

pipeline::StoreBundleRequest request_from(const ParsedArgs& args) {
  pipeline::StoreBundleRequest r;
  r.document_ids = args.positionals();
  const std::string order = args.get_or("order", "received");
  if (order == "given") {
    r.order = pipeline::BundleOrder::given;
  } else if (order != "received") {
    fail(Error::invalid_input("--order must be received or given"));
  }
  r.reference = args.get_or("ref", "bundle");
  r.stamp_pattern = args.get_or("stamp", "");
  r.page_of_total = args.has("page-of-total");
  r.index = args.has("index");
  if (auto s = args.get_size("max-part-size")) r.max_part_bytes = *s;
  if (auto n = args.get_int("max-part-pages")) {
    if (*n < 1 || *n > 1'000'000) fail(Error::invalid_input("--max-part-pages must be 1 or more"));
    r.max_part_pages = static_cast<int>(*n);
  }
  if (auto n = args.get_int("reencode-dpi")) {
    if (*n < 36 || *n > 600) fail(Error::invalid_input("--reencode-dpi must be from 36 to 600"));
    r.reencode_dpi = static_cast<int>(*n);
  }
  r.zip = args.has("zip");
  return r;
}

int run_bundle(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.option("output", "o").option("ref").option("stamp").flag("page-of-total").flag("index").option("order")
      .option("max-part-size").option("max-part-pages").option("reencode-dpi").flag("zip").option("password-file");
  const ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().empty()) fail(Error::invalid_input("no document IDs given\n" + std::string(kUsage)));
  pipeline::StoreBundleRequest request = request_from(args);
  auto secrets = std::make_shared<pipeline::BundleSecrets>();
  if (auto f = args.get("password-file")) {
    if (!request.zip) fail(Error::invalid_input("--password-file needs --zip"));
    request.password_ref = secrets->put(read_password_file(*f));
  }
  request.validate().throw_if_error();

  storage::Store store = open_data_folder(ctx.global);
  // Refuse unreleased documents before any work (the job checks again when it runs).
  pipeline::resolve_released(*store.catalog, request.document_ids, request.order).value();

  std::function<void(const pipeline::BundleProgress&)> progress;
  if (ctx.err_is_terminal) {
    progress = [&ctx](const pipeline::BundleProgress& p) {
      const int width = 30;
      const int filled = p.pages_total > 0 ? width * p.pages_done / p.pages_total : 0;
      ctx.err << "\rbundle [" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << p.pages_done << "/"
              << p.pages_total << " pages, " << p.parts_written << " parts" << std::flush;
    };
  }
  pipeline::Job job;
  {
    pipeline::JobQueue queue(store);
    queue.register_handler(pipeline::kBundleJobKind, pipeline::make_bundle_handler(secrets, progress));
    job = queue.submit(pipeline::kBundleJobKind, request.to_json(), kCliActor).value();
    // Runs this job (and any other queued bundle job) here, then returns.
    queue.run_until_idle(1, {pipeline::kBundleJobKind}).throw_if_error();
    job = queue.get(job.id).value();
  }
  if (ctx.err_is_terminal) ctx.err << "\n";
  if (job.state != pipeline::JobState::done) {
    if (job.error) fail(*job.error);
    fail(Error::internal("bundle job " + job.id + " ended in state " + std::string(pipeline::to_string(job.state))));
  }
  pipeline::StoredBundle bundle = pipeline::find_bundle(*store.catalog, job.id).value();

  std::vector<std::filesystem::path> written;
  if (auto out = args.get("output")) written = pipeline::export_bundle(store, bundle, *out, request.zip, kCliActor).value();

  if (ctx.global.json) {
    nlohmann::json j = bundle.to_json();
    nlohmann::json files = nlohmann::json::array();
    for (const auto& p : written) files.push_back(p.string());
    j["written"] = files;
    ctx.out << j.dump(2) << "\n";
    return 0;
  }
  ctx.out << "bundle " << bundle.id << " (" << bundle.reference << "): " << bundle.total_pages << " pages\n";
  for (const auto& f : bundle.files) {
    if (f.role != "part") continue;
    ctx.out << "  " << f.name << "  " << f.pages << " pages  " << f.size << " bytes"
            << (f.first_stamp.empty() ? "" : "  " + f.first_stamp + " - " + f.last_stamp) << "\n";
  }
  if (const auto* package = bundle.package()) ctx.out << "package: " << package->name << "  " << package->size << " bytes\n";
  for (const auto& p : written) ctx.out << "wrote " << p.string() << "\n";
  return 0;
}

const Registrar reg({"bundle", "Build a disclosure bundle from stored, released documents", kUsage, run_bundle});

}  // namespace
}  // namespace redbox::cli
