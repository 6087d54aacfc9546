// JSON views of catalog records, shared by the HTTP API and the CLI's --json output so both
// front doors describe a document the same way.
#pragma once

#include <nlohmann/json.hpp>

#include "storage/audit.h"
#include "storage/catalog.h"

namespace redbox::api {

nlohmann::json to_json(const storage::Version& version);
nlohmann::json to_json(const storage::Document& document);
nlohmann::json to_json(const storage::User& user);
nlohmann::json to_json(const storage::AuditVerification& verification);

}  // namespace redbox::api
