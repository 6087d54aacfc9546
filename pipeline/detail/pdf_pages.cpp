#include "pipeline/detail/pdf_pages.h"

#include "common/mupdf.h"

namespace redbox::pipeline::detail {
namespace {

struct GraftMapDeleter {
  fz_context* ctx;
  void operator()(pdf_graft_map* map) const { pdf_drop_graft_map(ctx, map); }
};

}  // namespace

Result<std::string> extract_pdf_pages(const std::filesystem::path& source, const std::vector<int>& pages) {
  return guard([&] {
    const std::string name = source.filename().string();
    mu::Context ctx = mu::Context::create(32 << 20);
    mu::Document doc = mu::open_document(ctx, source);
    pdf_document* src = mu::as_pdf(ctx, doc);
    if (src == nullptr) fail(Error::invalid_input(name + " is not a PDF"));
    const int count = mu::page_count(ctx, doc);
    pdf_document* dst_raw = ctx.call("creating a PDF", [&] { return pdf_create_document(ctx); });
    mu::PdfDocument dst(ctx, dst_raw);
    pdf_graft_map* map_raw = ctx.call("copying pages", [&] { return pdf_new_graft_map(ctx, dst.get()); });
    std::unique_ptr<pdf_graft_map, GraftMapDeleter> map(map_raw, GraftMapDeleter{ctx});
    int to = 0;
    for (int from : pages) {
      if (from < 0 || from >= count) {
        fail(Error::invalid_input(name + " has no page " + std::to_string(from + 1)));
      }
      ctx.call("copying " + name + " page " + std::to_string(from + 1),
               [&] { pdf_graft_mapped_page(ctx, map.get(), to, src, from); });
      ++to;
    }
    fz_buffer* buf_raw = ctx.call("writing PDF", [&] { return fz_new_buffer(ctx, 64 << 10); });
    mu::Buffer buf(ctx, buf_raw);
    fz_output* out_raw = ctx.call("writing PDF", [&] { return fz_new_output_with_buffer(ctx, buf.get()); });
    mu::Output out(ctx, out_raw);
    pdf_write_options opts = pdf_default_write_options;
    opts.do_garbage = 1;
    opts.dont_regenerate_id = 1;  // deterministic bytes
    ctx.call("writing PDF", [&] {
      pdf_write_document(ctx, dst.get(), out.get(), &opts);
      fz_close_output(ctx, out.get());
    });
    return mu::buffer_bytes(ctx, buf);
  });
}

}  // namespace redbox::pipeline::detail
