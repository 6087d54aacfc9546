#include "pipeline/detail/bundle_part.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/sha256.h"
#include "pipeline/detail/bundle_sources.h"
#include "pipeline/detail/bundle_reencode.h"

namespace redbox::pipeline::detail {
namespace {

// Rough cost of an object's dictionary and xref entry on top of its stream bytes.
constexpr std::uint64_t kObjectOverhead = 64;

pdf_obj* new_outline_item(fz_context* ctx, pdf_document* doc, pdf_obj* parent, const char* title, pdf_obj* page) {
  pdf_obj* item = pdf_add_new_dict(ctx, doc, 4);
  fz_try(ctx) {
    pdf_dict_put_text_string(ctx, item, PDF_NAME(Title), title);
    pdf_dict_put(ctx, item, PDF_NAME(Parent), parent);
    pdf_obj* dest = pdf_dict_put_array(ctx, item, PDF_NAME(Dest), 2);
    pdf_array_push(ctx, dest, page);
    pdf_array_push(ctx, dest, PDF_NAME(Fit));
  }
  fz_catch(ctx) {
    pdf_drop_obj(ctx, item);
    fz_rethrow(ctx);
  }
  return item;
}

// Replaces the catalog's outline with one flat list of items. Runs under fz_try.
void set_outline(fz_context* ctx, pdf_document* doc, const char* const* titles, const int* pages, int count) {
  pdf_obj* root = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Root));
  pdf_dict_del(ctx, root, PDF_NAME(Outlines));
  if (count == 0) return;
  pdf_obj* outlines = pdf_add_new_dict(ctx, doc, 4);
  pdf_obj* prev = nullptr;
  fz_try(ctx) {
    pdf_dict_put(ctx, outlines, PDF_NAME(Type), PDF_NAME(Outlines));
    for (int i = 0; i < count; ++i) {
      pdf_obj* page = pdf_lookup_page_obj(ctx, doc, pages[i]);
      pdf_obj* item = new_outline_item(ctx, doc, outlines, titles[i], page);
      if (prev != nullptr) {
        pdf_dict_put(ctx, prev, PDF_NAME(Next), item);
        pdf_dict_put(ctx, item, PDF_NAME(Prev), prev);
        pdf_drop_obj(ctx, prev);
      } else {
        pdf_dict_put(ctx, outlines, PDF_NAME(First), item);
      }
      prev = item;
    }
    pdf_dict_put(ctx, outlines, PDF_NAME(Last), prev);
    pdf_dict_put_int(ctx, outlines, PDF_NAME(Count), count);
    pdf_dict_put(ctx, root, PDF_NAME(Outlines), outlines);
    pdf_dict_put(ctx, root, PDF_NAME(PageMode), PDF_NAME(UseOutlines));
  }
  fz_always(ctx) {
    pdf_drop_obj(ctx, prev);
    pdf_drop_obj(ctx, outlines);
  }
  fz_catch(ctx) { fz_rethrow(ctx); }
}

void set_info_and_id(fz_context* ctx, pdf_document* doc, const char* title, int64_t created, const unsigned char* id, size_t id_len) {
  pdf_obj* trailer = pdf_trailer(ctx, doc);
  pdf_obj* info = pdf_add_new_dict(ctx, doc, 4);
  fz_try(ctx) {
    pdf_dict_put_text_string(ctx, info, PDF_NAME(Title), title);
    pdf_dict_put_text_string(ctx, info, PDF_NAME(Producer), "Redbox");
    pdf_dict_put_drop(ctx, info, PDF_NAME(CreationDate), pdf_new_date(ctx, doc, created));
    pdf_dict_put_drop(ctx, info, PDF_NAME(ModDate), pdf_new_date(ctx, doc, created));
    pdf_dict_put(ctx, trailer, PDF_NAME(Info), info);
    pdf_obj* ids = pdf_dict_put_array(ctx, trailer, PDF_NAME(ID), 2);
    pdf_array_push_drop(ctx, ids, pdf_new_string(ctx, reinterpret_cast<const char*>(id), id_len));
    pdf_array_push_drop(ctx, ids, pdf_new_string(ctx, reinterpret_cast<const char*>(id), id_len));
  }
  fz_always(ctx) { pdf_drop_obj(ctx, info); }
  fz_catch(ctx) { fz_rethrow(ctx); }
}

// The last page of doc: the last leaf of its page tree, where pdf_insert_page(-1) put it (a walk
// down the last kids, not a count through every page). Runs under fz_try.
pdf_obj* last_page_obj(fz_context* ctx, pdf_document* doc) {
  pdf_obj* node = pdf_dict_getp(ctx, pdf_trailer(ctx, doc), "Root/Pages");
  for (int depth = 0; depth < 64; ++depth) {
    pdf_obj* kids = pdf_dict_get(ctx, node, PDF_NAME(Kids));
    if (!pdf_is_array(ctx, kids)) return node;
    const int n = pdf_array_len(ctx, kids);
    if (n == 0) break;
    node = pdf_array_get(ctx, kids, n - 1);
  }
  return pdf_lookup_page_obj(ctx, doc, pdf_count_pages(ctx, doc) - 1);  // an odd tree: the slow way
}

std::uint64_t size_on_disk(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(Error::io(path.string() + ": written part is missing"));
  return static_cast<std::uint64_t>(st.st_size);
}

// Where a PDF is written: straight to the file through a 64 KB buffer, counting and hashing the
// bytes as they go. MuPDF's own file output asks the system for the position (an lseek) at
// every object, and the manifest's SHA-256 of each part would otherwise mean reading it back.
struct PdfSink {
  int fd = -1;
  std::uint64_t written = 0;
  Sha256* hash = nullptr;
};

void sink_write(fz_context* ctx, void* state, const void* data, size_t n) {
  auto* sink = static_cast<PdfSink*>(state);
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(sink->fd, bytes + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) fz_throw(ctx, FZ_ERROR_GENERIC, "%s", std::strerror(errno));
    done += static_cast<std::size_t>(w);
  }
  sink->hash->update(data, n);
  sink->written += n;
}

int64_t sink_tell(fz_context*, void* state) { return static_cast<int64_t>(static_cast<PdfSink*>(state)->written); }

WrittenFile save_pdf(const mu::Context& ctx, pdf_document* doc, const std::filesystem::path& path,
                     const pdf_write_options& options) {
  const std::string name = path.string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(Error::io("cannot write " + name + ": " + std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{fd};
  Sha256 hash;
  PdfSink sink{fd, 0, &hash};
  PdfSink* state = &sink;
  const pdf_write_options* opts = &options;
  ctx.call("cannot write " + name, [&] {
    fz_output* out = fz_new_output(ctx, 1 << 16, state, sink_write, nullptr, nullptr);
    fz_try(ctx) {
      out->tell = sink_tell;
      pdf_write_document(ctx, doc, out, opts);
      fz_close_output(ctx, out);
    }
    fz_always(ctx) { fz_drop_output(ctx, out); }
    fz_catch(ctx) { fz_rethrow(ctx); }
  }, ErrorKind::io);
  closer.fd = -1;
  if (::close(fd) != 0) fail(Error::io("cannot write " + name + ": " + std::strerror(errno)));
  // The size is checked on disk, as written, not as counted.
  const std::uint64_t size = size_on_disk(path);
  if (size != sink.written)
    fail(Error::io(name + ": " + std::to_string(size) + " bytes on disk after writing " + std::to_string(sink.written)));
  return {size, hash.finish_hex()};
}

}  // namespace

WrittenFile write_pdf(const mu::Context& ctx, pdf_document* doc, const std::filesystem::path& path,
               const std::vector<OutlineEntry>& outline, const PartMetadata& metadata) {
  std::vector<const char*> titles;
  std::vector<int> pages;
  for (const auto& e : outline) {
    titles.push_back(e.title.c_str());
    pages.push_back(e.page);
  }
  const char* const* t = titles.data();
  const int* p = pages.data();
  const int n = static_cast<int>(outline.size());
  ctx.call("writing outline", [&] { set_outline(ctx, doc, t, p, n); }, ErrorKind::internal);

  Digest id_digest{};
  {
    Sha256 h;
    h.update(metadata.id_seed);
    id_digest = h.finish();
  }
  const unsigned char* id = id_digest.data();
  const char* title = metadata.title.c_str();
  const std::int64_t created = metadata.created;
  ctx.call("writing metadata", [&] { set_info_and_id(ctx, doc, title, created, id, 16); }, ErrorKind::internal);

  pdf_write_options opts{};
  opts.do_compress = 1;
  opts.do_compress_images = 1;
  opts.do_compress_fonts = 1;
  opts.do_garbage = 2;  // drop unreferenced objects (pages cut from the part) and renumber
  opts.dont_regenerate_id = 1;  // keep our deterministic /ID
  return save_pdf(ctx, doc, path, opts);
}

PartBuilder::PartBuilder(const mu::Context& ctx, const Helvetica& helvetica)
    : ctx_(ctx), helvetica_(helvetica),
      doc_(ctx, ctx.call("creating part", [&] { return pdf_create_document(ctx); }, ErrorKind::internal)) {}

PartBuilder::~PartBuilder() {
  if (graft_map_ != nullptr) pdf_drop_graft_map(ctx_, graft_map_);
}

pdf_obj* PartBuilder::font() {
  if (!font_) {
    pdf_document* d = doc_.get();
    font_ = mu::PdfObj(ctx_, ctx_.call("adding font", [&] { return Helvetica::add_font(ctx_, d); }, ErrorKind::internal));
  }
  return font_.get();
}

std::uint64_t PartBuilder::bytes_of_objects_from(int first_object) const {
  pdf_document* d = doc_.get();
  const int end = ctx_.call("counting objects", [&] { return pdf_xref_len(ctx_, d); });
  std::uint64_t total = 0;
  for (int i = first_object; i < end; ++i) {
    pdf_xref_entry* e = ctx_.call("reading object", [&] { return pdf_get_xref_entry(ctx_, d, i); });
    total += kObjectOverhead;
    if (e != nullptr && e->stm_buf != nullptr) total += e->stm_buf->len;
  }
  return total;
}

void PartBuilder::add_source_page(pdf_document* src, const PartPage& page, const PageGeometry& geometry,
                                  const StampText& stamp) {
  pdf_document* d = doc_.get();
  if (graft_source_ != src) {
    if (graft_map_ != nullptr) pdf_drop_graft_map(ctx_, graft_map_);
    graft_map_ = nullptr;
    graft_map_ = ctx_.call("copying pages", [&] { return pdf_new_graft_map(ctx_, d); }, ErrorKind::internal);
    graft_source_ = src;
  }
  pdf_obj* f = font();
  const int before = ctx_.call("counting objects", [&] { return pdf_xref_len(ctx_, d); });
  pdf_graft_map* map = graft_map_;
  const int from = page.source_page;
  pdf_obj* page_obj = ctx_.call("cannot copy page " + std::to_string(from + 1), [&] {
    pdf_graft_mapped_page(ctx_, map, -1, src, from);
    return last_page_obj(ctx_, d);
  });
  if (!stamp.right.empty() || !stamp.centre.empty())
    stamp_page(ctx_, helvetica_, d, page_obj, f, geometry, stamp);
  PartPage added = page;
  added.estimated_bytes = bytes_of_objects_from(before);
  pages_.push_back(added);
}

void PartBuilder::add_generated_page(fz_rect mediabox, const std::string& content, const PartPage& page,
                                     const StampText& stamp) {
  pdf_document* d = doc_.get();
  pdf_obj* f = font();
  const int before = ctx_.call("counting objects", [&] { return pdf_xref_len(ctx_, d); });
  const char* text = content.c_str();
  const std::size_t len = content.size();
  pdf_obj* page_obj = ctx_.call("adding generated page", [&] {
    pdf_obj* res = nullptr;
    pdf_obj* pg = nullptr;
    fz_buffer* buf = nullptr;
    fz_var(res);
    fz_var(pg);
    fz_var(buf);
    fz_try(ctx_) {
      buf = fz_new_buffer_from_copied_data(ctx_, reinterpret_cast<const unsigned char*>(text), len);
      res = pdf_new_dict(ctx_, d, 1);
      pdf_obj* fonts = pdf_dict_put_dict(ctx_, res, PDF_NAME(Font), 1);
      pdf_dict_puts(ctx_, fonts, "RbxHelv", f);
      pg = pdf_add_page(ctx_, d, mediabox, 0, res, buf);
      pdf_insert_page(ctx_, d, -1, pg);
    }
    fz_always(ctx_) {
      pdf_drop_obj(ctx_, pg);
      pdf_drop_obj(ctx_, res);
      fz_drop_buffer(ctx_, buf);
    }
    fz_catch(ctx_) { fz_rethrow(ctx_); }
    return last_page_obj(ctx_, d);
  }, ErrorKind::internal);
  PageGeometry geometry;
  geometry.bounds = mediabox;
  geometry.content = fz_empty_rect;  // generated pages keep the band free
  if (!stamp.right.empty() || !stamp.centre.empty()) stamp_page(ctx_, helvetica_, d, page_obj, f, geometry, stamp);
  PartPage added = page;
  added.estimated_bytes = bytes_of_objects_from(before);
  pages_.push_back(added);
}

int PartBuilder::reencode_last_page(int dpi, const std::string& describe) {
  if (pages_.empty()) return 0;
  pdf_document* d = doc_.get();
  const int before = ctx_.call("counting objects", [&] { return pdf_xref_len(ctx_, d); });
  const ReencodeResult r = reencode_page_images(ctx_, d, static_cast<int>(pages_.size()) - 1, dpi, describe);
  if (r.images_reencoded == 0) return 0;
  // The replaced images' objects stay in the xref until the part is written (then dropped as
  // unreferenced): take them out of the estimate and count the new ones instead.
  auto& estimate = pages_.back().estimated_bytes;
  estimate = estimate > r.bytes_before ? estimate - r.bytes_before : 0;
  estimate += bytes_of_objects_from(before);
  return r.images_reencoded;
}

void PartBuilder::drop_last(int n) {
  pdf_document* d = doc_.get();
  for (int k = 0; k < n && !pages_.empty(); ++k) {
    const int last = static_cast<int>(pages_.size()) - 1;
    ctx_.call("removing page", [&] { pdf_delete_page(ctx_, d, last); }, ErrorKind::internal);
    pages_.pop_back();
  }
}

std::uint64_t PartBuilder::estimated_bytes() const {
  std::uint64_t total = 1024;  // header, catalog, info, xref trailer
  for (const auto& p : pages_) total += p.estimated_bytes;
  return total;
}

WrittenFile PartBuilder::write(const std::filesystem::path& path, const std::vector<OutlineEntry>& outline,
                               const PartMetadata& metadata) {
  if (written_) fail(Error::internal("part written twice"));
  written_ = true;
  if (graft_map_ != nullptr) pdf_drop_graft_map(ctx_, graft_map_);
  graft_map_ = nullptr;
  graft_source_ = nullptr;
  font_.reset();  // object numbers change when the document is renumbered on writing
  return write_pdf(ctx_, doc_.get(), path, outline, metadata);
}

WrittenFile PartBuilder::rewrite_generated_pages(const std::filesystem::path& out_path,
                                                const std::map<int, std::string>& contents_by_page) {
  if (!written_) fail(Error::internal("rewriting a part that was never written"));
  const mu::Context& ctx = ctx_;
  pdf_document* d = doc_.get();
  for (const auto& [page_index, content] : contents_by_page) {
    const char* text = content.c_str();
    const std::size_t len = content.size();
    const int index = page_index;
    ctx.call("rewriting generated page", [&] {
      fz_buffer* buf = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(text), len);
      fz_try(ctx) {
        pdf_obj* page = pdf_lookup_page_obj(ctx, d, index);
        pdf_obj* contents = pdf_dict_get(ctx, page, PDF_NAME(Contents));
        // Stamped generated pages hold [prefix, content, suffix]; unstamped ones one stream.
        if (pdf_is_array(ctx, contents) && pdf_array_len(ctx, contents) == 3)
          pdf_update_stream(ctx, d, pdf_array_get(ctx, contents, 1), buf, 0);
        else if (pdf_is_stream(ctx, contents))
          pdf_update_stream(ctx, d, contents, buf, 0);
        else
          fz_throw(ctx, FZ_ERROR_GENERIC, "unexpected content layout");
      }
      fz_always(ctx) { fz_drop_buffer(ctx, buf); }
      fz_catch(ctx) { fz_rethrow(ctx); }
    }, ErrorKind::internal);
  }
  // The outline, metadata and /ID written with the part stay as they are, and the streams were
  // replaced in place, so there is nothing to collect or renumber.
  pdf_write_options opts{};
  opts.do_compress = 1;
  opts.do_compress_images = 1;
  opts.do_compress_fonts = 1;
  opts.dont_regenerate_id = 1;
  return save_pdf(ctx, d, out_path, opts);
}

}  // namespace redbox::pipeline::detail
