// Receiving an uploaded file: streams the request body (multipart/form-data with a `file`
// part, or a raw body named by an X-File-Name header) straight into a BlobWriter, never into
// memory, and enforces the size limit twice: on Content-Length before a byte is read and on
// the bytes actually received (chunked bodies carry no length).
#pragma once

#include <string>

#include "api/http/router.h"
#include "storage/blob_store.h"

namespace redbox::api {

struct ReceivedFile {
  storage::BlobRef blob;   // committed, durable
  std::string file_name;   // as the client gave it (sanitised later by the catalog)
  std::string head;        // the first bytes, for media-type sniffing
};

// invalid_input: malformed multipart, no/duplicate `file` part, missing X-File-Name, empty file,
// body cut short; too_large: over max_bytes; io: disk errors. Nothing is left on disk on error.
Result<ReceivedFile> receive_upload(RequestContext& ctx, storage::BlobStore& blobs, std::uint64_t max_bytes);

// Decodes %XX escapes (X-File-Name may carry UTF-8 names percent-encoded); malformed escapes
// are kept as they are.
std::string percent_decode(const std::string& text);

}  // namespace redbox::api
