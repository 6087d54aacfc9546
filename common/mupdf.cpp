#include "common/mupdf.h"

#include <spdlog/spdlog.h>

namespace redbox::mu {
namespace {

void on_warning(void* /*user*/, const char* message) { spdlog::debug("mupdf warning: {}", message); }
void on_error(void* /*user*/, const char* message) { spdlog::debug("mupdf error: {}", message); }

}  // namespace

Context Context::create(std::size_t store_bytes) {
  fz_context* raw = fz_new_context(nullptr, nullptr, store_bytes);
  if (raw == nullptr) fail(Error::internal("cannot create MuPDF context (out of memory)"));
  Context ctx(raw);
  fz_set_warning_callback(raw, on_warning, nullptr);
  fz_set_error_callback(raw, on_error, nullptr);
  ctx.call("registering document handlers", [&] { fz_register_document_handlers(raw); }, ErrorKind::internal);
  return ctx;
}

void Context::rethrow(std::string_view what, ErrorKind kind) const {
  fz_context* ctx = ctx_.get();
  int code = fz_caught(ctx);
  std::string m(what);
  m += ": ";
  m += fz_caught_message(ctx);
  if (code == FZ_ERROR_MEMORY) kind = ErrorKind::too_large;
  throw Failure({kind, std::move(m)});
}

namespace {

Document authenticate(const Context& ctx, fz_document* raw, const std::string& name,
                      const std::optional<std::string>& password) {
  Document doc(ctx, raw);
  bool needs = ctx.call("checking encryption of " + name, [&] { return fz_needs_password(ctx, raw) != 0; });
  if (needs) {
    if (!password) fail(Error::unsupported(name + " is encrypted: give its password to open it"));
    int ok = ctx.call("authenticating " + name, [&] { return fz_authenticate_password(ctx, raw, password->c_str()); });
    if (ok == 0) fail(Error::unsupported(name + ": the password given does not open this encrypted file"));
  }
  return doc;
}

}  // namespace

Document open_document(const Context& ctx, const std::filesystem::path& path, const std::optional<std::string>& password) {
  std::string name = path.filename().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(Error::not_found(path.string() + " is not a readable file"));
  std::string p = path.string();
  fz_document* raw = ctx.call("cannot open " + name, [&] { return fz_open_document(ctx, p.c_str()); });
  return authenticate(ctx, raw, name, password);
}

Document open_document_from_memory(const Context& ctx, std::string_view bytes, std::string_view magic,
                                   const std::optional<std::string>& password) {
  std::string m(magic);
  fz_buffer* buf_raw = ctx.call("buffering document", [&] {
    return fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  });
  Buffer buf(ctx, buf_raw);
  fz_stream* stm_raw = ctx.call("opening stream", [&] { return fz_open_buffer(ctx, buf.get()); });
  Stream stm(ctx, stm_raw);
  fz_document* raw = ctx.call("cannot open " + m, [&] { return fz_open_document_with_stream(ctx, m.c_str(), stm.get()); });
  return authenticate(ctx, raw, m, password);
}

int page_count(const Context& ctx, const Document& doc) {
  return ctx.call("counting pages", [&] { return fz_count_pages(ctx, doc.get()); });
}

Page load_page(const Context& ctx, const Document& doc, int index) {
  fz_page* raw = ctx.call("loading page " + std::to_string(index + 1), [&] { return fz_load_page(ctx, doc.get(), index); });
  return Page(ctx, raw);
}

pdf_document* as_pdf(const Context& ctx, const Document& doc) { return pdf_document_from_fz_document(ctx, doc.get()); }

std::string buffer_bytes(const Context& ctx, const Buffer& buf) {
  unsigned char* data = nullptr;
  std::size_t n = fz_buffer_storage(ctx, buf.get(), &data);
  return std::string(reinterpret_cast<const char*>(data), n);
}

}  // namespace redbox::mu
