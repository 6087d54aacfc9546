// redbox redact DOC --propose: runs the detectors over a stored document and stores what they
// find as proposed redaction marks for review (see `redbox marks`, `redbox release`).
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/files.h"
#include "redaction/review.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage = R"(usage: redbox [--data DIR] [--json] redact DOC --propose [--detect uk-pii] [--terms FILE]
                                        [--regex RE]... [--reason CODE]

Finds personal data in a stored document and stores every match as a PROPOSED mark (page, area,
detector, reason) for a caseworker or reviewer to accept or reject. The document's searchable
version is used when it has one (a scan's OCR text layer), else its original. Proposing again
adds only new matches. Marks keep a masked preview and a salted hash, never the text itself.

  --propose        required: store proposals (nothing is removed until `redbox release DOC`)
  --detect uk-pii  the built-in UK detectors (e-mail, phone, postcode, NI and NHS numbers,
                   dates of birth, bank and card numbers, IBAN, passport, IP, vehicle, references)
  --terms FILE     names to find: one a line, `name[,role[,reason]]` (role data_subject or
                   third_party), or a JSON array; matched with common variants
  --regex RE       an extra RE2 pattern (repeatable)
  --reason CODE    default reason code (from redaction/reasons/reason_codes.txt)

Next: redbox marks DOC; redbox marks accept|reject DOC ...; redbox release DOC.
)";

int run_redact(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.flag("propose").option("detect").option("terms").option("regex").option("reason");
  const ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().size() != 1) fail(Error::invalid_input("redact needs exactly one document ID (see --help)"));
  if (!args.has("propose")) {
    fail(Error::invalid_input("redact stores proposals only: add --propose (release with `redbox release DOC`; "
                              "files outside the store: `redbox redact-file`)"));
  }
  redaction::ProposeOptions options;
  for (const std::string& d : args.all("detect")) {
    if (d != "uk-pii") fail(Error::invalid_input("--detect knows only uk-pii, got '" + d + "'"));
    options.uk_pii = true;
  }
  options.regexes = args.all("regex");
  options.reason = args.get_or("reason", "");
  if (auto terms = args.get("terms")) {
    auto content = read_file(*terms, 64 << 20);
    if (!content) fail(content.error().within(*terms));
    options.terms = redaction::parse_terms(*content, *terms).value();
  }
  storage::Store store = open_data_folder(ctx.global);
  const std::string& doc = args.positionals()[0];
  redaction::ProposeResult r = redaction::propose_marks(store, doc, options, kCliActor).value();
  if (ctx.global.json) {
    nlohmann::json j = r.to_json();
    j["document"] = doc;
    ctx.out << j.dump() << "\n";
    return 0;
  }
  ctx.out << doc << ": " << r.added << " new proposed mark(s) on version " << r.version_id << " (" << r.found
          << " match(es), " << r.duplicates << " already proposed)\n";
  for (const auto& [detector, n] : r.by_detector) ctx.out << "  " << detector << ": " << n << "\n";
  for (const auto& note : r.page_notes) ctx.out << "  page " << note.page + 1 << ": " << note.note << "\n";
  return 0;
}

const Registrar reg({"redact", "Propose redaction marks for a stored document", kUsage, run_redact});

}  // namespace
}  // namespace redbox::cli
