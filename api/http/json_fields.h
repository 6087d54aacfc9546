// Fields of a JSON request body, read with errors that name the field (invalid_input: 400).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace redbox::api {

// The string field `name`; "" when absent or null, unless required.
std::string string_field(const nlohmann::json& body, const char* name, bool required = false);

// The whole-number field `name`, or nullopt when absent or null.
std::optional<int> int_field(const nlohmann::json& body, const char* name);

}  // namespace redbox::api
