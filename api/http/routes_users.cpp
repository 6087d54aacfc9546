#include "api/http/json_fields.h"
#include "api/http/routes.h"
#include "api/http/views.h"

namespace redbox::api {

namespace {

void create_user(RequestContext& ctx) {
  nlohmann::json body = ctx.read_json_body();
  std::string name = string_field(body, "name", true);
  std::string role_text = string_field(body, "role", true);
  auto role = storage::parse_role(role_text);
  if (!role) {
    fail(Error::invalid_input("unknown role '" + role_text +
                              "' (use admin, intake, caseworker, reviewer or contributor)"));
  }
  auto created = ctx.store().catalog->create_user(name, *role, ctx.user.name);
  if (!created.ok()) fail(created.error());
  ctx.send_json(201, {{"user", to_json(created->user)}, {"token", created->token}});
}

void list_users(RequestContext& ctx) {
  auto users = ctx.store().catalog->list_users();
  if (!users.ok()) fail(users.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : *users) out.push_back(to_json(u));
  ctx.send_json(200, {{"users", out}});
}

}  // namespace

void add_user_routes(Router& router) {
  router.post("/api/v1/users", Action::user_manage, create_user);
  router.get("/api/v1/users", Action::user_manage, list_users);
}

}  // namespace redbox::api
