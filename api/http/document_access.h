// Reading documents back out, shared by `GET /api/v1/documents/{id}/content` and
// `redbox doc get`: which version a selector names, which policy Action reading it needs, and
// the audit record every download leaves.
#pragma once

#include <string>

#include "api/http/policy.h"
#include "common/error.h"
#include "storage/catalog.h"

namespace redbox::api {

// not_found for anything that is not a document ID (no database lookup for junk IDs).
Result<storage::Document> find_document(storage::Catalog& catalog, const std::string& document_id);

// selector: "original" (also the default when empty), "searchable", "redacted", "derived", or
// a version ID ("ver_...") of this document. not_found if the document has no such version.
Result<storage::Version> resolve_version(storage::Catalog& catalog, const std::string& document_id,
                                         const std::string& selector);

// Redacted versions need download_redacted; everything else holds unredacted content.
Action download_action(const storage::Version& version);

// Appends "version.download" (object: the version ID; details: document, kind, sha256, via).
Status record_download(storage::Catalog& catalog, const storage::Version& version, const std::string& actor,
                       const std::string& via);

}  // namespace redbox::api
