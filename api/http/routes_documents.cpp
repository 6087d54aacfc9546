#include <spdlog/spdlog.h>

#include <charconv>

#include "api/http/blob_stream.h"
#include "api/http/document_access.h"
#include "api/http/routes.h"
#include "api/http/upload.h"
#include "api/http/views.h"
#include "common/files.h"
#include "common/media_type.h"
#include "pipeline/intake.h"

namespace redbox::api {

namespace {

void upload_document(RequestContext& ctx) {
  storage::Store& store = ctx.store();
  auto received = receive_upload(ctx, *store.blobs, ctx.api.options.max_upload_bytes);
  if (!received.ok()) fail(received.error());
  storage::NewDocument doc;
  doc.file_name = received->file_name;  // the catalog sanitises it; it is never a path
  doc.source = "upload";
  doc.original.kind = storage::VersionKind::original;
  doc.original.sha256 = received->blob.sha256;
  doc.original.size = received->blob.size;
  doc.original.media_type = sniff_media_type(received->head);
  auto created = store.catalog->create_document(doc, ctx.user.name);
  if (!created.ok()) fail(created.error());
  spdlog::info("document created id={} sha256={} size={} by={}", created->id, received->blob.sha256,
               received->blob.size, ctx.user.id);
  nlohmann::json body = to_json(*created);
  // Scans and PDFs go through intake (OCR, text, fields, search) as a queued job; the document
  // itself is already stored, so a failure to queue is logged, not returned.
  if (ctx.api.jobs != nullptr && is_page_media_type(created->media_type)) {
    auto job = pipeline::submit_upload_intake(*ctx.api.jobs, created->id, ctx.user.name);
    if (job.ok()) {
      body["intake_job"] = job->id;
      ctx.res.set_header("X-Intake-Job", job->id);
    } else {
      spdlog::error("intake of document {} could not be queued: {}", created->id, job.error().describe());
    }
  }
  ctx.res.set_header("Location", "/api/v1/documents/" + created->id);
  ctx.send_json(201, body);
}

std::size_t limit_param(const RequestContext& ctx) {
  auto text = ctx.query("limit");
  if (!text) return 50;
  std::size_t limit = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || ptr != text->data() + text->size() || limit < 1 || limit > 500) {
    fail(Error::invalid_input("limit must be a whole number from 1 to 500"));
  }
  return limit;
}

void list_documents(RequestContext& ctx) {
  std::optional<std::string> cursor = ctx.query("cursor");
  if (cursor && cursor->empty()) cursor.reset();
  auto page = ctx.store().catalog->list_documents(limit_param(ctx), cursor);
  if (!page.ok()) fail(page.error());
  nlohmann::json documents = nlohmann::json::array();
  for (const auto& d : page->documents) documents.push_back(to_json(d));
  ctx.send_json(200, {{"documents", documents},
                      {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
}

void show_document(RequestContext& ctx) {
  auto doc = find_document(*ctx.store().catalog, ctx.path_param("id"));
  if (!doc.ok()) fail(doc.error());
  ctx.send_json(200, to_json(*doc));
}

// RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name percent-encoded.
std::string content_disposition(const std::string& file_name) {
  std::string safe = sanitize_file_name(file_name);
  std::string ascii;
  std::string encoded;
  for (unsigned char c : safe) {
    ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

void download_content(RequestContext& ctx) {
  storage::Store& store = ctx.store();
  const std::string id = ctx.path_param("id");
  auto doc = find_document(*store.catalog, id);
  if (!doc.ok()) fail(doc.error());
  auto version = resolve_version(*store.catalog, id, ctx.query("version").value_or("original"));
  if (!version.ok()) fail(version.error());
  ctx.require(download_action(*version));
  // Verify before releasing a byte: a corrupt blob is an alarm and a 500, never served.
  if (Status s = store.blobs->verify(version->sha256); !s.ok()) {
    if (s.error().kind == ErrorKind::not_found) {
      fail(Error::corrupt("version " + version->id + " refers to blob " + version->sha256 + ", which is missing"));
    }
    if (s.error().kind == ErrorKind::corrupt) {
      fail(Error::corrupt("version " + version->id + " failed verification: " + s.error().message));
    }
    fail(s.error());
  }
  // The audit record comes first: a download that cannot be recorded does not happen.
  if (Status s = record_download(*store.catalog, *version, ctx.user.name, "http"); !s.ok()) fail(s.error());

  ctx.res.set_header("Content-Disposition", content_disposition(doc->file_name));
  ctx.res.set_header("X-Content-SHA256", version->sha256);
  ctx.res.set_header("X-Version-Id", version->id);
  ctx.res.set_header("X-Content-Type-Options", "nosniff");
  stream_blob(ctx, version->sha256, version->size, version->media_type, "version=" + version->id);
}

}  // namespace

void add_document_routes(Router& router) {
  router.post("/api/v1/documents", Action::document_upload, upload_document);
  router.get("/api/v1/documents", Action::document_read, list_documents);
  router.get("/api/v1/documents/{id}", Action::document_read, show_document);
  router.get("/api/v1/documents/{id}/content", Action::document_read, download_content);
}

}  // namespace redbox::api
