#include "api/http/document_access.h"

#include "common/ids.h"

namespace redbox::api {

Result<storage::Document> find_document(storage::Catalog& catalog, const std::string& document_id) {
  if (!is_id(document_id, "doc")) return Error::not_found("no document with ID '" + document_id + "'");
  return catalog.get_document(document_id);
}

Result<storage::Version> resolve_version(storage::Catalog& catalog, const std::string& document_id,
                                         const std::string& selector) {
  auto document = find_document(catalog, document_id);
  if (!document.ok()) return document.error();
  const std::string wanted = selector.empty() ? "original" : selector;
  if (auto kind = storage::parse_version_kind(wanted)) {
    auto version = catalog.latest_version(document_id, *kind);
    if (!version.ok() && version.error().kind == ErrorKind::not_found) {
      return Error::not_found("document " + document_id + " has no " + wanted + " version");
    }
    return version;
  }
  if (!is_id(wanted, "ver")) {
    return Error::invalid_input("version must be original, searchable, redacted, derived or a version ID, not '" +
                                wanted + "'");
  }
  for (const auto& v : document->versions) {
    if (v.id == wanted) return v;
  }
  return Error::not_found("document " + document_id + " has no version " + wanted);
}

Action download_action(const storage::Version& version) {
  return version.kind == storage::VersionKind::redacted ? Action::download_redacted : Action::download_unredacted;
}

Status record_download(storage::Catalog& catalog, const storage::Version& version, const std::string& actor,
                       const std::string& via) {
  storage::AuditEvent event;
  event.actor = actor;
  event.action = "version.download";
  event.object = version.id;
  event.details = {{"document", version.document_id},
                   {"kind", std::string(storage::to_string(version.kind))},
                   {"sha256", version.sha256},
                   {"size", version.size},
                   {"via", via}};
  return catalog.record(event);
}

}  // namespace redbox::api
