#include "api/http/views.h"

namespace redbox::api {

namespace {

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const storage::Version& v) {
  return {{"id", v.id},
          {"document_id", v.document_id},
          {"kind", std::string(storage::to_string(v.kind))},
          {"sha256", v.sha256},
          {"size", v.size},
          {"media_type", v.media_type},
          {"page_count", optional_json(v.page_count)},
          {"derived_from", optional_json(v.derived_from)},
          {"pair_of", optional_json(v.pair_of)},
          {"created", format_utc(v.created)},
          {"created_by", v.created_by},
          {"metadata", v.metadata}};
}

nlohmann::json to_json(const storage::Document& d) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& v : d.versions) versions.push_back(to_json(v));
  nlohmann::json out = {{"id", d.id},
                        {"file_name", d.file_name},
                        {"media_type", d.media_type},
                        {"source", d.source},
                        {"batch_id", optional_json(d.batch_id)},
                        {"received", format_utc(d.received)},
                        {"page_count", optional_json(d.page_count)},
                        {"metadata", d.metadata},
                        {"versions", versions}};
  // The original's hash and size at the top level: what a client checks after an upload.
  for (const auto& v : d.versions) {
    if (v.kind == storage::VersionKind::original) {
      out["sha256"] = v.sha256;
      out["size"] = v.size;
      break;
    }
  }
  return out;
}

nlohmann::json to_json(const storage::User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"role", std::string(storage::to_string(u.role))},
          {"created", format_utc(u.created)},
          {"disabled", u.disabled}};
}

nlohmann::json to_json(const storage::AuditVerification& a) {
  return {{"ok", a.ok},
          {"events_checked", a.events_checked},
          {"first_bad_seq", optional_json(a.first_bad_seq)},
          {"problem", a.problem}};
}

}  // namespace redbox::api
