// Bearer-token authentication and the audit record of every refusal.
//
// Clients send `Authorization: Bearer <token>`; the catalog keeps only the token's SHA-256
// (Catalog::authenticate), so a stolen database does not hand out working tokens. Tokens are
// never logged. Every 401 and 403 is written to the audit log with the route and the reason.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "storage/catalog.h"

namespace redbox::api {

// The token from an Authorization header, or nullopt if absent or not a Bearer header.
std::optional<std::string> bearer_token(const httplib::Request& req);

// unauthorized (naming the reason, never the token) or the authenticated user.
Result<storage::User> authenticate(storage::Catalog& catalog, const httplib::Request& req);

// Appends an "auth.refused" event: actor is the user name or "anonymous", object the route.
// Failures to record are logged (the refusal itself still stands).
void audit_refusal(storage::Catalog& catalog, const std::string& actor, const std::string& method,
                   const std::string& route, const Error& reason);

}  // namespace redbox::api
