// The person a case is for, and the normalised forms used to match a new letter to the same
// requester's earlier cases: case, spacing, punctuation and titles do not matter ("Mrs J. O'Neil"
// and "j oneil" match), e-mail addresses compare case-insensitively (with gmail-style dots and
// "+tags" kept: many providers treat them as distinct), UK postcodes compare without spaces.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace redbox::workflows {

struct Requester {
  std::string name;
  std::string address;
  std::string email;
  std::string postcode;

  bool empty() const { return name.empty() && address.empty() && email.empty() && postcode.empty(); }
  nlohmann::json to_json() const;
};

// "Mrs  Jane O'Neil-Smith" -> "jane oneilsmith" (titles dropped, letters and digits kept).
std::string normalise_name(std::string_view name);
// Trimmed and lower-cased; "" if it does not look like an address (no '@' with text around it).
std::string normalise_email(std::string_view email);
// "sw1a 1aa" -> "SW1A1AA"; "" if it is not shaped like a UK postcode.
std::string normalise_postcode(std::string_view postcode);
// Lower-case words with punctuation dropped and common abbreviations expanded ("rd" -> "road"),
// the postcode removed (it is matched on its own).
std::string normalise_address(std::string_view address);
// A UK postcode found at the end of an address ("..., London SW1A 1AA"), normalised, or "".
std::string postcode_in_address(std::string_view address);

}  // namespace redbox::workflows
