// Route registration, one function per area, called in order by ApiServer (server.cpp's
// kRouteAreas). A later area (search, marks, bundles, cases) adds routes_<area>.cpp with an
// add_<area>_routes(Router&) function, declares it here and appends it to kRouteAreas; its
// policy Actions go into policy.h. Explicit registration keeps the order (which httplib's
// first-match routing depends on) visible in one place.
#pragma once

#include "api/http/router.h"

namespace redbox::api {

void add_health_routes(Router& router);     // GET /healthz
void add_document_routes(Router& router);   // /api/v1/documents...
void add_user_routes(Router& router);       // /api/v1/users
void add_audit_routes(Router& router);      // /api/v1/audit/...
void add_marks_routes(Router& router);      // /api/v1/documents/{id}/marks..., /release
void add_bundle_routes(Router& router);     // /api/v1/bundles...
void add_search_routes(Router& router);     // GET /api/v1/search
void add_job_routes(Router& router);        // GET /api/v1/jobs, /api/v1/jobs/{id}
void add_case_routes(Router& router);       // /api/v1/cases..., /api/v1/directory..., /api/v1/reports/...
void add_draft_routes(Router& router);      // /api/v1/cases/{id}/draft..., /api/v1/draft-templates...
void add_notification_routes(Router& router);  // /api/v1/notifications..., /api/v1/cases/{id}/notifications

}  // namespace redbox::api
