// The one error format of the HTTP API:
//   {"error": {"code": "<ErrorKind>", "message": "..."}}
// with the status from redbox::http_status(kind), so HTTP clients branch on `code` exactly as
// CLI users branch on the exit code. Messages never carry document content or personal data.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace redbox::api {

nlohmann::json error_body(const Error& error);
// Sets status, JSON body and content type on res.
void send_error(httplib::Response& res, const Error& error);
// The ErrorKind a bare HTTP status stands for (for responses httplib produced itself).
ErrorKind kind_for_status(int status);

}  // namespace redbox::api
