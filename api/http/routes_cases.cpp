// /api/v1/cases, /api/v1/directory, /api/v1/reports: thin shells over workflows/. The router
// checks the coarse Action; CaseService checks the case type's roles and who may see which case
// (forbidden, audited as case.refused).
#include <charconv>

#include "api/http/case_env.h"
#include "api/http/json_fields.h"
#include "api/http/routes.h"
#include "workflows/case_letters.h"
#include "workflows/directory.h"
#include "workflows/letter_intake.h"
#include "workflows/letter_model.h"
#include "workflows/reports.h"
#include "workflows/text_pdf.h"

namespace redbox::api {

namespace {

using namespace redbox::workflows;

std::optional<Date> date_field(const nlohmann::json& body, const char* name) {
  std::string s = string_field(body, name);
  if (s.empty()) return std::nullopt;
  return parse_date(s, name).value();
}

std::vector<std::string> strings(const nlohmann::json& body, const char* name) {
  if (!body.contains(name)) return {};
  if (!body[name].is_array()) fail(Error::invalid_input(std::string("'") + name + "' must be an array of strings"));
  std::vector<std::string> out;
  for (const auto& v : body[name]) {
    if (!v.is_string()) fail(Error::invalid_input(std::string("'") + name + "' must be an array of strings"));
    out.push_back(v.get<std::string>());
  }
  return out;
}

// After documents were attached to a case: learn from the letters whose text exists now (intake
// records the others when it finishes them). The case change is already committed, so a failure
// here is reported in the answer, not as the request's error.
nlohmann::json letters_json(RequestContext& ctx, const std::string& case_id) {
  auto sync = record_case_letters(ctx.store(), ctx.user.name, case_id);
  if (!sync) return {{"error", sync.error().message}};
  return {{"recorded", sync->recorded}, {"waiting_for_text", sync->waiting}};
}

nlohmann::json result_json(const TransitionResult& r) {
  nlohmann::json j = r.updated.to_json();
  if (r.created) j["created_case"] = r.created->to_json();
  return j;
}

void create_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  NewCase n;
  n.type = string_field(body, "type", true);
  n.received = date_field(body, "received");
  if (auto d = string_field(body, "division"); !d.empty()) n.division = parse_division(d).value();
  n.named_day = date_field(body, "named_day");
  if (body.contains("requester")) {
    const auto& r = body["requester"];
    if (!r.is_object()) fail(Error::invalid_input("'requester' must be an object"));
    n.requester = {string_field(r, "name"), string_field(r, "address"), string_field(r, "email"), string_field(r, "postcode")};
  }
  n.mp = string_field(body, "mp");
  n.topic = string_field(body, "topic");
  n.team = string_field(body, "team");
  n.owner = string_field(body, "owner");
  n.documents = strings(body, "documents");
  n.related = strings(body, "related");
  auto svc = case_service(ctx.store());
  Case c = svc.create(case_actor(ctx), n).value();
  ctx.res.set_header("Location", "/api/v1/cases/" + c.id);
  nlohmann::json j = c.to_json();
  if (!n.documents.empty()) j["letters"] = letters_json(ctx, c.id);
  ctx.send_json(201, j);
}

std::size_t limit_param(RequestContext& ctx) {
  auto text = ctx.query("limit");
  if (!text) return 100;
  std::size_t limit = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || ptr != text->data() + text->size() || limit < 1 || limit > 1000) {
    fail(Error::invalid_input("limit must be a whole number from 1 to 1000"));
  }
  return limit;
}

void list_cases(RequestContext& ctx) {
  CaseFilter f;
  f.team = ctx.query("team");
  f.holder = ctx.query("holder");
  f.type = ctx.query("type");
  f.stage = ctx.query("stage");
  f.open_only = ctx.query("all").value_or("") != "true";
  if (auto d = ctx.query("due_before")) f.due_before = parse_date(*d, "due_before").value();
  f.limit = limit_param(ctx);
  f.cursor = ctx.query("cursor");
  if (f.cursor && f.cursor->empty()) f.cursor.reset();
  auto page = case_service(ctx.store()).list(case_actor(ctx), f).value();
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : page.cases) cases.push_back(c.to_json(false));
  ctx.send_json(200, {{"cases", cases}, {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr)}});
}

void show_case(RequestContext& ctx) { ctx.send_json(200, case_service(ctx.store()).get(case_actor(ctx), ctx.path_param("id")).value().to_json()); }

void case_history(RequestContext& ctx) {
  auto events = case_service(ctx.store()).history(case_actor(ctx), ctx.path_param("id")).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& e : events) j.push_back(e.to_json());
  ctx.send_json(200, {{"events", j}});
}

void move_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  TransitionRequest r;
  r.transition = string_field(body, "transition", true);
  r.reason = string_field(body, "reason");
  r.comment = string_field(body, "comment");
  r.assignee = string_field(body, "assignee");
  r.on = date_field(body, "on");
  r.documents = strings(body, "documents");
  auto result = case_service(ctx.store()).transition(case_actor(ctx), ctx.path_param("id"), r).value();
  nlohmann::json j = result_json(result);
  if (!r.documents.empty()) j["letters"] = letters_json(ctx, result.updated.id);
  ctx.send_json(200, j);
}

void triage_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  TriageRequest r;
  r.decision = parse_triage_decision(string_field(body, "decision", true)).value();
  r.reason = string_field(body, "reason");
  r.transfer_to = string_field(body, "transfer_to");
  r.assignee = string_field(body, "assignee");
  r.on = date_field(body, "on");
  ctx.send_json(200, result_json(case_service(ctx.store()).triage(case_actor(ctx), ctx.path_param("id"), r).value()));
}

void reply_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto docs = strings(body, "documents");
  auto r = case_service(ctx.store()).clarification_received(case_actor(ctx), ctx.path_param("id"), date_field(body, "on"), docs).value();
  nlohmann::json j = result_json(r);
  if (!docs.empty()) j["letters"] = letters_json(ctx, r.updated.id);
  ctx.send_json(200, j);
}

void escalate_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  ctx.send_json(200, result_json(case_service(ctx.store()).escalate(case_actor(ctx), ctx.path_param("id"), string_field(body, "reason", true)).value()));
}

void sign_off_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto r = case_service(ctx.store()).sign_off(case_actor(ctx), ctx.path_param("id"), string_field(body, "comment"), string_field(body, "next_holder"));
  ctx.send_json(200, result_json(r.value()));
}

void return_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto r = case_service(ctx.store()).return_for_corrections(case_actor(ctx), ctx.path_param("id"), string_field(body, "reason", true));
  ctx.send_json(200, result_json(r.value()));
}

void allocate_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  ctx.send_json(200, result_json(case_service(ctx.store()).allocate(case_actor(ctx), ctx.path_param("id"), string_field(body, "official")).value()));
}

void accept_allocation(RequestContext& ctx) {
  ctx.send_json(200, case_service(ctx.store()).accept_allocation(case_actor(ctx), ctx.path_param("id")).value().to_json());
}

void decline_allocation(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto r = case_service(ctx.store()).decline_allocation(case_actor(ctx), ctx.path_param("id"), string_field(body, "reason", true));
  ctx.send_json(200, result_json(r.value()));
}

void reallocate_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto r = case_service(ctx.store()).reallocate(case_actor(ctx), ctx.path_param("id"), string_field(body, "official", true), string_field(body, "reason", true),
                                                string_field(body, "team"));
  ctx.send_json(200, r.value().to_json());
}

void link_document(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  std::string purpose = string_field(body, "purpose");
  Case c = case_service(ctx.store())
               .link_document(case_actor(ctx), ctx.path_param("id"), string_field(body, "document", true), purpose.empty() ? "letter" : purpose)
               .value();
  nlohmann::json j = c.to_json();
  j["letters"] = letters_json(ctx, c.id);
  ctx.send_json(200, j);
}

void take_case(RequestContext& ctx) {
  ctx.send_json(200, case_service(ctx.store()).take_from_pool(case_actor(ctx), ctx.path_param("id")).value().to_json());
}

void comment_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  ctx.send_json(200, case_service(ctx.store()).comment(case_actor(ctx), ctx.path_param("id"), string_field(body, "text", true)).value().to_json());
}

void contributor_case(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto r = case_service(ctx.store()).request_contribution(case_actor(ctx), ctx.path_param("id"), string_field(body, "user", true), string_field(body, "what"));
  ctx.send_json(200, r.value().to_json());
}

void case_letter(RequestContext& ctx) {
  std::string id = ctx.path_param("id");
  std::string kind = ctx.path_param("kind");
  std::string text = case_service(ctx.store()).letter(case_actor(ctx), id, kind).value();
  if (ctx.query("format").value_or("text") == "pdf") {
    ctx.res.set_content(text_to_pdf(text, kind + " letter"), "application/pdf");
  } else {
    ctx.res.set_content(text, "text/plain; charset=utf-8");
  }
  ctx.res.status = 200;
}

void recompute(RequestContext& ctx) {
  auto moved = case_service(ctx.store()).recompute_deadlines(case_actor(ctx)).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : moved) j.push_back({{"case", m.case_id}, {"reference", m.reference}, {"old_due", format_date(m.old_due)}, {"new_due", format_date(m.new_due)}});
  ctx.send_json(200, {{"moved", j}});
}

// Letters: text in the JSON body (the OCR output), at most the JSON body limit.

void record_letter_route(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  std::string id = ctx.path_param("id");
  auto svc = case_service(ctx.store());
  Case c = svc.get(case_actor(ctx), id).value();  // visibility (audited refusal)
  record_letter(*ctx.store().catalog, ctx.user.name, c.id, string_field(body, "document", true), string_field(body, "text", true)).throw_if_error();
  ctx.send_json(201, {{"case", c.id}, {"document", string_field(body, "document")}});
}

void similar_letters(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  double threshold = 0.5;
  if (body.contains("threshold")) {
    if (!body["threshold"].is_number() || body["threshold"].get<double>() < 0 || body["threshold"].get<double>() > 1) {
      fail(Error::invalid_input("'threshold' must be a number from 0 to 1"));
    }
    threshold = body["threshold"].get<double>();
  }
  auto index = SimilarLetterIndex::load(*ctx.store().catalog).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& f : index.find(minhash_signature(string_field(body, "text", true)), threshold, 100)) {
    j.push_back({{"document", f.document_id}, {"case", f.case_id}, {"similarity", f.similarity}});
  }
  ctx.send_json(200, {{"similar", j}, {"letters_indexed", index.size()}});
}

void suggest_topic(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto model = load_topic_suggester(*ctx.store().catalog).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : model.suggest(string_field(body, "text", true), 3)) j.push_back({{"topic", t.topic}, {"confidence", t.confidence}, {"method", t.method}});
  ctx.send_json(200, {{"suggestions", j}});
}

// Directory

void directory_list(RequestContext& ctx) {
  TopicDirectory dir(*ctx.store().catalog);
  std::optional<int> version;
  if (auto v = ctx.query("version")) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || ptr != v->data() + v->size()) fail(Error::invalid_input("version must be a whole number"));
    version = n;
  }
  auto topics = dir.topics(version).value();
  if (ctx.query("format").value_or("") == "csv") {
    ctx.res.set_content(directory_csv(topics), "text/csv; charset=utf-8");
    ctx.res.status = 200;
    return;
  }
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : topics) j.push_back(t.to_json());
  ctx.send_json(200, {{"topics", j}});
}

void directory_versions(RequestContext& ctx) {
  nlohmann::json j = nlohmann::json::array();
  std::vector<DirectoryVersion> versions = TopicDirectory(*ctx.store().catalog).versions().value();
  for (const auto& v : versions) j.push_back(v.to_json());
  ctx.send_json(200, {{"versions", j}});
}

void directory_resolve(RequestContext& ctx) {
  auto topic = ctx.query("topic");
  if (!topic) fail(Error::invalid_input("give ?topic=PATH"));
  ctx.send_json(200, TopicDirectory(*ctx.store().catalog).resolve(*topic).value().to_json());
}

void directory_import(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto v = TopicDirectory(*ctx.store().catalog).import_csv(ctx.user.name, string_field(body, "csv", true), string_field(body, "note")).value();
  ctx.send_json(201, v.to_json());
}

void directory_set(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  Topic t{string_field(body, "topic", true), string_field(body, "name"), string_field(body, "team"), strings(body, "officials"), strings(body, "deputies"),
          strings(body, "keywords")};
  ctx.send_json(201, TopicDirectory(*ctx.store().catalog).set_topic(ctx.user.name, t, string_field(body, "note")).value().to_json());
}

// Reports

void report(RequestContext& ctx) {
  auto svc = case_service(ctx.store());
  auto table = case_report(*ctx.store().catalog, ctx.path_param("kind"), svc.today()).value();
  if (ctx.query("format").value_or("") == "csv") {
    ctx.res.set_content(table.csv(), "text/csv; charset=utf-8");
    ctx.res.status = 200;
    return;
  }
  ctx.send_json(200, table.to_json());
}

}  // namespace

void add_case_routes(Router& router) {
  router.post("/api/v1/cases/recompute-deadlines", Action::case_admin, recompute);
  router.post("/api/v1/cases/similar-letters", Action::letter_search, similar_letters);
  router.post("/api/v1/cases/suggest-topic", Action::letter_search, suggest_topic);
  router.get("/api/v1/cases", Action::case_read, list_cases);
  router.post("/api/v1/cases", Action::case_create, create_case);
  router.get("/api/v1/cases/{id}", Action::case_read, show_case);
  router.get("/api/v1/cases/{id}/history", Action::case_read, case_history);
  router.get("/api/v1/cases/{id}/letters/{kind}", Action::case_read, case_letter);
  router.post("/api/v1/cases/{id}/transitions", Action::case_act, move_case);
  router.post("/api/v1/cases/{id}/triage", Action::case_act, triage_case);
  router.post("/api/v1/cases/{id}/reply", Action::case_act, reply_case);
  router.post("/api/v1/cases/{id}/escalate", Action::case_act, escalate_case);
  router.post("/api/v1/cases/{id}/sign-off", Action::case_act, sign_off_case);
  router.post("/api/v1/cases/{id}/return", Action::case_act, return_case);
  router.post("/api/v1/cases/{id}/allocate", Action::case_act, allocate_case);
  router.post("/api/v1/cases/{id}/allocation/accept", Action::case_act, accept_allocation);
  router.post("/api/v1/cases/{id}/allocation/decline", Action::case_act, decline_allocation);
  router.post("/api/v1/cases/{id}/reallocate", Action::case_act, reallocate_case);
  router.post("/api/v1/cases/{id}/take", Action::case_act, take_case);
  router.post("/api/v1/cases/{id}/documents", Action::case_act, link_document);
  router.post("/api/v1/cases/{id}/comments", Action::case_act, comment_case);
  router.post("/api/v1/cases/{id}/contributors", Action::case_act, contributor_case);
  router.post("/api/v1/cases/{id}/letters", Action::case_act, record_letter_route);
  router.get("/api/v1/directory", Action::directory_read, directory_list);
  router.get("/api/v1/directory/versions", Action::directory_read, directory_versions);
  router.get("/api/v1/directory/resolve", Action::directory_read, directory_resolve);
  router.post("/api/v1/directory/import", Action::directory_manage, directory_import);
  router.post("/api/v1/directory/topics", Action::directory_manage, directory_set);
  router.get("/api/v1/reports/{kind}", Action::report_read, report);
}

}  // namespace redbox::api
