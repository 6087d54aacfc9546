#include "support/letter_pdfs.h"

#include "common/files.h"
#include "common/mupdf.h"

namespace redbox::test {
namespace {

constexpr float kWidth = 595, kHeight = 842, kMargin = 60, kLeading = 14, kSize = 11;
constexpr std::size_t kWrap = 85;

std::string to_latin1(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    int rune = 0;
    int n = fz_chartorune(&rune, utf8.c_str() + i);
    if (n <= 0) break;
    i += static_cast<std::size_t>(n);
    out += rune < 256 ? static_cast<char>(rune) : '?';
  }
  return out;
}

std::vector<std::string> wrapped_lines(const std::string& page) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= page.size()) {
    std::size_t nl = page.find('\n', start);
    std::string line = to_latin1(page.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    while (line.size() > kWrap) {
      std::size_t cut = line.rfind(' ', kWrap);
      if (cut == std::string::npos || cut == 0) cut = kWrap;
      lines.push_back(line.substr(0, cut));
      line = line.substr(cut + (line[cut] == ' ' ? 1 : 0));
    }
    lines.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string pdf_string(const std::string& s) {
  std::string out = "(";
  for (unsigned char c : s) {
    if (c == '(' || c == ')' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + ")";
}

// The text operators of one page; render_mode 3 draws nothing but stays extractable.
std::string text_content(const std::string& page, int render_mode) {
  std::string out = "BT /F1 " + std::to_string(kSize) + " Tf " + std::to_string(kLeading) + " TL " +
                    std::to_string(render_mode) + " Tr " + std::to_string(kMargin) + " " +
                    std::to_string(kHeight - kMargin) + " Td\n";
  for (const std::string& line : wrapped_lines(page)) out += pdf_string(line) + " Tj T*\n";
  return out + "ET\n";
}

// Builds a PDF with one page per entry of contents; image (may be empty) per page drawn full-page.
std::string build_pdf(const mu::Context& ctx, const std::vector<std::string>& contents,
                      const std::vector<fz_image*>& images) {
  fz_context* c = ctx;
  mu::PdfDocument doc(c, ctx.call("create", [&] { return pdf_create_document(c); }));
  mu::Font font(c, ctx.call("font", [&] { return fz_new_base14_font(c, "Helvetica"); }));
  mu::PdfObj fref(c, ctx.call("font", [&] { return pdf_add_simple_font(c, doc.get(), font.get(), PDF_SIMPLE_ENCODING_LATIN); }));
  for (std::size_t i = 0; i < contents.size(); ++i) {
    fz_image* image = i < images.size() ? images[i] : nullptr;
    std::string content = contents[i];
    if (image != nullptr) {
      content = "q " + std::to_string(kWidth) + " 0 0 " + std::to_string(kHeight) + " 0 0 cm /Im0 Do Q\n" + content;
    }
    const std::string& body = content;
    mu::Buffer buf(c, ctx.call("buffer", [&] {
      return fz_new_buffer_from_copied_data(c, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    }));
    mu::PdfObj res(c, ctx.call("resources", [&] {
      pdf_obj* r = pdf_new_dict(c, doc.get(), 2);
      pdf_obj* fonts = pdf_dict_put_dict(c, r, PDF_NAME(Font), 1);
      pdf_dict_puts(c, fonts, "F1", fref.get());
      if (image != nullptr) {
        pdf_obj* xobjs = pdf_dict_put_dict(c, r, PDF_NAME(XObject), 1);
        pdf_obj* im = pdf_add_image(c, doc.get(), image);
        pdf_dict_puts_drop(c, xobjs, "Im0", im);
      }
      return r;
    }));
    mu::PdfObj page(c, ctx.call("page", [&] {
      return pdf_add_page(c, doc.get(), fz_make_rect(0, 0, kWidth, kHeight), 0, res.get(), buf.get());
    }));
    ctx.call("page", [&] { pdf_insert_page(c, doc.get(), -1, page.get()); });
  }
  mu::Buffer out(c, ctx.call("out", [&] { return fz_new_buffer(c, 1 << 16); }));
  ctx.call("write", [&] {
    pdf_write_options opts{};
    opts.do_compress = 1;
    opts.do_compress_images = 1;
    fz_output* o = fz_new_output_with_buffer(c, out.get());
    fz_try(c) {
      pdf_write_document(c, doc.get(), o, &opts);
      fz_close_output(c, o);
    }
    fz_always(c) { fz_drop_output(c, o); }
    fz_catch(c) { fz_rethrow(c); }
  });
  return mu::buffer_bytes(ctx, out);
}

}  // namespace

void write_text_pdf(const std::vector<std::string>& pages, const std::filesystem::path& out) {
  mu::Context ctx = mu::Context::create();
  std::vector<std::string> contents;
  for (const auto& p : pages) contents.push_back(text_content(p, 0));
  write_file_atomic(out, build_pdf(ctx, contents, {})).throw_if_error();
}

void write_scanned_pdf(const std::vector<std::string>& pages, const std::filesystem::path& out, bool with_text_layer,
                       int dpi) {
  mu::Context ctx = mu::Context::create();
  fz_context* c = ctx;
  std::vector<std::string> visible, invisible;
  for (const auto& p : pages) {
    visible.push_back(text_content(p, 0));
    invisible.push_back(with_text_layer ? text_content(p, 3) : std::string());
  }
  const std::string born_digital = build_pdf(ctx, visible, {});
  mu::Document doc = mu::open_document_from_memory(ctx, born_digital, "application/pdf");
  std::vector<mu::Image> images;
  std::vector<fz_image*> raw;
  for (int p = 0; p < static_cast<int>(pages.size()); ++p) {
    const float scale = static_cast<float>(dpi) / 72.0f;
    mu::Pixmap pix(c, ctx.call("render", [&] {
      return fz_new_pixmap_from_page_number(c, doc.get(), p, fz_scale(scale, scale), fz_device_gray(c), 0);
    }));
    images.emplace_back(c, ctx.call("image", [&] { return fz_new_image_from_pixmap(c, pix.get(), nullptr); }));
    raw.push_back(images.back().get());
  }
  write_file_atomic(out, build_pdf(ctx, invisible, raw)).throw_if_error();
}

}  // namespace redbox::test
