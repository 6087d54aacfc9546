// RAII ownership of MuPDF handles, and the one place where MuPDF's setjmp-based errors become
// redbox::Failure.
//
// Threading: a Context belongs to one thread. Each worker creates its own independent Context
// (measured: cloned contexts serialise on shared store locks, 1.1x on 2 threads, while
// independent contexts scale 1.9x). Handles must be dropped on their context's thread.
//
// Calling MuPDF: wrap calls that may throw in ctx.call("what", [&] { ... }). Inside the lambda,
// call MuPDF functions only and create no C++ objects with destructors: a MuPDF error
// longjmps out of the lambda, skipping destructors. Anything returned must be trivially
// copyable (a pointer, a number).
#pragma once

extern "C" {
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
}

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/error.h"

namespace redbox::mu {

// Owner of one MuPDF object kind. Drop must never throw (MuPDF's drop functions do not).
template <typename T, void (*Drop)(fz_context*, T*)>
class Handle {
 public:
  Handle() = default;
  Handle(fz_context* ctx, T* ptr) : ctx_(ctx), ptr_(ptr) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : ctx_(o.ctx_), ptr_(std::exchange(o.ptr_, nullptr)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      ctx_ = o.ctx_;
      ptr_ = std::exchange(o.ptr_, nullptr);
    }
    return *this;
  }
  ~Handle() { reset(); }

  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }
  T* release() { return std::exchange(ptr_, nullptr); }
  void reset() {
    if (ptr_ != nullptr) Drop(ctx_, std::exchange(ptr_, nullptr));
  }

 private:
  fz_context* ctx_ = nullptr;
  T* ptr_ = nullptr;
};

using Document = Handle<fz_document, fz_drop_document>;
using Page = Handle<fz_page, fz_drop_page>;
using Pixmap = Handle<fz_pixmap, fz_drop_pixmap>;
using Buffer = Handle<fz_buffer, fz_drop_buffer>;
using StextPage = Handle<fz_stext_page, fz_drop_stext_page>;
using Device = Handle<fz_device, fz_drop_device>;
using Output = Handle<fz_output, fz_drop_output>;
using Image = Handle<fz_image, fz_drop_image>;
using Font = Handle<fz_font, fz_drop_font>;
using Stream = Handle<fz_stream, fz_drop_stream>;
using Colorspace = Handle<fz_colorspace, fz_drop_colorspace>;
using PdfDocument = Handle<pdf_document, pdf_drop_document>;
using PdfObj = Handle<pdf_obj, pdf_drop_obj>;
// pdf_page is an fz_page; own it through Page (fz_drop_page).
using PdfAnnot = Handle<pdf_annot, pdf_drop_annot>;
using DocumentWriter = Handle<fz_document_writer, fz_drop_document_writer>;

class Context {
 public:
  // An independent context (no locks: do not share across threads). store_bytes bounds
  // MuPDF's resource cache. Warnings go to spdlog at debug level instead of stderr.
  static Context create(std::size_t store_bytes = FZ_STORE_DEFAULT);

  Context(Context&&) noexcept = default;
  Context& operator=(Context&&) noexcept = default;
  fz_context* get() const { return ctx_.get(); }
  operator fz_context*() const { return ctx_.get(); }  // NOLINT(google-explicit-constructor)

  // Runs fn under fz_try. A MuPDF error becomes Failure{kind, "<what>: <MuPDF message>"}
  // (out-of-memory becomes too_large). See the file comment for what fn may do.
  template <typename Fn>
  auto call(std::string_view what, Fn&& fn, ErrorKind kind = ErrorKind::invalid_input) const {
    using R = decltype(fn());
    fz_context* ctx = ctx_.get();
    if constexpr (std::is_void_v<R>) {
      fz_try(ctx) { fn(); }
      fz_catch(ctx) { rethrow(what, kind); }
    } else {
      static_assert(std::is_trivially_copyable_v<R>, "MuPDF calls may return only trivially copyable values");
      // Written through a pointer so the value lives in memory, not a register setjmp may clobber.
      R result{};
      R* const out = &result;
      fz_try(ctx) { *out = fn(); }
      fz_catch(ctx) { rethrow(what, kind); }
      return result;
    }
  }

 private:
  struct Dropper {
    void operator()(fz_context* c) const { fz_drop_context(c); }
  };
  explicit Context(fz_context* ctx) : ctx_(ctx) {}
  [[noreturn]] void rethrow(std::string_view what, ErrorKind kind) const;
  std::unique_ptr<fz_context, Dropper> ctx_;
};

// Opens a document of any type MuPDF knows (PDF, images, ...). An encrypted PDF is opened with
// password when given; without one (or with a wrong one) the error is unsupported and says so.
// A file MuPDF cannot parse at all is invalid_input naming the file.
Document open_document(const Context& ctx, const std::filesystem::path& path,
                       const std::optional<std::string>& password = std::nullopt);
// Same, from bytes in memory; magic is a file name or media type used to pick the handler.
Document open_document_from_memory(const Context& ctx, std::string_view bytes, std::string_view magic,
                                   const std::optional<std::string>& password = std::nullopt);
int page_count(const Context& ctx, const Document& doc);
Page load_page(const Context& ctx, const Document& doc, int index);
// The PDF view of a document, or null when it is not a PDF (borrowed, not owned).
pdf_document* as_pdf(const Context& ctx, const Document& doc);
// Copies a buffer's bytes out.
std::string buffer_bytes(const Context& ctx, const Buffer& buf);

}  // namespace redbox::mu
