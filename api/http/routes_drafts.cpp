// /api/v1/cases/{id}/draft... and /api/v1/draft-templates: thin shells over workflows/
// DraftService and TemplateLibrary. The router checks the coarse Action; DraftService decides
// who may do what on which fragment (forbidden, audited as draft.refused).
#include <charconv>

#include "api/http/case_env.h"
#include "api/http/json_fields.h"
#include "api/http/routes.h"
#include "workflows/draft_store.h"
#include "workflows/draft_templates.h"

namespace redbox::api {

namespace {

using namespace redbox::workflows;

DraftService drafts(RequestContext& ctx) { return DraftService(ctx.store(), case_environment(ctx.store()).calendar); }

std::optional<int> int_query(RequestContext& ctx, const std::string& name) {
  auto text = ctx.query(name);
  if (!text || text->empty()) return std::nullopt;
  int v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size() || v < 0) fail(Error::invalid_input(name + " must be a whole number"));
  return v;
}

bool text_format(RequestContext& ctx) { return ctx.query("format").value_or("json") == "text"; }

void send_text(RequestContext& ctx, const std::string& text) {
  ctx.res.set_content(text, "text/plain; charset=utf-8");
  ctx.res.status = 200;
}

void create_draft(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto d = drafts(ctx).create(case_actor(ctx), ctx.path_param("id"), string_field(body, "title")).value();
  ctx.send_json(201, d.to_json());
}

void show_draft(RequestContext& ctx) {
  ctx.send_json(200, drafts(ctx).get(case_actor(ctx), ctx.path_param("id"), int_query(ctx, "revision")).value().to_json());
}

// {title, kind, text, position} | {template, template_version, position} | {document, title, position}
void add_fragment(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto svc = drafts(ctx);
  std::string ref = ctx.path_param("id");
  auto position = int_field(body, "position");
  Fragment f;
  if (auto t = string_field(body, "template"); !t.empty()) {
    f = svc.add_from_template(case_actor(ctx), ref, t, int_field(body, "template_version"), position).value();
  } else if (auto d = string_field(body, "document"); !d.empty()) {
    f = svc.import_document(case_actor(ctx), ref, d, string_field(body, "title"), position).value();
  } else {
    NewFragment n;
    n.title = string_field(body, "title");
    if (auto k = string_field(body, "kind"); !k.empty()) n.kind = k;
    n.text = string_field(body, "text");
    n.position = position;
    f = svc.add_fragment(case_actor(ctx), ref, n).value();
  }
  ctx.send_json(201, f.to_json());
}

void edit_fragment(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto f = drafts(ctx).edit_fragment(case_actor(ctx), ctx.path_param("id"), ctx.path_param("fragment"), string_field(body, "text", true)).value();
  ctx.send_json(200, f.to_json());
}

void revert_fragment(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto to = int_field(body, "version");
  if (!to) fail(Error::invalid_input("the JSON body needs a 'version' to revert to"));
  ctx.send_json(200, drafts(ctx).revert_fragment(case_actor(ctx), ctx.path_param("id"), ctx.path_param("fragment"), *to).value().to_json());
}

void move_fragment(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto to = int_field(body, "position");
  if (!to) fail(Error::invalid_input("the JSON body needs a 'position' (0 is first)"));
  ctx.send_json(200, drafts(ctx).move_fragment(case_actor(ctx), ctx.path_param("id"), ctx.path_param("fragment"), *to).value().to_json());
}

void remove_fragment(RequestContext& ctx) {
  ctx.send_json(200, drafts(ctx).remove_fragment(case_actor(ctx), ctx.path_param("id"), ctx.path_param("fragment")).value().to_json());
}

void fragment_versions(RequestContext& ctx) {
  auto vs = drafts(ctx).versions(case_actor(ctx), ctx.path_param("id"), ctx.path_param("fragment")).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& v : vs) j.push_back(v.to_json());
  ctx.send_json(200, {{"versions", j}});
}

void blame(RequestContext& ctx) {
  auto b = drafts(ctx).blame(case_actor(ctx), ctx.path_param("id"), int_query(ctx, "revision")).value();
  if (text_format(ctx)) return send_text(ctx, b.report());
  ctx.send_json(200, b.to_json());
}

void compare(RequestContext& ctx) {
  auto from = int_query(ctx, "from");
  auto to = int_query(ctx, "to");
  auto svc = drafts(ctx);
  auto actor = case_actor(ctx);
  std::string ref = ctx.path_param("id");
  if (!from) fail(Error::invalid_input("give ?from=REVISION (and optionally &to=REVISION, default the latest)"));
  if (!to) to = svc.get(actor, ref).value().latest_revision;
  auto c = svc.compare(actor, ref, *from, *to).value();
  if (text_format(ctx)) return send_text(ctx, c.report());
  ctx.send_json(200, c.to_json());
}

void list_requests(RequestContext& ctx) {
  auto rs = drafts(ctx).requests(case_actor(ctx), ctx.path_param("id")).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rs) j.push_back(r.to_json());
  ctx.send_json(200, {{"requests", j}});
}

void create_request(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  NewRequest r;
  r.contributor = string_field(body, "contributor", true);
  r.instructions = string_field(body, "instructions");
  r.due = parse_date(string_field(body, "due", true), "due").value();
  r.fragment_id = string_field(body, "fragment");
  r.fragment_title = string_field(body, "fragment_title");
  ctx.send_json(201, drafts(ctx).request_contribution(case_actor(ctx), ctx.path_param("id"), r).value().to_json());
}

void request_action(RequestContext& ctx, const std::string& what) {
  auto body = ctx.read_json_body();
  auto svc = drafts(ctx);
  auto actor = case_actor(ctx);
  std::string ref = ctx.path_param("id"), id = ctx.path_param("request");
  ContributionRequest r;
  if (what == "submit") {
    std::optional<std::string> text;
    if (body.contains("text")) text = string_field(body, "text");
    r = svc.submit(actor, ref, id, text).value();
  } else if (what == "accept") {
    r = svc.accept(actor, ref, id, string_field(body, "note")).value();
  } else {
    r = svc.return_request(actor, ref, id, string_field(body, "note", true)).value();
  }
  ctx.send_json(200, r.to_json());
}

void list_comments(RequestContext& ctx) {
  bool resolved = ctx.query("resolved").value_or("true") != "false";
  auto cs = drafts(ctx).comments(case_actor(ctx), ctx.path_param("id"), resolved).value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : cs) j.push_back(c.to_json());
  ctx.send_json(200, {{"comments", j}});
}

void add_comment(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  NewComment c{string_field(body, "fragment"), string_field(body, "parent"), int_field(body, "start_word"), int_field(body, "end_word"), string_field(body, "text", true)};
  ctx.send_json(201, drafts(ctx).add_comment(case_actor(ctx), ctx.path_param("id"), c).value().to_json());
}

void resolve_comment(RequestContext& ctx) {
  ctx.send_json(200, drafts(ctx).resolve_comment(case_actor(ctx), ctx.path_param("id"), ctx.path_param("comment")).value().to_json());
}

void mark_reviewed(RequestContext& ctx) {
  ctx.send_json(200, drafts(ctx).mark_reviewed(case_actor(ctx), ctx.path_param("id")).value().to_json());
}

void export_draft(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  auto e = drafts(ctx).export_pdf(case_actor(ctx), ctx.path_param("id"), string_field(body, "kind", true)).value();
  ctx.res.set_header("Location", "/api/v1/documents/" + e.document_id);
  ctx.send_json(201, {{"kind", e.kind},
                      {"revision", e.revision},
                      {"document", e.document_id},
                      {"version", e.version.id},
                      {"sha256", e.version.sha256},
                      {"size", e.version.size}});
}

void list_templates(RequestContext& ctx) {
  auto ts = TemplateLibrary(*ctx.store().catalog).list().value();
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : ts) j.push_back(t.to_json(false));
  ctx.send_json(200, {{"templates", j}});
}

void show_template(RequestContext& ctx) {
  ctx.send_json(200, TemplateLibrary(*ctx.store().catalog).get(ctx.path_param("tid"), int_query(ctx, "version")).value().to_json());
}

void save_template(RequestContext& ctx) {
  auto body = ctx.read_json_body();
  std::string kind = string_field(body, "kind");
  auto t = TemplateLibrary(*ctx.store().catalog)
               .save(case_actor(ctx), string_field(body, "id", true), kind.empty() ? "template" : kind, string_field(body, "name"), string_field(body, "text", true),
                     string_field(body, "note"))
               .value();
  ctx.send_json(201, t.to_json());
}

}  // namespace

void add_draft_routes(Router& router) {
  const std::string d = "/api/v1/cases/{id}/draft";
  router.get(d, Action::draft_read, show_draft);
  router.post(d, Action::draft_write, create_draft);
  router.post(d + "/fragments", Action::draft_write, add_fragment);
  router.post(d + "/fragments/{fragment}", Action::draft_write, edit_fragment);
  router.post(d + "/fragments/{fragment}/revert", Action::draft_write, revert_fragment);
  router.post(d + "/fragments/{fragment}/move", Action::draft_write, move_fragment);
  router.post(d + "/fragments/{fragment}/remove", Action::draft_write, remove_fragment);
  router.get(d + "/fragments/{fragment}/versions", Action::draft_read, fragment_versions);
  router.get(d + "/blame", Action::draft_read, blame);
  router.get(d + "/compare", Action::draft_read, compare);
  router.get(d + "/requests", Action::draft_read, list_requests);
  router.post(d + "/requests", Action::draft_write, create_request);
  router.post(d + "/requests/{request}/submit", Action::draft_write, [](RequestContext& ctx) { request_action(ctx, "submit"); });
  router.post(d + "/requests/{request}/accept", Action::draft_write, [](RequestContext& ctx) { request_action(ctx, "accept"); });
  router.post(d + "/requests/{request}/return", Action::draft_write, [](RequestContext& ctx) { request_action(ctx, "return"); });
  router.get(d + "/comments", Action::draft_read, list_comments);
  router.post(d + "/comments", Action::draft_write, add_comment);
  router.post(d + "/comments/{comment}/resolve", Action::draft_write, resolve_comment);
  router.post(d + "/review", Action::draft_write, mark_reviewed);
  router.post(d + "/exports", Action::draft_export, export_draft);
  router.get("/api/v1/draft-templates", Action::template_read, list_templates);
  router.post("/api/v1/draft-templates", Action::template_manage, save_template);
  router.get("/api/v1/draft-templates/{tid}", Action::template_read, show_template);
}

}  // namespace redbox::api
