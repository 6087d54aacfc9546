#include "samples/generator/text_page.h"

#include <cstdio>

namespace redbox::letters {
namespace {

std::string pdf_string_body(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void add_text_page(const mu::Context& ctx, pdf_document* doc, const std::vector<std::string>& lines,
                   const TextPageStyle& style) {
  char start[96];
  std::snprintf(start, sizeof start, "BT /F1 %g Tf %g TL %g %g Td\n", style.size, style.leading, style.left, style.first_baseline);
  std::string content = start;
  for (const auto& l : lines) content += "(" + pdf_string_body(l) + ") Tj T*\n";
  content += "ET\n";
  const char* font_name = style.font;
  mu::Font font(ctx, ctx.call("loading a Base-14 font", [&] { return fz_new_base14_font(ctx, font_name); }));
  mu::PdfObj font_ref(ctx, ctx.call("adding the font", [&] {
    return pdf_add_simple_font(ctx, doc, font.get(), PDF_SIMPLE_ENCODING_LATIN);
  }));
  mu::Buffer buf(ctx, ctx.call("page content", [&] {
    return fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  }));
  mu::PdfObj res(ctx, ctx.call("page resources", [&] { return pdf_new_dict(ctx, doc, 1); }));
  ctx.call("page resources", [&] {
    pdf_obj* fonts = pdf_dict_put_dict(ctx, res.get(), PDF_NAME(Font), 1);
    pdf_dict_puts(ctx, fonts, "F1", font_ref.get());
  });
  mu::PdfObj page(ctx, ctx.call("adding the page", [&] {
    return pdf_add_page(ctx, doc, fz_make_rect(0, 0, 595, 842), 0, res.get(), buf.get());
  }));
  ctx.call("adding the page", [&] { pdf_insert_page(ctx, doc, -1, page.get()); });
}

}  // namespace redbox::letters
