#include "api/http/routes.h"
#include "api/http/views.h"

#include <spdlog/spdlog.h>

namespace redbox::api {

void add_audit_routes(Router& router) {
  router.get("/api/v1/audit/verify", Action::audit_verify, [](RequestContext& ctx) {
    auto result = ctx.store().catalog->audit().verify();
    if (!result.ok()) fail(result.error());
    if (!result->ok) {
      spdlog::critical("ALARM audit chain broken at seq={}: {}", result->first_bad_seq.value_or(-1), result->problem);
    }
    ctx.send_json(200, to_json(*result));
  });
}

}  // namespace redbox::api
