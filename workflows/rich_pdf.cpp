#include "workflows/rich_pdf.h"

#include <array>
#include <charconv>
#include <cmath>

#include "common/mupdf.h"
#include "workflows/detail/base14_metrics.h"
#include "workflows/detail/rich_layout.h"

namespace redbox::workflows::rich_pdf {
namespace {

using detail::kFaceCount;
using detail::LaidOutPage;

constexpr std::size_t kMaxTextBytes = 16u << 20;  // far beyond any letter; bounds memory and time
constexpr std::array<const char*, kFaceCount> kFontResource = {"F1", "F2", "F3", "F4"};  // indexed by Face

bool has_visible_text(const std::string& s) {
  for (unsigned char c : s) {
    if (c > 0x20 && c != 0x7F) return true;
  }
  return false;
}

void check(const Document& doc) {
  std::size_t bytes = doc.title.size() + doc.footer.size();
  for (const std::string& h : doc.header_lines) bytes += h.size();
  bool any_text = false;
  for (std::size_t k = 0; k < doc.blocks.size(); ++k) {
    const Block& b = doc.blocks[k];
    const std::string where = "block " + std::to_string(k + 1);
    switch (b.kind) {
      case BlockKind::paragraph:
      case BlockKind::heading:
      case BlockKind::bullet_item:
      case BlockKind::numbered_item:
        break;
      default:
        fail(Error::invalid_input(where + " has an unknown kind"));
    }
    if (b.kind == BlockKind::numbered_item && b.number < 0) {
      fail(Error::invalid_input(where + " is a numbered item with a negative number"));
    }
    for (const Run& r : b.runs) {
      if (r.change != Change::none && r.change != Change::inserted && r.change != Change::deleted) {
        fail(Error::invalid_input(where + " has a run with an unknown change mark"));
      }
      bytes += r.text.size();
      any_text = any_text || has_visible_text(r.text);
    }
    for (const std::string& l : b.margin_labels) bytes += l.size();
  }
  if (doc.blocks.empty()) fail(Error::invalid_input("the document has no blocks to print"));
  if (!any_text) fail(Error::invalid_input("the document has no text to print: every block is empty"));
  if (bytes > kMaxTextBytes) {
    fail(Error::too_large("the document holds " + std::to_string(bytes) + " bytes of text; the limit is " +
                          std::to_string(kMaxTextBytes)));
  }
}

// Numbers in content streams: fixed point, at most two decimals, no locale.
void put_number(std::string& out, double v) {
  v = std::round(v * 100.0) / 100.0;
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  if (ec != std::errc{}) fail(Error::internal("cannot format a coordinate"));
  std::string_view s(buf, static_cast<std::size_t>(end - buf));
  while (s.back() == '0') s.remove_suffix(1);
  if (s.back() == '.') s.remove_suffix(1);
  out += s;
  out += ' ';
}

void put_string(std::string& out, const std::string& winansi) {
  out += '(';
  for (char c : winansi) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  out += ')';
}

// One page's content stream: all text in one text object (absolute positions, so nothing
// depends on a viewer's own advance of the previous piece), then the rectangles.
std::string content_stream(const LaidOutPage& page) {
  std::string out = "BT\n";
  int font = -1;
  double size = -1;
  double gray = -1;
  for (const detail::PlacedText& t : page.texts) {
    if (static_cast<int>(t.face) != font || t.size != size) {
      font = static_cast<int>(t.face);
      size = t.size;
      out += '/';
      out += kFontResource[font];
      out += ' ';
      put_number(out, size);
      out += "Tf\n";
    }
    if (t.gray != gray) {
      gray = t.gray;
      put_number(out, gray);
      out += "g\n";
    }
    out += "1 0 0 1 ";
    put_number(out, t.x);
    put_number(out, t.y);
    out += "Tm ";
    put_string(out, t.text);
    out += " Tj\n";
  }
  out += "ET\n";
  gray = -1;
  for (const detail::PlacedRect& r : page.rects) {
    if (r.gray != gray) {
      gray = r.gray;
      put_number(out, gray);
      out += "g\n";
    }
    put_number(out, r.x);
    put_number(out, r.y);
    put_number(out, r.width);
    put_number(out, r.height);
    out += "re f\n";
  }
  return out;
}

// Assembles the PDF with MuPDF: four non-embedded Base-14 fonts shared by every page, one
// content stream per page, /Title in the Info dictionary. No dates, no random /ID: the same
// document gives the same bytes.
std::string write_pdf(const std::vector<std::string>& contents, const std::string& title) {
  mu::Context ctx = mu::Context::create(16 << 20);
  constexpr ErrorKind kBug = ErrorKind::internal;  // our own objects: any failure is a bug or out of memory
  mu::PdfDocument doc(ctx, ctx.call("creating the PDF", [&] { return pdf_create_document(ctx); }, kBug));
  pdf_document* d = doc.get();

  mu::PdfObj resources(ctx, ctx.call("creating page resources", [&] { return pdf_add_new_dict(ctx, d, 1); }, kBug));
  pdf_obj* res = resources.get();
  pdf_obj* font_dict = ctx.call("creating page resources", [&] { return pdf_dict_put_dict(ctx, res, PDF_NAME(Font), kFaceCount); }, kBug);
  for (int f = 0; f < kFaceCount; ++f) {
    const char* base_font = detail::helvetica_family()[f].postscript_name;
    const char* resource_name = kFontResource[f];
    mu::PdfObj font(ctx, ctx.call("adding a font", [&] { return pdf_add_new_dict(ctx, d, 4); }, kBug));
    pdf_obj* fo = font.get();
    ctx.call("adding a font", [&] {
      pdf_dict_put(ctx, fo, PDF_NAME(Type), PDF_NAME(Font));
      pdf_dict_put(ctx, fo, PDF_NAME(Subtype), PDF_NAME(Type1));
      pdf_dict_put_name(ctx, fo, PDF_NAME(BaseFont), base_font);
      pdf_dict_put(ctx, fo, PDF_NAME(Encoding), PDF_NAME(WinAnsiEncoding));
      pdf_dict_puts(ctx, font_dict, resource_name, fo);
    }, kBug);
  }

  const fz_rect mediabox = fz_make_rect(0, 0, static_cast<float>(detail::kA4Width), static_cast<float>(detail::kA4Height));
  for (std::size_t p = 0; p < contents.size(); ++p) {
    const auto* data = reinterpret_cast<const unsigned char*>(contents[p].data());
    const std::size_t size = contents[p].size();
    mu::Buffer buffer(ctx, ctx.call("adding a page", [&] { return fz_new_buffer_from_copied_data(ctx, data, size); }, kBug));
    fz_buffer* buf = buffer.get();
    mu::PdfObj page(ctx, ctx.call("adding a page", [&] { return pdf_add_page(ctx, d, mediabox, 0, res, buf); }, kBug));
    pdf_obj* pg = page.get();
    ctx.call("adding a page", [&] { pdf_insert_page(ctx, d, -1, pg); }, kBug);
  }

  mu::PdfObj info(ctx, ctx.call("adding document information", [&] { return pdf_add_new_dict(ctx, d, 2); }, kBug));
  pdf_obj* in = info.get();
  const char* title_text = title.c_str();
  const bool has_title = !title.empty();
  ctx.call("adding document information", [&] {
    if (has_title) pdf_dict_put_text_string(ctx, in, PDF_NAME(Title), title_text);  // UTF-16 when needed
    pdf_dict_put_text_string(ctx, in, PDF_NAME(Producer), "Redbox");
    pdf_dict_put(ctx, pdf_trailer(ctx, d), PDF_NAME(Info), in);
  }, kBug);

  mu::Buffer out_buffer(ctx, ctx.call("writing the PDF", [&] { return fz_new_buffer(ctx, 64 << 10); }, kBug));
  fz_buffer* ob = out_buffer.get();
  mu::Output out(ctx, ctx.call("writing the PDF", [&] { return fz_new_output_with_buffer(ctx, ob); }, kBug));
  fz_output* o = out.get();
  pdf_write_options opts = pdf_default_write_options;
  opts.do_compress = 1;
  opts.do_garbage = 1;
  opts.dont_regenerate_id = 1;  // deterministic bytes
  ctx.call("writing the PDF", [&] {
    pdf_write_document(ctx, d, o, &opts);
    fz_close_output(ctx, o);
  }, kBug);
  return mu::buffer_bytes(ctx, out_buffer);
}

}  // namespace

Result<std::string> render(const Document& document) {
  return guard([&] {
    check(document);
    const std::vector<LaidOutPage> pages = detail::lay_out(document);
    std::vector<std::string> contents;
    contents.reserve(pages.size());
    for (const LaidOutPage& page : pages) contents.push_back(content_stream(page));
    return write_pdf(contents, document.title);
  });
}

}  // namespace redbox::workflows::rich_pdf
