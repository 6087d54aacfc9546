#include "api/http/auth.h"

#include <spdlog/spdlog.h>

#include <cctype>

namespace redbox::api {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> bearer_token(const httplib::Request& req) {
  if (!req.has_header("Authorization")) return std::nullopt;
  std::string value = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size() || !iequals(std::string_view(value).substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string token = value.substr(kScheme.size());
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.erase(token.begin());
  if (token.empty()) return std::nullopt;
  return token;
}

Result<storage::User> authenticate(storage::Catalog& catalog, const httplib::Request& req) {
  auto token = bearer_token(req);
  if (!token) {
    return Error::unauthorized("this route needs an API token: send 'Authorization: Bearer <token>'");
  }
  auto user = catalog.authenticate(*token);
  return user;
}

void audit_refusal(storage::Catalog& catalog, const std::string& actor, const std::string& method,
                   const std::string& route, const Error& reason) {
  storage::AuditEvent event;
  event.actor = actor;
  event.action = "auth.refused";
  event.object = route;
  event.details = {{"method", method},
                   {"status", http_status(reason.kind)},
                   {"code", std::string(to_string(reason.kind))},
                   {"reason", reason.message}};
  if (Status s = catalog.record(event); !s.ok()) {
    spdlog::error("audit: cannot record refusal route={} actor={}: {}", route, actor, s.error().describe());
  }
}

}  // namespace redbox::api
