// redbox draft: draft replies made of attributed fragments (workflows/draft_store.h).
// The CLI is the local operator ("cli", every role) unless --as USER names a catalog user, whose
// roles then apply exactly as over the API: refusals exit 3 and are audited (draft.refused).
#include <algorithm>
#include <cctype>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/files.h"
#include "workflows/case_store.h"
#include "workflows/draft_notify.h"
#include "workflows/draft_store.h"
#include "workflows/draft_templates.h"
#include "workflows/environment.h"

namespace redbox::cli {
namespace {

using namespace redbox::workflows;
namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: redbox draft SUBCOMMAND [OPTIONS]

A case's draft reply is an ordered list of fragments; every fragment keeps its versions, who
wrote them and where they came from. FRAGMENT is a fragment's ID or its position in the draft
(1 is the first, as `draft show` lists them); --position is 1-based too.

Subcommands:
  new CASE [--title T]                      start the case's draft
  show CASE [--revision N]                  the draft (at a revision) with each fragment's authors
  add CASE (--text T | --text-file F | --template ID [--template-version N] | --document DOC)
      [--title T] [--kind section|paragraph] [--position N]
                                            a fragment written here, from the template library,
                                            or imported from a document attached to the case
  edit CASE FRAGMENT (--text T | --text-file F)   a new version of a fragment
  revert CASE FRAGMENT --to VERSION         a new version with that version's text and authors
  move CASE FRAGMENT --position N           move a fragment
  remove CASE FRAGMENT                      take a fragment out of the draft (its history stays)
  versions CASE FRAGMENT                    every version: author, time, provenance
  blame CASE [--revision N]                 who wrote every word, in which version, when
  compare CASE --from N [--to N]            fragment and word changes between two revisions
  request CASE --user U --due DATE (--fragment F | --title T) [--instructions TEXT]
                                            ask someone for a fragment
  requests CASE                             contribution requests and their states
  submit CASE REQUEST [--text-file F]       the contributor hands in their fragment
  accept CASE REQUEST [--note N] | return CASE REQUEST --note N   the owner decides
  comment CASE (--fragment F [--words START-END] | --reply-to COMMENT) TEXT
                                            comment on a fragment or on words START..END-1
  comments CASE [--open]                    comment threads (--open: unresolved only)
  resolve CASE COMMENT                      resolve a thread
  reviewed CASE                             mark the current revision as reviewed
  export CASE --kind final|review [-o FILE] the clean letter or the reviewer's copy as PDF, stored
                                            as a version of the draft's export document
  template save ID (--text T | --text-file F) [--kind template|letter] [--name N] [--note N]
  template list | template show ID [--version N]
                                            the versioned library; placeholders such as {{mp}},
                                            {{reference}}, {{requester.name}}, {{due.long}}
  notify [--dry-run]                        send the contribution requests' notifications
                                            (config.json "notifications", as for cases)

Fragment text markup: blank lines between paragraphs, "# " heading, "- " bullets, "1. "
numbered items, *italic*, **bold**.

Options:
  --as USER           act as this catalog user instead of the local operator
  --bank-holidays F   the calendar (else <data>/bank-holidays.json, $REDBOX_BANK_HOLIDAYS, built-in)
  --json              machine-readable output
)";

struct Session {
  storage::Store store;
  CaseEnvironment env;
  Actor actor;
};

Session open_session(CommandContext& ctx, const ParsedArgs& args) {
  Session s{open_data_folder(ctx.global), {}, Actor::cli_operator(kCliActor)};
  std::optional<fs::path> cal;
  if (auto p = args.get("bank-holidays")) cal = *p;
  s.env = load_case_environment(s.store.root, s.store.config.raw, cal, {}).value();
  if (auto as = args.get("as")) {
    s.actor = CaseService(*s.store.catalog, s.env.types, s.env.calendar).actor_for(user_for_as(s.store, *as)).value();
  }
  return s;
}

const std::string& pos(const ParsedArgs& args, std::size_t i, const char* usage) {
  if (args.positionals().size() <= i) fail(Error::invalid_input(std::string("usage: redbox draft ") + usage));
  return args.positionals()[i];
}

// A fragment named on the command line: its ID ("frg_...") or its 1-based position in the
// draft as the caller sees it (what `draft show` lists).
std::string fragment_ref(const DraftService& svc, const Actor& a, const std::string& case_ref, const std::string& token) {
  if (token.empty() || !std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return token;
  const Draft d = svc.get(a, case_ref).value();
  const std::size_t n = token.size() > 6 ? 0 : std::stoul(token);
  if (n < 1 || n > d.fragments.size())
    fail(Error::not_found("no fragment at position " + token + " (the draft of " + case_ref + " has " +
                          std::to_string(d.fragments.size()) + ")"));
  return d.fragments[n - 1].id;
}

std::optional<int> int_opt(const ParsedArgs& args, const char* name) {
  auto v = args.get_int(name);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > 1000000) fail(Error::invalid_input(std::string("--") + name + " is out of range"));
  return static_cast<int>(*v);
}

// 1-based on the command line, 0-based in the service.
std::optional<int> position_opt(const ParsedArgs& args) {
  auto p = int_opt(args, "position");
  if (!p) return std::nullopt;
  if (*p < 1) fail(Error::invalid_input("--position is 1-based (1 is the first fragment)"));
  return *p - 1;
}

std::optional<std::string> text_opt(const ParsedArgs& args) {
  if (auto t = args.get("text")) return *t;
  if (auto f = args.get("text-file")) return read_file(*f, 1 << 20).value();
  return std::nullopt;
}

void print_draft(CommandContext& ctx, const Draft& d) {
  if (ctx.global.json) {
    ctx.out << d.to_json().dump() << "\n";
    return;
  }
  ctx.out << d.title << "  (" << d.id << ", " << d.context.reference << ")\n";
  ctx.out << "revision " << d.revision << " of " << d.latest_revision << "; last reviewed at " << d.reviewed_revision << "; your access: " << d.access
          << "\n";
  for (const auto& f : d.fragments) {
    std::string authors;
    for (const auto& a : f.authors) authors += (authors.empty() ? "" : ", ") + a;
    ctx.out << "\n" << (f.position + 1) << ". " << (f.title.empty() ? "(untitled)" : f.title) << "  [" << f.id << ", " << f.kind << ", version "
            << f.version.num << ", " << to_string(f.version.provenance) << "; by " << (authors.empty() ? "-" : authors) << "]\n";
    ctx.out << f.version.text << (f.version.text.empty() || f.version.text.back() == '\n' ? "" : "\n");
  }
}

void print_fragment(CommandContext& ctx, const Fragment& f) {
  if (ctx.global.json) {
    ctx.out << f.to_json().dump() << "\n";
    return;
  }
  ctx.out << f.id << " version " << f.version.num << " at position " << (f.position + 1) << " (draft revision " << f.version.revision << ")\n";
}

void print_request(CommandContext& ctx, const ContributionRequest& r) {
  if (ctx.global.json) {
    ctx.out << r.to_json().dump() << "\n";
    return;
  }
  ctx.out << r.id << "  " << to_string(r.state) << "  " << r.contributor << " for " << (r.fragment_title.empty() ? r.fragment_id : r.fragment_title)
          << " (" << r.fragment_id << "), due " << format_date(r.due) << (r.note.empty() ? "" : "; note: " + r.note) << "\n";
}

void print_comment(CommandContext& ctx, const DraftComment& c, const std::string& indent) {
  ctx.out << indent << c.id << "  " << c.author << " on " << c.fragment_id << " v" << c.fragment_version
          << (c.quote.empty() ? "" : " \"" + c.quote + "\"") << (c.resolved.empty() ? "" : "  [resolved by " + c.resolved_by + "]") << "\n"
          << indent << "  " << c.text << "\n";
  for (const auto& r : c.replies) print_comment(ctx, r, indent + "    ");
}

int run_template(CommandContext& ctx, Session& s, const ParsedArgs& args) {
  TemplateLibrary lib(*s.store.catalog);
  const std::string& sub = pos(args, 1, "template save|list|show");
  if (sub == "list") {
    auto ts = lib.list().value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& t : ts) j.push_back(t.to_json(false));
      ctx.out << j.dump() << "\n";
    } else {
      for (const auto& t : ts) ctx.out << t.id << "  v" << t.version << "  " << t.kind << "  " << t.name << "\n";
    }
    return 0;
  }
  if (sub == "show") {
    auto t = lib.get(pos(args, 2, "template show ID [--version N]"), int_opt(args, "version")).value();
    if (ctx.global.json) ctx.out << t.to_json().dump() << "\n";
    else ctx.out << t.id << " version " << t.version << " (" << t.kind << ", by " << t.created_by << " " << t.created << ")\n\n" << t.text << "\n";
    return 0;
  }
  if (sub == "save") {
    auto text = text_opt(args);
    if (!text) fail(Error::invalid_input("template save needs --text or --text-file"));
    auto t = lib.save(s.actor, pos(args, 2, "template save ID --text-file F"), args.get_or("kind", "template"), args.get_or("name", ""), *text,
                      args.get_or("note", ""))
                 .value();
    if (ctx.global.json) ctx.out << t.to_json(false).dump() << "\n";
    else ctx.out << "saved " << t.id << " version " << t.version << "\n";
    return 0;
  }
  fail(Error::invalid_input("unknown template subcommand '" + sub + "'"));
}

int run_notify(CommandContext& ctx, Session& s, const ParsedArgs& args) {
  auto settings = NotificationSettings::from_config(s.store.config.raw).value();
  auto chase = draft_chase_rule(s.store.config.raw).value();
  bool dry = args.has("dry-run");
  auto report = dispatch_draft_notifications(*s.store.catalog, s.env.calendar, settings, chase, SystemClock::instance().now(), !dry).value();
  if (ctx.global.json) {
    nlohmann::json m = nlohmann::json::array();
    for (const auto& n : report.messages) m.push_back({{"to", n.recipient}, {"event", n.event}, {"subject", n.subject}});
    ctx.out << nlohmann::json{{"deferred", report.deferred}, {"queued", report.queued}, {"messages", m}, {"no_address", report.no_address}}.dump()
            << "\n";
    return 0;
  }
  if (report.deferred) {
    ctx.out << "outside working hours: nothing sent; next run from " << format_utc(report.deliver_at) << "\n";
    return 0;
  }
  for (const auto& n : report.messages) ctx.out << (dry ? "would send to " : "sent to ") << n.recipient << ": " << n.subject << "\n";
  for (const auto& who : report.no_address) ctx.out << "no address for " << who << " (config.json notifications.addresses)\n";
  if (report.messages.empty()) ctx.out << "nothing to send\n";
  return 0;
}

int run_draft(CommandContext& ctx, const std::vector<std::string>& argv) {
  ParsedArgs args = ArgParser()
                        .option("as").option("bank-holidays").option("title").option("revision").option("text").option("text-file")
                        .option("template").option("template-version").option("document").option("kind").option("position")
                        .option("to").option("from").option("user").option("due").option("fragment").option("instructions")
                        .option("note").option("reply-to").option("words").option("out", "o").option("name").option("version")
                        .flag("open").flag("dry-run")
                        .parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().empty()) fail(Error::invalid_input("draft needs a subcommand (see redbox draft --help)"));
  const std::string sub = args.positionals()[0];
  Session s = open_session(ctx, args);
  if (sub == "template") return run_template(ctx, s, args);
  if (sub == "notify") return run_notify(ctx, s, args);
  DraftService svc(s.store, s.env.calendar);
  const Actor& a = s.actor;

  if (sub == "new") {
    print_draft(ctx, svc.create(a, pos(args, 1, "new CASE [--title T]"), args.get_or("title", "")).value());
  } else if (sub == "show") {
    print_draft(ctx, svc.get(a, pos(args, 1, "show CASE"), int_opt(args, "revision")).value());
  } else if (sub == "add") {
    const std::string& ref = pos(args, 1, "add CASE (--text T | --text-file F | --template ID | --document DOC)");
    if (auto t = args.get("template")) {
      print_fragment(ctx, svc.add_from_template(a, ref, *t, int_opt(args, "template-version"), position_opt(args)).value());
    } else if (auto d = args.get("document")) {
      print_fragment(ctx, svc.import_document(a, ref, *d, args.get_or("title", ""), position_opt(args)).value());
    } else {
      auto text = text_opt(args);
      if (!text) fail(Error::invalid_input("add needs --text, --text-file, --template or --document"));
      NewFragment f;
      f.title = args.get_or("title", "");
      f.kind = args.get_or("kind", "paragraph");
      f.text = *text;
      f.position = position_opt(args);
      print_fragment(ctx, svc.add_fragment(a, ref, f).value());
    }
  } else if (sub == "edit") {
    auto text = text_opt(args);
    if (!text) fail(Error::invalid_input("edit needs --text or --text-file"));
    print_fragment(ctx, svc.edit_fragment(a, pos(args, 1, "edit CASE FRAGMENT --text-file F"), fragment_ref(svc, a, pos(args, 1, "edit CASE FRAGMENT --text-file F"), pos(args, 2, "edit CASE FRAGMENT --text-file F")), *text).value());
  } else if (sub == "revert") {
    auto to = int_opt(args, "to");
    if (!to) fail(Error::invalid_input("revert needs --to VERSION"));
    print_fragment(ctx, svc.revert_fragment(a, pos(args, 1, "revert CASE FRAGMENT --to V"), fragment_ref(svc, a, pos(args, 1, "revert CASE FRAGMENT --to V"), pos(args, 2, "revert CASE FRAGMENT --to V")), *to).value());
  } else if (sub == "move") {
    auto p = position_opt(args);
    if (!p) fail(Error::invalid_input("move needs --position N (1 is first)"));
    print_draft(ctx, svc.move_fragment(a, pos(args, 1, "move CASE FRAGMENT --position N"), fragment_ref(svc, a, pos(args, 1, "move CASE FRAGMENT --position N"), pos(args, 2, "move CASE FRAGMENT --position N")), *p).value());
  } else if (sub == "remove") {
    print_draft(ctx, svc.remove_fragment(a, pos(args, 1, "remove CASE FRAGMENT"), fragment_ref(svc, a, pos(args, 1, "remove CASE FRAGMENT"), pos(args, 2, "remove CASE FRAGMENT"))).value());
  } else if (sub == "versions") {
    auto vs = svc.versions(a, pos(args, 1, "versions CASE FRAGMENT"), fragment_ref(svc, a, pos(args, 1, "versions CASE FRAGMENT"), pos(args, 2, "versions CASE FRAGMENT"))).value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& v : vs) j.push_back(v.to_json());
      ctx.out << j.dump() << "\n";
    } else {
      for (const auto& v : vs) {
        ctx.out << "v" << v.num << "  " << v.author << "  " << v.created << "  " << to_string(v.provenance)
                << (v.source.empty() ? "" : " " + v.source.dump()) << "  (draft revision " << v.revision << ")\n";
      }
    }
  } else if (sub == "blame") {
    auto b = svc.blame(a, pos(args, 1, "blame CASE"), int_opt(args, "revision")).value();
    ctx.out << (ctx.global.json ? b.to_json().dump() + "\n" : b.report());
  } else if (sub == "compare") {
    const std::string& ref = pos(args, 1, "compare CASE --from N [--to N]");
    auto from = int_opt(args, "from");
    if (!from) fail(Error::invalid_input("compare needs --from REVISION"));
    auto to = int_opt(args, "to");
    if (!to) to = svc.get(a, ref).value().latest_revision;
    auto c = svc.compare(a, ref, *from, *to).value();
    ctx.out << (ctx.global.json ? c.to_json().dump() + "\n" : c.report());
  } else if (sub == "request") {
    NewRequest r;
    auto user = args.get("user");
    auto due = args.get("due");
    if (!user || !due) fail(Error::invalid_input("request needs --user USER and --due DATE"));
    r.contributor = *user;
    r.due = parse_date(*due, "--due").value();
    if (auto f = args.get("fragment")) r.fragment_id = fragment_ref(svc, a, pos(args, 1, "request CASE --user U --due DATE"), *f);
    r.fragment_title = args.get_or("title", "");
    r.instructions = args.get_or("instructions", "");
    print_request(ctx, svc.request_contribution(a, pos(args, 1, "request CASE --user U --due DATE"), r).value());
  } else if (sub == "requests") {
    auto rs = svc.requests(a, pos(args, 1, "requests CASE")).value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& r : rs) j.push_back(r.to_json());
      ctx.out << j.dump() << "\n";
    } else {
      for (const auto& r : rs) print_request(ctx, r);
    }
  } else if (sub == "submit") {
    std::optional<std::string> text;
    if (auto f = args.get("text-file")) text = read_file(*f, 1 << 20).value();
    print_request(ctx, svc.submit(a, pos(args, 1, "submit CASE REQUEST"), pos(args, 2, "submit CASE REQUEST"), text).value());
  } else if (sub == "accept") {
    print_request(ctx, svc.accept(a, pos(args, 1, "accept CASE REQUEST"), pos(args, 2, "accept CASE REQUEST"), args.get_or("note", "")).value());
  } else if (sub == "return") {
    print_request(ctx, svc.return_request(a, pos(args, 1, "return CASE REQUEST --note N"), pos(args, 2, "return CASE REQUEST --note N"),
                                          args.get_or("note", ""))
                           .value());
  } else if (sub == "comment") {
    NewComment c;
    if (auto f = args.get("fragment")) c.fragment_id = fragment_ref(svc, a, pos(args, 1, "comment CASE --fragment F TEXT"), *f);
    c.parent_id = args.get_or("reply-to", "");
    if (auto w = args.get("words")) {
      auto dash = w->find('-');
      if (dash == std::string::npos) fail(Error::invalid_input("--words START-END (word numbers from 0, END exclusive)"));
      try {
        c.start_word = std::stoi(w->substr(0, dash));
        c.end_word = std::stoi(w->substr(dash + 1));
      } catch (const std::exception&) {
        fail(Error::invalid_input("--words START-END: whole numbers expected"));
      }
    }
    c.text = pos(args, 2, "comment CASE --fragment F TEXT");
    auto made = svc.add_comment(a, pos(args, 1, "comment CASE --fragment F TEXT"), c).value();
    if (ctx.global.json) ctx.out << made.to_json().dump() << "\n";
    else ctx.out << "commented " << made.id << "\n";
  } else if (sub == "comments") {
    auto cs = svc.comments(a, pos(args, 1, "comments CASE"), !args.has("open")).value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& c : cs) j.push_back(c.to_json());
      ctx.out << j.dump() << "\n";
    } else {
      for (const auto& c : cs) print_comment(ctx, c, "");
    }
  } else if (sub == "resolve") {
    auto c = svc.resolve_comment(a, pos(args, 1, "resolve CASE COMMENT"), pos(args, 2, "resolve CASE COMMENT")).value();
    if (ctx.global.json) ctx.out << c.to_json().dump() << "\n";
    else ctx.out << "resolved " << c.id << "\n";
  } else if (sub == "reviewed") {
    print_draft(ctx, svc.mark_reviewed(a, pos(args, 1, "reviewed CASE")).value());
  } else if (sub == "export") {
    auto kind = args.get("kind");
    if (!kind) fail(Error::invalid_input("export needs --kind final or --kind review"));
    auto e = svc.export_pdf(a, pos(args, 1, "export CASE --kind final|review"), *kind).value();
    if (auto out = args.get("out")) write_file_atomic(*out, e.pdf).throw_if_error();
    if (ctx.global.json) {
      ctx.out << nlohmann::json{{"kind", e.kind}, {"revision", e.revision}, {"document", e.document_id}, {"version", e.version.id},
                                {"sha256", e.version.sha256}}
                     .dump()
              << "\n";
    } else {
      ctx.out << "stored the " << (e.kind == "final" ? "final letter" : "reviewer's copy") << " of revision " << e.revision << " as " << e.document_id
              << " version " << e.version.id << (args.get("out") ? " and wrote " + *args.get("out") : "") << "\n";
    }
  } else {
    fail(Error::invalid_input("unknown draft subcommand '" + sub + "' (see redbox draft --help)"));
  }
  return 0;
}

const Registrar reg({"draft", "draft replies made of attributed fragments", kUsage, run_draft});

}  // namespace
}  // namespace redbox::cli
