#include "api/http/routes.h"

namespace redbox::api {

void add_health_routes(Router& router) {
  // Open: tells a load balancer the process serves requests. Reveals nothing about the data.
  router.get("/healthz", Action::open, [](RequestContext& ctx) { ctx.send_json(200, {{"status", "ok"}}); });
}

}  // namespace redbox::api
