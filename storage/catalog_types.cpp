#include <array>
#include <utility>

#include "storage/catalog.h"

namespace redbox::storage {
namespace {

constexpr std::array<std::pair<VersionKind, std::string_view>, 4> kKinds{{
    {VersionKind::original, "original"},
    {VersionKind::searchable, "searchable"},
    {VersionKind::redacted, "redacted"},
    {VersionKind::derived, "derived"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::admin, "admin"},
    {Role::intake, "intake"},
    {Role::caseworker, "caseworker"},
    {Role::reviewer, "reviewer"},
    {Role::contributor, "contributor"},
}};

}  // namespace

std::string_view to_string(VersionKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<VersionKind> parse_version_kind(std::string_view text) {
  for (const auto& [k, name] : kKinds) {
    if (name == text) return k;
  }
  return std::nullopt;
}

std::string_view to_string(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  for (const auto& [r, name] : kRoles) {
    if (name == text) return r;
  }
  return std::nullopt;
}

}  // namespace redbox::storage
