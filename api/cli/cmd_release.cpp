// redbox release DOC: applies a document's accepted marks, verifies and stores the redacted
// version paired with its source, with the redaction log and the requester schedule.
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "redaction/review.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage = R"(usage: redbox [--data DIR] [--json] release DOC [--label]

Applies the ACCEPTED marks of DOC to the exact version they were proposed on (true removal of
text, image pixels, annotations and metadata; a full rewrite), re-reads the output to verify
that nothing marked remains, then stores in one transaction:
  - a `redacted` version paired with (and derived from) that source version;
  - the redaction log (JSON: every mark, reviewer and time; salted hashes, never the text) and
    the requester schedule (CSV and PDF) as `derived` versions of the redacted one;
  - document metadata redaction_status = "released", and audit events.
Refused (exit 5) while any mark is still proposed, or when no mark is accepted (use
`redbox marks no-redaction-needed DOC`). If verification fails nothing is stored (exit 8).
--label prints each mark's reason code in white inside the boxes large enough for it.
Fetch the result with: redbox doc get DOC --version redacted -o OUT.pdf
)";

int run_release(CommandContext& ctx, const std::vector<std::string>& argv) {
  const ParsedArgs args = ArgParser().flag("label").parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().size() != 1) fail(Error::invalid_input("release needs exactly one document ID (see --help)"));
  storage::Store store = open_data_folder(ctx.global);
  const std::string& doc = args.positionals()[0];
  redaction::ReleaseOptions options;
  options.label = args.has("label");
  redaction::ReleaseResult r = redaction::release(store, doc, kCliActor, options).value();
  if (ctx.global.json) {
    nlohmann::json j = r.to_json();
    j["document"] = doc;
    ctx.out << j.dump() << "\n";
    return 0;
  }
  ctx.out << doc << ": released " << r.marks << " mark(s) on " << r.pages_with_marks << " of " << r.pages
          << " page(s), verified\n"
          << "  redacted version  " << r.redacted.id << "  (pair of " << storage::to_string(r.source.kind) << " "
          << r.source.id << ")\n"
          << "  redaction log     " << r.log.id << "\n"
          << "  schedule          " << r.schedule_csv.id << " (CSV), " << r.schedule_pdf.id << " (PDF)\n";
  if (!r.rasterised_pages.empty()) ctx.out << "  " << r.rasterised_pages.size() << " page(s) rasterised\n";
  ctx.out << "  get it: redbox doc get " << doc << " --version redacted -o " << doc << "-redacted.pdf\n";
  return 0;
}

const Registrar reg({"release", "Apply accepted marks and store the verified redacted version", kUsage, run_release});

}  // namespace
}  // namespace redbox::cli
