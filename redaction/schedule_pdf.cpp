#include "redaction/schedule_pdf.h"

#include <map>
#include <utility>
#include <vector>

#include "common/mupdf.h"

namespace redbox::redaction {
namespace {

constexpr float kPageWidth = 595, kPageHeight = 842;  // A4 in points
constexpr float kMargin = 56;
constexpr float kRowHeight = 16;
constexpr int kRowsPerPage = 40;

// Helvetica is a simple font with a Latin encoding: anything else prints as '?'.
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
    else if ((c & 0xC0) != 0x80) out += '?';
  }
  return out;
}

struct Row {
  std::string page, reason, count;
};

std::vector<Row> schedule_rows(const RedactionLog& log) {
  std::map<std::pair<int, std::string>, int> counts;
  for (const Mark& m : log.marks) {
    std::string reason = m.reason.empty() ? "unspecified" : m.reason;
    if (m.kind == MarkKind::whole_page) reason += " (page withheld)";
    ++counts[{m.page + 1, reason}];
  }
  std::vector<Row> rows;
  rows.reserve(counts.size());
  for (const auto& [key, n] : counts) rows.push_back({std::to_string(key.first), printable(key.second), std::to_string(n)});
  return rows;
}

void text_at(const mu::Context& ctx, fz_buffer* buf, float x, float y, float size, const char* font,
             const std::string& text) {
  fz_context* c = ctx;
  const char* s = text.c_str();
  ctx.call("writing the schedule", [&] {
    fz_append_printf(c, buf, "BT /%s %g Tf %g %g Td ", font, size, x, kPageHeight - y);
    fz_append_pdf_string(c, buf, s);
    fz_append_string(c, buf, " Tj ET\n");
  });
}

}  // namespace

Result<std::string> schedule_pdf(const RedactionLog& log, const std::string& title) {
  return guard([&]() -> std::string {
    mu::Context ctx = mu::Context::create();
    fz_context* c = ctx;
    mu::PdfDocument doc(c, ctx.call("creating the schedule", [&] { return pdf_create_document(c); }));
    mu::Font regular(c, ctx.call("loading Helvetica", [&] { return fz_new_base14_font(c, "Helvetica"); }));
    mu::Font bold(c, ctx.call("loading Helvetica-Bold", [&] { return fz_new_base14_font(c, "Helvetica-Bold"); }));
    mu::PdfObj f1(c, ctx.call("adding a font", [&] {
      return pdf_add_simple_font(c, doc.get(), regular.get(), PDF_SIMPLE_ENCODING_LATIN);
    }));
    mu::PdfObj f2(c, ctx.call("adding a font", [&] {
      return pdf_add_simple_font(c, doc.get(), bold.get(), PDF_SIMPLE_ENCODING_LATIN);
    }));

    std::vector<Row> rows = schedule_rows(log);
    int total = 0;
    for (const Row& r : rows) total += std::stoi(r.count);
    const int pages = std::max<int>(1, static_cast<int>((rows.size() + kRowsPerPage - 1) / kRowsPerPage));
    for (int p = 0; p < pages; ++p) {
      mu::Buffer contents(c, ctx.call("creating a page", [&] { return fz_new_buffer(c, 4096); }));
      float y = kMargin + 14;
      text_at(ctx, contents.get(), kMargin, y, 14, "F2", printable(title.empty() ? "Schedule of redactions" : title));
      y += 20;
      if (p == 0) {
        text_at(ctx, contents.get(), kMargin, y, 10, "F1",
                std::to_string(total) + " redaction(s). Each row gives a page, the reason for withholding and how "
                                         "many redactions on that page carry it.");
        y += 22;
      }
      text_at(ctx, contents.get(), kMargin, y, 11, "F2", "Page");
      text_at(ctx, contents.get(), kMargin + 50, y, 11, "F2", "Reason");
      text_at(ctx, contents.get(), kPageWidth - kMargin - 40, y, 11, "F2", "Count");
      y += kRowHeight;
      const std::size_t first = static_cast<std::size_t>(p) * kRowsPerPage;
      for (std::size_t i = first; i < rows.size() && i < first + kRowsPerPage; ++i) {
        std::string reason = rows[i].reason.size() > 80 ? rows[i].reason.substr(0, 77) + "..." : rows[i].reason;
        text_at(ctx, contents.get(), kMargin, y, 10, "F1", rows[i].page);
        text_at(ctx, contents.get(), kMargin + 50, y, 10, "F1", reason);
        text_at(ctx, contents.get(), kPageWidth - kMargin - 40, y, 10, "F1", rows[i].count);
        y += kRowHeight;
      }
      if (rows.empty()) text_at(ctx, contents.get(), kMargin, y, 10, "F1", "No redactions.");
      text_at(ctx, contents.get(), kMargin, kPageHeight - kMargin + 20, 8, "F1",
              "Page " + std::to_string(p + 1) + " of " + std::to_string(pages));
      mu::PdfObj resources(c, ctx.call("creating page resources", [&] {
        pdf_obj* res = pdf_new_dict(c, doc.get(), 1);
        pdf_obj* fonts = pdf_dict_put_dict(c, res, PDF_NAME(Font), 2);
        pdf_dict_puts(c, fonts, "F1", f1.get());
        pdf_dict_puts(c, fonts, "F2", f2.get());
        return res;
      }));
      mu::PdfObj page(c, ctx.call("adding a page", [&] {
        return pdf_add_page(c, doc.get(), fz_make_rect(0, 0, kPageWidth, kPageHeight), 0, resources.get(),
                            contents.get());
      }));
      ctx.call("adding a page", [&] { pdf_insert_page(c, doc.get(), -1, page.get()); });
    }

    mu::Buffer out(c, ctx.call("allocating output", [&] { return fz_new_buffer(c, 8192); }));
    ctx.call("writing the schedule", [&] {
      pdf_write_options opts{};
      opts.do_garbage = 1;
      opts.do_compress = 1;
      fz_output* o = fz_new_output_with_buffer(c, out.get());
      fz_try(c) {
        pdf_write_document(c, doc.get(), o, &opts);
        fz_close_output(c, o);
      }
      fz_always(c) { fz_drop_output(c, o); }
      fz_catch(c) { fz_rethrow(c); }
    }, ErrorKind::internal);
    return mu::buffer_bytes(ctx, out);
  });
}

}  // namespace redbox::redaction
