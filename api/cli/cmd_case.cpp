// redbox case: log, triage, move, sign off and report on cases (workflows/case_store.h).
// The CLI is the local operator ("cli", every role) unless --as USER names a catalog user, whose
// roles (plus grants) then apply exactly as over the API: refusals exit 3 and are audited.
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "common/files.h"
#include "workflows/case_letters.h"
#include "workflows/case_store.h"
#include "workflows/environment.h"
#include "workflows/letter_intake.h"
#include "workflows/letter_model.h"
#include "workflows/notify_dispatch.h"
#include "workflows/text_pdf.h"

namespace redbox::cli {
namespace {

using namespace redbox::workflows;
namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: redbox case SUBCOMMAND [OPTIONS]

Subcommands:
  new --type T [--received DATE] [--division D] [--named-day DATE] [--name N] [--address A]
      [--email E] [--postcode P] [--mp M] [--topic T] [--team T] [--owner USER]
      [--document DOC_ID]... [--file PATH]... [--related CASE]...
                                log a case (files are added to the store and linked); a lapsed
                                case of the same requester is linked as its predecessor
  show CASE                     the case, who holds it and since when, its deadline and why
  list [--team T] [--holder H] [--type T] [--stage S] [--due-before DATE] [--all]
       [--limit N] [--cursor C] open cases by deadline (--all: closed too)
  history CASE                  every change, oldest first
  move CASE TRANSITION [--reason R] [--comment C] [--to USER] [--on DATE] [--document DOC]
                                any transition the case type declares from the current stage
  triage CASE accept|reject|transfer|clarify [--reason R] [--transfer-to WHERE] [--to USER]
         [--letter-out FILE]    (.pdf or text) the letter to the requester for reject/transfer/clarify
  clarify CASE --reason R [--on DATE] [--letter-out FILE]
                                ask for clarification: the clock stops (on DATE, default today)
  reply CASE [--on DATE] [--document DOC] [--file PATH]
                                clarification received: the clock resumes
  close-lapsed [--after-days N] close cases awaiting clarification longer than N days
                                (default: config.json cases.clarification_lapse_days, else 60)
  escalate CASE --reason R      complaint escalation: opens the next stage as a linked case
  sign-off CASE [--comment C] [--to USER]   approve the current sign-off step (a case waiting in
                                a pool must be taken first, unless the actor was named)
  take CASE                     take a case from a sign-off pool (role:reviewer at QA...): the
                                actor holds it and may then sign off or return it
  return CASE --reason R        return for corrections (with the comments as the reason)
  allocate CASE [--to USER]     allocate (suggested from the topic directory without --to)
  accept CASE | decline CASE --reason R     the official accepts or declines an allocation
  reallocate CASE --to USER --reason R [--team T]   in one step, across teams and divisions
  contribute CASE --user USER [--what TEXT]  ask someone to contribute (they can then see it)
  comment CASE TEXT             add a comment to the history
  link CASE (--document DOC [--purpose P] | --case OTHER [--kind K])
  extend CASE --reason R        apply the type's deadline extension
  letter CASE KIND [--out FILE] transfer, clarification, rejection or acknowledgement letter
  same-requester [--name N] [--email E] [--postcode P] [--address A]   earlier cases
  record-letters CASE           learn from the case's attached letters using their intake text
                                (done automatically when documents are attached and by intake)
  record-letter CASE --document DOC --text-file F
                                learn from a letter's text (its OCR output): near-duplicate
                                signature, and the case topic's word counts
  similar --text-file F [--threshold 0.5]   earlier letters that are near-duplicates
  suggest-topic --text-file F   topics for a letter, with confidence (history, else keywords)
  notify [--dry-run]            send the notifications due (events since the last run; once a day
                                due-soon and overdue reminders) by SMTP, inside working hours
                                (config.json "notifications"; --dry-run only lists them); also
                                chases the holder of each case's action every N working days and
                                escalates after the type's last chase (each step sent once)
  notifications [--pending] [--case CASE] [--limit N]
                                notifications sent (newest first), or --pending: what a run
                                would send whatever the hour; with --case also where chasing stands
  recompute-deadlines           recompute open cases' deadlines (after a calendar change)
  grant USER ROLE | revoke USER ROLE   workflow roles beyond the user's own (team_leader,
                                private_office, reviewer...); admin only

Options:
  --as USER           act as this catalog user (their roles and visibility) instead of the
                      local operator
  --bank-holidays F   the calendar (else <data>/bank-holidays.json, $REDBOX_BANK_HOLIDAYS, built-in)
  --case-types DIR    more case type files (repeatable)
  --json              machine-readable output
)";

struct Session {
  storage::Store store;
  CaseEnvironment env;
  Actor actor;
  std::unique_ptr<CaseService> service;
};

Session open_session(CommandContext& ctx, const ParsedArgs& args) {
  Session s{open_data_folder(ctx.global), {}, Actor::cli_operator(kCliActor), nullptr};
  std::optional<fs::path> cal;
  if (auto p = args.get("bank-holidays")) cal = *p;
  std::vector<fs::path> dirs;
  for (const auto& d : args.all("case-types")) dirs.emplace_back(d);
  s.env = load_case_environment(s.store.root, s.store.config.raw, cal, dirs).value();
  s.service = std::make_unique<CaseService>(*s.store.catalog, s.env.types, s.env.calendar);
  if (auto as = args.get("as")) {
    s.actor = s.service->actor_for(user_for_as(s.store, *as)).value();
  }
  return s;
}

std::optional<Date> date_opt(const ParsedArgs& args, const char* name) {
  auto v = args.get(name);
  if (!v) return std::nullopt;
  return parse_date(*v, std::string("--") + name).value();
}

const std::string& case_arg(const ParsedArgs& args, const char* usage) {
  if (args.positionals().size() < 2) fail(Error::invalid_input(std::string("usage: redbox case ") + usage));
  return args.positionals()[1];
}

std::string required(const ParsedArgs& args, const char* name, const char* why) {
  auto v = args.get(name);
  if (!v || v->empty()) fail(Error::invalid_input(std::string("--") + name + " is required: " + why));
  return *v;
}

std::vector<std::string> add_files(Session& s, const ParsedArgs& args) {
  std::vector<std::string> ids = args.all("document");
  auto files = args.all("file");
  if (!files.empty()) {
    std::vector<fs::path> paths(files.begin(), files.end());
    storage::AddFileOptions o;
    o.source = "cli";
    o.max_bytes = s.store.config.max_upload_bytes;
    std::vector<storage::Document> added = storage::add_files(s.store, paths, o, s.actor.name).value();
    for (const auto& d : added) ids.push_back(d.id);
  }
  return ids;
}

// After documents were attached: learn from the letters whose text exists now (intake records
// the others when it finishes them). The case change is committed; a failure here is a warning.
void record_letters(Session& s, CommandContext& ctx, const std::string& case_id) {
  auto sync = record_case_letters(s.store, s.actor.name, case_id);
  if (!sync) {
    ctx.err << "redbox: warning: the letters of " << case_id << " were not recorded for similar letters and topics: "
            << sync.error().message << "\n";
    return;
  }
  if (!ctx.global.json) {
    for (const auto& d : sync->recorded) ctx.err << "recorded the text of " << d << " for similar letters and topics\n";
    for (const auto& d : sync->waiting) ctx.err << d << " has no text yet: it is recorded when intake has read it\n";
  }
}

void print_case(CommandContext& ctx, const Case& c) {
  if (ctx.global.json) {
    ctx.out << c.to_json().dump() << "\n";
    return;
  }
  auto& o = ctx.out;
  o << c.reference << "  (" << c.id << ")\n";
  o << "type: " << c.type << "   stage: " << c.stage << (c.closed ? "  [closed: " + c.outcome + "]" : "") << "\n";
  o << "received: " << format_date(c.received) << "   division: " << to_string(c.division) << "\n";
  o << "due: " << format_date(c.due) << (c.due_time.empty() ? "" : " " + c.due_time) << (c.extended ? " (extended)" : "")
    << (c.paused_since ? "   clock stopped since " + format_date(*c.paused_since) : "") << "\n";
  if (!c.requester.name.empty()) o << "requester: " << c.requester.name << "\n";
  if (!c.mp.empty()) o << "MP: " << c.mp << "\n";
  if (!c.topic.empty() || !c.team.empty()) o << "topic: " << c.topic << "   team: " << c.team << "\n";
  if (!c.owner.empty()) o << "owner: " << c.owner << (c.allocation.empty() ? "" : " (" + c.allocation + ")") << "\n";
  if (!c.holder.empty()) o << "held by: " << c.holder << " since " << c.holder_since << ": " << c.action_needed << "\n";
  for (const auto& l : c.links) o << "linked: " << l.kind << " " << l.reference << "\n";
  for (const auto& d : c.documents) o << "document: " << d.document_id << " (" << d.purpose << ")\n";
  o << "deadline: " << c.deadline.value("rule", std::string()) << "\n";
  if (c.deadline.contains("explanation")) {
    for (const auto& line : c.deadline["explanation"]) o << "  " << line.get<std::string>() << "\n";
  }
  if (c.deadline.contains("milestones")) {
    for (const auto& m : c.deadline["milestones"]) o << "milestone: " << m["name"].get<std::string>() << " " << m["due"].get<std::string>() << "\n";
  }
}

void print_result(CommandContext& ctx, const TransitionResult& r) {
  if (ctx.global.json) {
    nlohmann::json j = r.updated.to_json();
    if (r.created) j["created_case"] = r.created->to_json();
    ctx.out << j.dump() << "\n";
    return;
  }
  ctx.out << r.updated.reference << ": " << r.updated.stage << (r.updated.closed ? " (closed: " + r.updated.outcome + ")" : "")
          << ", held by " << (r.updated.holder.empty() ? "nobody" : r.updated.holder) << ", due " << format_date(r.updated.due)
          << "\n";
  if (r.created) ctx.out << "opened " << r.created->reference << " (" << r.created->type << ")\n";
}

void write_letter(Session& s, const std::string& ref, const std::string& kind, const std::string& out, CommandContext& ctx) {
  std::string text = s.service->letter(s.actor, ref, kind).value();
  if (out.empty()) {
    ctx.out << text;
    return;
  }
  bool pdf = out.size() > 4 && out.substr(out.size() - 4) == ".pdf";
  write_file_atomic(out, pdf ? text_to_pdf(text, kind + " letter " + ref) : text).throw_if_error();
  if (!ctx.global.json) ctx.out << "wrote the " << kind << " letter to " << out << "\n";
}

int run_case(CommandContext& ctx, const std::vector<std::string>& argv) {
  ParsedArgs args = ArgParser()
                        .option("as").option("bank-holidays").option("case-types")
                        .option("type").option("received").option("division").option("named-day").option("name")
                        .option("address").option("email").option("postcode").option("mp").option("topic").option("team")
                        .option("owner").option("document").option("file").option("related").option("reason")
                        .option("comment").option("to").option("on").option("transfer-to").option("letter-out")
                        .option("after-days").option("holder").option("stage").option("due-before").option("limit")
                        .option("cursor").option("user").option("what").option("purpose").option("case").option("kind")
                        .option("out").option("text-file").option("threshold").flag("all").flag("dry-run").flag("pending")
                        .parse(argv);
  if (args.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (args.positionals().empty()) fail(Error::invalid_input("case needs a subcommand (see redbox case --help)"));
  const std::string sub = args.positionals()[0];
  Session s = open_session(ctx, args);
  CaseService& svc = *s.service;

  if (sub == "new") {
    NewCase n;
    n.type = required(args, "type", "the case type (redbox calendar types lists them)");
    n.received = date_opt(args, "received");
    if (auto d = args.get("division")) n.division = parse_division(*d).value();
    n.named_day = date_opt(args, "named-day");
    n.requester = {args.get_or("name", ""), args.get_or("address", ""), args.get_or("email", ""), args.get_or("postcode", "")};
    n.mp = args.get_or("mp", "");
    n.topic = args.get_or("topic", "");
    n.team = args.get_or("team", "");
    n.owner = args.get_or("owner", "");
    n.related = args.all("related");
    n.documents = add_files(s, args);
    Case c = svc.create(s.actor, n).value();
    if (!n.documents.empty()) record_letters(s, ctx, c.id);
    auto matches = svc.same_requester(s.actor, c.requester, c.id).value();
    if (ctx.global.json) {
      nlohmann::json j = c.to_json();
      nlohmann::json m = nlohmann::json::array();
      for (const auto& x : matches) m.push_back({{"case", x.case_id}, {"reference", x.reference}, {"type", x.type}, {"matched_on", x.matched_on}});
      j["same_requester"] = m;
      ctx.out << j.dump() << "\n";
    } else {
      ctx.out << "logged " << c.reference << " (" << c.id << "), due " << format_date(c.due) << "\n";
      for (const auto& x : matches) {
        std::string on;
        for (const auto& w : x.matched_on) on += (on.empty() ? "" : ", ") + w;
        ctx.out << "same requester: " << x.reference << " (" << x.type << ", " << (x.closed ? "closed " + x.outcome : x.stage)
                << "; matched on " << on << ")\n";
      }
    }
    return 0;
  }
  if (sub == "show") {
    print_case(ctx, svc.get(s.actor, case_arg(args, "show CASE")).value());
    return 0;
  }
  if (sub == "list") {
    CaseFilter f;
    f.team = args.get("team");
    f.holder = args.get("holder");
    f.type = args.get("type");
    f.stage = args.get("stage");
    f.open_only = !args.has("all");
    f.due_before = date_opt(args, "due-before");
    if (auto l = args.get_int("limit")) f.limit = static_cast<std::size_t>(std::max<std::int64_t>(1, *l));
    f.cursor = args.get("cursor");
    CasePage page = svc.list(s.actor, f).value();
    if (ctx.global.json) {
      nlohmann::json cases = nlohmann::json::array();
      for (const auto& c : page.cases) cases.push_back(c.to_json(false));
      ctx.out << nlohmann::json{{"cases", cases}, {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr)}}.dump()
              << "\n";
    } else {
      for (const auto& c : page.cases) {
        ctx.out << format_date(c.due) << "  " << c.reference << "  " << c.type << "  " << c.stage << "  " << c.team << "  "
                << c.holder << "\n";
      }
      if (page.next_cursor) ctx.out << "more: --cursor '" << *page.next_cursor << "'\n";
    }
    return 0;
  }
  if (sub == "history") {
    auto events = svc.history(s.actor, case_arg(args, "history CASE")).value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& e : events) j.push_back(e.to_json());
      ctx.out << nlohmann::json{{"events", j}}.dump() << "\n";
    } else {
      for (const auto& e : events) {
        ctx.out << e.time << "  " << e.actor << (e.role.empty() ? "" : " (" + e.role + ")") << "  " << e.action;
        if (!e.from_stage.empty() || !e.to_stage.empty()) ctx.out << "  " << e.from_stage << " -> " << e.to_stage;
        if (!e.reason.empty()) ctx.out << "  reason: " << e.reason;
        if (e.details.contains("comment")) ctx.out << "  comment: " << e.details["comment"].get<std::string>();
        ctx.out << "\n";
      }
    }
    return 0;
  }
  if (sub == "move") {
    if (args.positionals().size() != 3) fail(Error::invalid_input("usage: redbox case move CASE TRANSITION [--reason R]"));
    TransitionRequest r;
    r.transition = args.positionals()[2];
    r.reason = args.get_or("reason", "");
    r.comment = args.get_or("comment", "");
    r.assignee = args.get_or("to", "");
    r.on = date_opt(args, "on");
    r.documents = add_files(s, args);
    auto moved = svc.transition(s.actor, args.positionals()[1], r).value();
    if (!r.documents.empty()) record_letters(s, ctx, moved.updated.id);
    print_result(ctx, moved);
    return 0;
  }
  if (sub == "triage" || sub == "clarify") {
    std::string ref = case_arg(args, "triage CASE accept|reject|transfer|clarify");
    TriageRequest r;
    if (sub == "clarify") {
      r.decision = TriageDecision::clarify;
    } else {
      if (args.positionals().size() != 3) fail(Error::invalid_input("usage: redbox case triage CASE accept|reject|transfer|clarify"));
      r.decision = parse_triage_decision(args.positionals()[2]).value();
    }
    r.reason = args.get_or("reason", "");
    r.transfer_to = args.get_or("transfer-to", "");
    r.assignee = args.get_or("to", "");
    r.on = date_opt(args, "on");
    auto result = svc.triage(s.actor, ref, r).value();
    print_result(ctx, result);
    if (auto out = args.get("letter-out")) {
      const char* kind = r.decision == TriageDecision::transfer ? "transfer"
                         : r.decision == TriageDecision::reject ? "rejection"
                         : r.decision == TriageDecision::clarify ? "clarification"
                                                                 : "acknowledgement";
      write_letter(s, ref, kind, *out, ctx);
    }
    return 0;
  }
  if (sub == "reply") {
    std::string ref = case_arg(args, "reply CASE [--on DATE]");
    auto docs = add_files(s, args);
    auto replied = svc.clarification_received(s.actor, ref, date_opt(args, "on"), docs).value();
    if (!docs.empty()) record_letters(s, ctx, replied.updated.id);
    print_result(ctx, replied);
    return 0;
  }
  if (sub == "close-lapsed") {
    int days = s.env.settings.clarification_lapse_days;
    if (auto d = args.get_int("after-days")) days = static_cast<int>(*d);
    auto r = svc.close_lapsed(s.actor, days).value();
    if (ctx.global.json) {
      ctx.out << nlohmann::json{{"closed", r.closed}, {"after_days", days}}.dump() << "\n";
    } else {
      for (const auto& ref : r.closed) ctx.out << "closed " << ref << "\n";
      ctx.out << r.closed.size() << " case(s) closed after " << days << " days awaiting clarification\n";
    }
    return 0;
  }
  if (sub == "escalate") {
    std::string ref = case_arg(args, "escalate CASE --reason R");
    print_result(ctx, svc.escalate(s.actor, ref, required(args, "reason", "why the complainant escalates")).value());
    return 0;
  }
  if (sub == "sign-off") {
    std::string ref = case_arg(args, "sign-off CASE");
    print_result(ctx, svc.sign_off(s.actor, ref, args.get_or("comment", ""), args.get_or("to", "")).value());
    return 0;
  }
  if (sub == "take") {
    print_case(ctx, svc.take_from_pool(s.actor, case_arg(args, "take CASE")).value());
    return 0;
  }
  if (sub == "return") {
    std::string ref = case_arg(args, "return CASE --reason R");
    print_result(ctx, svc.return_for_corrections(s.actor, ref, required(args, "reason", "the corrections needed")).value());
    return 0;
  }
  if (sub == "allocate") {
    print_result(ctx, svc.allocate(s.actor, case_arg(args, "allocate CASE [--to USER]"), args.get_or("to", "")).value());
    return 0;
  }
  if (sub == "accept") {
    print_case(ctx, svc.accept_allocation(s.actor, case_arg(args, "accept CASE")).value());
    return 0;
  }
  if (sub == "decline") {
    std::string ref = case_arg(args, "decline CASE --reason R");
    print_result(ctx, svc.decline_allocation(s.actor, ref, required(args, "reason", "why the allocation is declined")).value());
    return 0;
  }
  if (sub == "reallocate") {
    std::string ref = case_arg(args, "reallocate CASE --to USER --reason R");
    print_case(ctx, svc.reallocate(s.actor, ref, required(args, "to", "the new official"), required(args, "reason", "why"),
                                   args.get_or("team", ""))
                        .value());
    return 0;
  }
  if (sub == "contribute") {
    std::string ref = case_arg(args, "contribute CASE --user USER");
    print_case(ctx, svc.request_contribution(s.actor, ref, required(args, "user", "who is asked"), args.get_or("what", "")).value());
    return 0;
  }
  if (sub == "comment") {
    if (args.positionals().size() != 3) fail(Error::invalid_input("usage: redbox case comment CASE TEXT"));
    print_case(ctx, svc.comment(s.actor, args.positionals()[1], args.positionals()[2]).value());
    return 0;
  }
  if (sub == "link") {
    std::string ref = case_arg(args, "link CASE (--document DOC | --case OTHER)");
    if (auto doc = args.get("document")) {
      Case linked = svc.link_document(s.actor, ref, *doc, args.get_or("purpose", "letter")).value();
      record_letters(s, ctx, linked.id);
      print_case(ctx, linked);
    } else if (auto other = args.get("case")) {
      print_case(ctx, svc.link_case(s.actor, ref, *other, args.get_or("kind", "related")).value());
    } else {
      fail(Error::invalid_input("link needs --document DOC or --case OTHER"));
    }
    return 0;
  }
  if (sub == "extend") {
    std::string ref = case_arg(args, "extend CASE --reason R");
    print_case(ctx, svc.extend_deadline(s.actor, ref, required(args, "reason", "why more time is needed")).value());
    return 0;
  }
  if (sub == "letter") {
    if (args.positionals().size() != 3) fail(Error::invalid_input("usage: redbox case letter CASE KIND [--out FILE]"));
    write_letter(s, args.positionals()[1], args.positionals()[2], args.get_or("out", ""), ctx);
    return 0;
  }
  if (sub == "same-requester") {
    Requester r{args.get_or("name", ""), args.get_or("address", ""), args.get_or("email", ""), args.get_or("postcode", "")};
    auto matches = svc.same_requester(s.actor, r).value();
    nlohmann::json j = nlohmann::json::array();
    for (const auto& m : matches) {
      j.push_back({{"case", m.case_id}, {"reference", m.reference}, {"type", m.type}, {"stage", m.stage}, {"closed", m.closed},
                   {"outcome", m.outcome}, {"matched_on", m.matched_on}});
      if (!ctx.global.json) ctx.out << m.reference << "  " << m.type << "  " << (m.closed ? "closed " + m.outcome : m.stage) << "\n";
    }
    if (ctx.global.json) ctx.out << nlohmann::json{{"matches", j}}.dump() << "\n";
    return 0;
  }
  if (sub == "record-letters") {
    std::string ref = case_arg(args, "record-letters CASE");
    Case c = svc.get(s.actor, ref).value();  // visibility (audited refusal)
    auto sync = record_case_letters(s.store, s.actor.name, c.id).value();
    if (ctx.global.json) {
      ctx.out << nlohmann::json{{"case", c.id}, {"recorded", sync.recorded}, {"waiting_for_text", sync.waiting}}.dump() << "\n";
    } else {
      for (const auto& d : sync.recorded) ctx.out << "recorded " << d << "\n";
      for (const auto& d : sync.waiting) ctx.out << "no text yet: " << d << "\n";
    }
    return 0;
  }
  if (sub == "record-letter" || sub == "similar" || sub == "suggest-topic") {
    std::string text = read_file(required(args, "text-file", "the letter's text (OCR output)"), 16ULL << 20).value();
    if (sub == "record-letter") {
      std::string ref = case_arg(args, "record-letter CASE --document DOC --text-file F");
      svc.get(s.actor, ref).value();  // visibility (audited refusal)
      record_letter(*s.store.catalog, s.actor.name, ref, required(args, "document", "the letter's document id"), text).throw_if_error();
      if (!ctx.global.json) ctx.out << "recorded the letter for " << ref << "\n";
      else ctx.out << nlohmann::json{{"case", ref}, {"recorded", true}}.dump() << "\n";
      return 0;
    }
    if (sub == "similar") {
      // Results name cases across the whole store: only for those who see every case.
      if (!s.actor.sees_all()) fail(Error::forbidden(s.actor.name + " may not search letters across all cases"));
      double threshold = 0.5;
      if (auto t = args.get("threshold")) {
        try {
          threshold = std::stod(*t);
        } catch (const std::exception&) {
          fail(Error::invalid_input("--threshold: expected a number between 0 and 1"));
        }
        if (threshold < 0 || threshold > 1) fail(Error::invalid_input("--threshold: expected a number between 0 and 1"));
      }
      auto index = SimilarLetterIndex::load(*s.store.catalog).value();
      auto found = index.find(minhash_signature(text), threshold, 100);
      nlohmann::json j = nlohmann::json::array();
      for (const auto& f : found) {
        j.push_back({{"document", f.document_id}, {"case", f.case_id}, {"similarity", f.similarity}});
        if (!ctx.global.json) ctx.out << f.document_id << "  case " << f.case_id << "  similarity " << f.similarity << "\n";
      }
      if (ctx.global.json) ctx.out << nlohmann::json{{"similar", j}, {"letters_indexed", index.size()}}.dump() << "\n";
      return 0;
    }
    auto model = load_topic_suggester(*s.store.catalog).value();
    auto suggestions = model.suggest(text, 3);
    nlohmann::json j = nlohmann::json::array();
    for (const auto& t : suggestions) {
      j.push_back({{"topic", t.topic}, {"confidence", t.confidence}, {"method", t.method}});
      if (!ctx.global.json) ctx.out << t.topic << "  " << t.confidence << "  (" << t.method << ")\n";
    }
    if (ctx.global.json) ctx.out << nlohmann::json{{"suggestions", j}}.dump() << "\n";
    return 0;
  }
  if (sub == "notify" || sub == "notifications") {
    // Across all cases: for those who see every case (the local operator, admins, caseworkers).
    if (!(s.actor.has(Role::admin) || s.actor.has(Role::caseworker))) {
      Error refused = Error::forbidden(s.actor.name + " may not run or list notifications (admin or caseworker)");
      storage::AuditEvent e;
      e.actor = s.actor.name;
      e.action = "case.refused";
      e.object = "notifications";
      e.details = {{"operation", sub}, {"reason", refused.message}, {"via", "cli"}};
      (void)s.store.catalog->record(e);
      fail(std::move(refused));
    }
    auto settings = NotificationSettings::from_config(s.store.config.raw).value();
    const TimePoint now = SystemClock::instance().now();
    if (sub == "notifications" && !args.has("pending")) {
      std::string case_id;
      if (auto c = args.get("case")) case_id = svc.get(s.actor, *c).value().id;
      std::size_t limit = 100;
      if (auto l = args.get_int("limit")) limit = static_cast<std::size_t>(std::max<std::int64_t>(1, *l));
      auto rows = sent_notifications(*s.store.catalog, case_id, limit).value();
      std::optional<CaseChaseStatus> chase;
      if (!case_id.empty()) chase = case_chase_status(*s.store.catalog, s.env.types, s.env.calendar, case_id).value();
      if (ctx.global.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& r : rows) j.push_back(r.to_json());
        nlohmann::json out = {{"notifications", j}};
        if (!case_id.empty()) out["chase"] = chase ? chase->to_json() : nlohmann::json(nullptr);
        ctx.out << out.dump() << "\n";
      } else {
        for (const auto& r : rows) ctx.out << r.sent_at << "  " << r.recipient << "  " << r.event << "  " << r.subject << "\n";
        if (chase) {
          ctx.out << "chasing " << chase->who << " (since " << format_date(chase->since) << ": " << chase->what << "): "
                  << chase->sent.size() << " step(s) sent";
          if (chase->next) ctx.out << ", next " << to_string(chase->next->kind) << " due " << format_date(chase->next->due);
          ctx.out << "\n";
        }
      }
      return 0;
    }
    DispatchOptions options;
    options.send = sub == "notify" && !args.has("dry-run");
    options.ignore_working_hours = sub == "notifications";
    options.actor = s.actor.name;
    auto r = dispatch_notifications(*s.store.catalog, s.env.types, s.env.calendar, settings, now, options).value();
    if (ctx.global.json) {
      nlohmann::json m = nlohmann::json::array();
      for (const auto& n : r.messages) m.push_back({{"to", n.recipient}, {"subject", n.subject}, {"event", n.event}, {"urgency", n.urgency}});
      nlohmann::json j = {{"deferred", r.deferred}, {"messages", m}, {"no_address", r.no_address}, {"chases", r.chases}, {"escalations", r.escalations}};
      if (r.deferred) j["deliver_at"] = format_utc(r.deliver_at);
      ctx.out << j.dump() << "\n";
    } else if (r.deferred) {
      ctx.out << "outside working hours: nothing sent; run again at " << format_utc(r.deliver_at) << "\n";
    } else {
      for (const auto& n : r.messages) ctx.out << n.recipient << ": " << n.subject << "\n";
      for (const auto& w : r.no_address) ctx.out << "no address for " << w << " (config.json notifications.addresses)\n";
      ctx.out << r.messages.size() << " message(s) " << (options.send ? "sent" : "would be sent") << " (" << r.chases << " chase(s), "
              << r.escalations << " escalation(s))\n";
    }
    return 0;
  }
  if (sub == "recompute-deadlines") {
    auto moved = svc.recompute_deadlines(s.actor).value();
    if (ctx.global.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& m : moved) j.push_back({{"case", m.case_id}, {"reference", m.reference}, {"old_due", format_date(m.old_due)}, {"new_due", format_date(m.new_due)}});
      ctx.out << nlohmann::json{{"moved", j}, {"calendar", s.env.calendar.source()}}.dump() << "\n";
    } else {
      for (const auto& m : moved) ctx.out << m.reference << ": " << format_date(m.old_due) << " -> " << format_date(m.new_due) << "\n";
      ctx.out << moved.size() << " deadline(s) moved\n";
    }
    return 0;
  }
  if (sub == "grant" || sub == "revoke") {
    if (args.positionals().size() != 3) fail(Error::invalid_input("usage: redbox case " + sub + " USER ROLE"));
    Role role = parse_role(args.positionals()[2]).value();
    (sub == "grant" ? svc.grant_role(s.actor, args.positionals()[1], role) : svc.revoke_role(s.actor, args.positionals()[1], role))
        .throw_if_error();
    if (!ctx.global.json) ctx.out << sub << "ed " << to_string(role) << (sub == "grant" ? " to " : " from ") << args.positionals()[1] << "\n";
    else ctx.out << nlohmann::json{{"user", args.positionals()[1]}, {"role", to_string(role)}, {"granted", sub == "grant"}}.dump() << "\n";
    return 0;
  }
  fail(Error::invalid_input("unknown case subcommand '" + sub + "' (see redbox case --help)"));
}

const Registrar reg({"case", "log, triage, move, sign off and list cases", kUsage, run_case});

}  // namespace
}  // namespace redbox::cli
