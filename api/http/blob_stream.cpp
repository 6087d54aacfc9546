#include "api/http/blob_stream.h"

#include <spdlog/spdlog.h>

#include <string_view>

namespace redbox::api {

void stream_blob(RequestContext& ctx, const std::string& sha256, std::uint64_t size, const std::string& media_type,
                 const std::string& what) {
  storage::BlobStore* blobs = ctx.store().blobs.get();
  ctx.res.set_content_provider(
      size, media_type.empty() ? "application/octet-stream" : media_type,
      [blobs, sha256, what](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        std::uint64_t position = 0;
        std::uint64_t remaining = length;
        bool client_ok = true;
        Status s = blobs->read(sha256, [&](std::string_view chunk) {
          if (position + chunk.size() <= offset) {
            position += chunk.size();
            return true;
          }
          const std::size_t skip = position < offset ? static_cast<std::size_t>(offset - position) : 0;
          position += chunk.size();
          std::string_view part = chunk.substr(skip);
          if (part.size() > remaining) part = part.substr(0, static_cast<std::size_t>(remaining));
          if (!sink.write(part.data(), part.size())) {
            client_ok = false;
            return false;
          }
          remaining -= part.size();
          return remaining > 0;
        });
        if (!s.ok()) {
          spdlog::critical("ALARM reading {} blob={} failed mid-download: {}", what, sha256, s.error().describe());
          return false;
        }
        return client_ok;
      });
}

}  // namespace redbox::api
