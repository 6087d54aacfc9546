#include "api/http/json_fields.h"

#include "common/error.h"

namespace redbox::api {

std::string string_field(const nlohmann::json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) fail(Error::invalid_input(std::string("the JSON body needs a '") + name + "' field"));
    return {};
  }
  if (!body[name].is_string()) fail(Error::invalid_input(std::string("'") + name + "' must be a string"));
  return body[name].get<std::string>();
}

std::optional<int> int_field(const nlohmann::json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::nullopt;
  if (!body[name].is_number_integer()) fail(Error::invalid_input(std::string("'") + name + "' must be a whole number"));
  return body[name].get<int>();
}

}  // namespace redbox::api
