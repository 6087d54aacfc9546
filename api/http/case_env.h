// The case workflow's environment for the HTTP server: calendar, case types and settings of the
// data folder (workflows/environment.h), loaded once per open Store on first use and kept for
// the life of the process, and a CaseService over them. Thread-safe.
#pragma once

#include "api/http/router.h"
#include "workflows/case_store.h"
#include "workflows/environment.h"

namespace redbox::api {

const workflows::CaseEnvironment& case_environment(storage::Store& store);
workflows::CaseService case_service(storage::Store& store);
// The caller as a workflow actor (their role plus grants).
workflows::Actor case_actor(RequestContext& ctx);

}  // namespace redbox::api
