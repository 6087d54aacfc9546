// redbox marks: review a stored document's redaction marks (list, accept, reject, add areas,
// withhold pages, record that no redaction is needed).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/clock.h"
#include "redaction/review.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage = R"(usage: redbox [--data DIR] [--json] marks DOC [--text]
       redbox [--data DIR] [--json] marks accept|reject DOC (--mark ID... | --detector NAME | --term TEXT | --all)
       redbox [--data DIR] [--json] marks add-area DOC --page N --rect x0,y0,x1,y1 --reason CODE [--propose]
       redbox [--data DIR] [--json] marks withhold-page DOC --page N --reason CODE
       redbox [--data DIR] [--json] marks no-redaction-needed DOC

marks DOC             lists the marks: ID, status, page, detector, reason, masked preview.
                      --text also shows the text under each mark, re-read from the document
                      (a view of unredacted content, recorded in the audit log).
accept, reject        decide marks: by ID (--mark, repeatable; any mark), or in bulk among the
                      marks still PROPOSED: all of one --detector, all matches of one --term
                      (a name from the term list, or a matched value), or --all.
add-area              marks a rectangle (1-based page; PDF points from the page's top-left),
                      accepted by you unless --propose.
withhold-page         withholds a whole page (1-based), accepted by you.
no-redaction-needed   records the reviewer's decision that nothing in DOC needs redacting
                      (refused while marks are proposed or accepted): redaction_status
                      becomes "not-needed" and the document may be disclosed as it is.

Every decision is stored with its author and time, and in the audit log.
)";

int list(CommandContext& ctx, storage::Store& store, const std::string& doc, bool text) {
  redaction::ReviewState s = redaction::list_marks(store, doc, text, kCliActor).value();
  if (ctx.global.json) {
    ctx.out << s.to_json().dump() << "\n";
    return 0;
  }
  ctx.out << doc << ": " << s.marks.size() << " mark(s): " << s.proposed << " proposed, " << s.accepted
          << " accepted, " << s.rejected << " rejected";
  if (!s.redaction_status.empty()) ctx.out << "; redaction_status " << s.redaction_status;
  ctx.out << "\n";
  for (const auto& m : s.marks) {
    ctx.out << "  " << m.id << "  " << redaction::to_string(m.status) << "  page " << m.page + 1 << "  "
            << redaction::to_string(m.kind) << "  " << m.detector << "  " << m.reason;
    if (m.preview) ctx.out << "  [" << *m.preview << "]";
    if (m.text) ctx.out << "  \"" << *m.text << "\"";
    if (m.decided_by) ctx.out << "  by " << *m.decided_by;
    ctx.out << "\n";
  }
  return 0;
}

int decide(CommandContext& ctx, storage::Store& store, const std::string& doc, redaction::Decision d,
           const ParsedArgs& args) {
  redaction::MarkSelector sel;
  sel.mark_ids = args.all("mark");
  sel.detector = args.get("detector");
  sel.term = args.get("term");
  sel.all = args.has("all");
  redaction::DecisionResult r = redaction::decide_marks(store, doc, d, sel, kCliActor).value();
  if (ctx.global.json) {
    ctx.out << r.to_json().dump() << "\n";
    return 0;
  }
  ctx.out << doc << ": " << r.changed.size() << " mark(s) " << (d == redaction::Decision::accept ? "accepted" : "rejected");
  if (r.unchanged > 0) ctx.out << " (" << r.unchanged << " already so)";
  ctx.out << "\n";
  return 0;
}

int page_number(const ParsedArgs& args) {
  auto page = args.get_int("page");
  if (!page || *page < 1 || *page > 1000000) fail(Error::invalid_input("--page N (1-based) is required"));
  return static_cast<int>(*page - 1);
}

std::string reason_of(const ParsedArgs& args) {
  auto reason = args.get("reason");
  if (!reason || reason->empty()) fail(Error::invalid_input("--reason CODE is required (see redaction/reasons)"));
  return *reason;
}

void print_mark(CommandContext& ctx, const std::string& doc, const redaction::StoredMark& m) {
  if (ctx.global.json) {
    ctx.out << m.to_json().dump() << "\n";
  } else {
    ctx.out << doc << ": mark " << m.id << " (" << redaction::to_string(m.kind) << ", page " << m.page + 1 << ", "
            << redaction::to_string(m.status) << ")\n";
  }
}

int run_marks(CommandContext& ctx, const std::vector<std::string>& argv) {
  ArgParser parser;
  parser.flag("text").option("mark").option("detector").option("term").flag("all");
  parser.option("page").option("rect").option("reason").flag("propose");
  const ParsedArgs args = parser.parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  const auto& pos = args.positionals();
  if (pos.empty()) fail(Error::invalid_input("marks needs a document ID or a subcommand (see --help)"));
  static const std::vector<std::string> kSubcommands = {"accept", "reject", "add-area", "withhold-page",
                                                        "no-redaction-needed"};
  const bool is_sub = std::find(kSubcommands.begin(), kSubcommands.end(), pos[0]) != kSubcommands.end();
  const std::size_t want = is_sub ? 2 : 1;
  if (pos.size() != want) fail(Error::invalid_input("marks " + (is_sub ? pos[0] + " " : std::string()) + "needs exactly one document ID"));
  const std::string& doc = pos[want - 1];
  storage::Store store = open_data_folder(ctx.global);
  if (!is_sub) return list(ctx, store, doc, args.has("text"));
  const std::string& sub = pos[0];
  if (sub == "accept") return decide(ctx, store, doc, redaction::Decision::accept, args);
  if (sub == "reject") return decide(ctx, store, doc, redaction::Decision::reject, args);
  if (sub == "add-area") {
    auto rect = args.get("rect");
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    char tail = 0;
    if (!rect || std::sscanf(rect->c_str(), "%f,%f,%f,%f%c", &x0, &y0, &x1, &y1, &tail) != 4) {
      fail(Error::invalid_input("--rect x0,y0,x1,y1 (PDF points from the page's top-left) is required"));
    }
    redaction::AreaRequest a{page_number(args), {x0, y0, x1, y1}, reason_of(args), args.has("propose")};
    print_mark(ctx, doc, redaction::add_area_mark(store, doc, a, kCliActor).value());
    return 0;
  }
  if (sub == "withhold-page") {
    print_mark(ctx, doc, redaction::withhold_page(store, doc, page_number(args), reason_of(args), kCliActor).value());
    return 0;
  }
  redaction::mark_no_redaction_needed(store, doc, kCliActor).throw_if_error();
  if (ctx.global.json) ctx.out << nlohmann::json{{"document", doc}, {"redaction_status", "not-needed"}}.dump() << "\n";
  else ctx.out << doc << ": no redaction needed (recorded)\n";
  return 0;
}

const Registrar reg({"marks", "Review redaction marks: list, accept, reject, add areas", kUsage, run_marks});

}  // namespace
}  // namespace redbox::cli
