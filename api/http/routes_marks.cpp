// Redaction review over HTTP: /api/v1/documents/{id}/marks, /marks/decisions, /release and
// /no-redaction-needed. Thin shells over redaction/review.h; the router has already checked the
// caller's role (marks are for caseworkers and reviewers only, refusals audited) and every view
// of marks is audited by list_marks.
#include "api/http/json_fields.h"
#include "api/http/routes.h"
#include "redaction/review.h"

namespace redbox::api {

namespace {

std::vector<std::string> string_list(const nlohmann::json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key)) return out;
  const auto& v = body[key];
  if (!v.is_array()) fail(Error::invalid_input(std::string("\"") + key + "\" must be an array of strings"));
  for (const auto& item : v) {
    if (!item.is_string()) fail(Error::invalid_input(std::string("\"") + key + "\" must be an array of strings"));
    out.push_back(item.get<std::string>());
  }
  return out;
}

int page_field(const nlohmann::json& body) {
  if (!body.contains("page") || !body["page"].is_number_integer() || body["page"].get<long long>() < 1 ||
      body["page"].get<long long>() > 1000000) {
    fail(Error::invalid_input("\"page\" must be a 1-based page number"));
  }
  return static_cast<int>(body["page"].get<long long>() - 1);
}

void list_marks(RequestContext& ctx) {
  const auto text = ctx.query("text");
  const bool include_text = text && (*text == "1" || *text == "true");
  auto state = redaction::list_marks(ctx.store(), ctx.path_param("id"), include_text, ctx.user.name);
  if (!state.ok()) fail(state.error());
  ctx.send_json(200, state->to_json());
}

void propose(RequestContext& ctx, const std::string& doc, const nlohmann::json& body) {
  redaction::ProposeOptions o;
  for (const std::string& d : string_list(body, "detect")) {
    if (d != "uk-pii") fail(Error::invalid_input("\"detect\" knows only \"uk-pii\""));
    o.uk_pii = true;
  }
  o.regexes = string_list(body, "regex");
  o.reason = string_field(body, "reason", false);
  if (body.contains("terms")) {
    if (!body["terms"].is_array()) fail(Error::invalid_input("\"terms\" must be an array of names or {name, role, reason}"));
    o.terms = redaction::parse_terms(body["terms"].dump(), "terms").value();
  }
  auto r = redaction::propose_marks(ctx.store(), doc, o, ctx.user.name);
  if (!r.ok()) fail(r.error());
  ctx.send_json(200, r->to_json());
}

void add_marks(RequestContext& ctx) {
  const std::string doc = ctx.path_param("id");
  nlohmann::json body = ctx.read_json_body();
  const std::string action = string_field(body, "action", true);
  if (action == "propose") return propose(ctx, doc, body);
  if (action == "add-area") {
    const auto& rect = body.value("rect", nlohmann::json());
    if (!rect.is_array() || rect.size() != 4 || !std::all_of(rect.begin(), rect.end(), [](const auto& v) { return v.is_number(); })) {
      fail(Error::invalid_input("\"rect\" must be [x0, y0, x1, y1] in PDF points from the page's top-left"));
    }
    redaction::AreaRequest a;
    a.page = page_field(body);
    a.rect = {rect[0].get<float>(), rect[1].get<float>(), rect[2].get<float>(), rect[3].get<float>()};
    a.reason = string_field(body, "reason", true);
    a.proposed = body.value("propose", false);
    auto m = redaction::add_area_mark(ctx.store(), doc, a, ctx.user.name);
    if (!m.ok()) fail(m.error());
    ctx.send_json(201, m->to_json());
    return;
  }
  if (action == "withhold-page") {
    auto m = redaction::withhold_page(ctx.store(), doc, page_field(body), string_field(body, "reason", true), ctx.user.name);
    if (!m.ok()) fail(m.error());
    ctx.send_json(201, m->to_json());
    return;
  }
  fail(Error::invalid_input("\"action\" must be propose, add-area or withhold-page"));
}

void decide(RequestContext& ctx) {
  nlohmann::json body = ctx.read_json_body();
  const std::string decision = string_field(body, "decision", true);
  if (decision != "accept" && decision != "reject") fail(Error::invalid_input("\"decision\" must be accept or reject"));
  redaction::MarkSelector sel;
  sel.mark_ids = string_list(body, "marks");
  if (body.contains("detector")) sel.detector = string_field(body, "detector", true);
  if (body.contains("term")) sel.term = string_field(body, "term", true);
  if (body.contains("all")) {
    if (!body["all"].is_boolean()) fail(Error::invalid_input("\"all\" must be true or false"));
    sel.all = body["all"].get<bool>();
  }
  auto r = redaction::decide_marks(ctx.store(), ctx.path_param("id"),
                                   decision == "accept" ? redaction::Decision::accept : redaction::Decision::reject, sel,
                                   ctx.user.name);
  if (!r.ok()) fail(r.error());
  ctx.send_json(200, r->to_json());
}

void release(RequestContext& ctx) {
  redaction::ReleaseOptions options;
  const auto label = ctx.query("label");
  options.label = label && (*label == "1" || *label == "true");
  auto r = redaction::release(ctx.store(), ctx.path_param("id"), ctx.user.name, options);
  if (!r.ok()) fail(r.error());
  ctx.res.set_header("Location", "/api/v1/documents/" + ctx.path_param("id") + "/content?version=" + r->redacted.id);
  ctx.send_json(201, r->to_json());
}

void no_redaction_needed(RequestContext& ctx) {
  const std::string doc = ctx.path_param("id");
  if (Status s = redaction::mark_no_redaction_needed(ctx.store(), doc, ctx.user.name); !s.ok()) fail(s.error());
  ctx.send_json(200, {{"document", doc}, {redaction::kRedactionStatusKey, redaction::kStatusNotNeeded}});
}

}  // namespace

void add_marks_routes(Router& router) {
  router.get("/api/v1/documents/{id}/marks", Action::marks_read, list_marks);
  router.post("/api/v1/documents/{id}/marks", Action::marks_write, add_marks);
  router.post("/api/v1/documents/{id}/marks/decisions", Action::marks_write, decide);
  router.post("/api/v1/documents/{id}/release", Action::redaction_release, release);
  router.post("/api/v1/documents/{id}/no-redaction-needed", Action::redaction_not_needed, no_redaction_needed);
}

}  // namespace redbox::api
