// Streaming a stored blob as an HTTP response body, never held whole in memory. Shared by every
// download route (document versions, bundle parts and packages).
#pragma once

#include <cstdint>
#include <string>

#include "api/http/router.h"

namespace redbox::api {

// Sets ctx.res to stream the blob `sha256` (`size` bytes, `media_type`). httplib may ask for
// the bytes from an offset (a retry after a short write, or a Range request), so the provider
// skips to that offset and stops after the length asked. A read failure in mid-stream (the blob
// went bad after it was verified) is logged as an alarm naming `what` and aborts the response.
// Callers verify the blob and record the download in the audit log before calling this.
void stream_blob(RequestContext& ctx, const std::string& sha256, std::uint64_t size, const std::string& media_type,
                 const std::string& what);

}  // namespace redbox::api
