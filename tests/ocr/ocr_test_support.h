// Helpers for the OCR tests: generated pages with known text (born-digital PDFs, and scans of
// them rendered, rotated and skewed with MuPDF and Leptonica), MuPDF look-ups on outputs, and
// word accuracy through bench/ocr/accuracy (the same script the benchmark uses).
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/leptonica.h"
#include "common/mupdf.h"
#include "common/pdf_text.h"
#include "samples/generator/text_page.h"
#include "support/test_support.h"

namespace redbox::ocrtest {

namespace fs = std::filesystem;

// A short letter with ordinary words (all in the eng dictionary) and some numbers.
inline const std::vector<std::string>& letter_lines() {
  static const std::vector<std::string> lines = {
      "Department for Correspondence and Records",
      "Our reference B2024/0457 dated 14 March 2024",
      "Dear Mrs Thompson,",
      "Thank you for your letter about the planning application",
      "for the extension at 42 Station Road, Northampton.",
      "We have considered the points you raised carefully and",
      "asked the council to review the decision before the end",
      "of the month. A copy of their reply will be sent to you",
      "as soon as it arrives at this office.",
      "Please quote the reference above in any further letters.",
      "Yours sincerely,",
      "Margaret Ellison, Casework Manager",
  };
  return lines;
}

inline std::string joined_letter() {
  std::string all;
  for (const auto& l : letter_lines()) all += l + "\n";
  return all;
}

// Writes a one-page born-digital PDF (A4, Helvetica, 13 pt unless said) with the given lines.
inline void write_text_pdf(const fs::path& out, const std::vector<std::string>& lines, float size = 13) {
  mu::Context ctx = mu::Context::create();
  mu::PdfDocument doc(ctx, ctx.call("create", [&] { return pdf_create_document(ctx); }));
  letters::TextPageStyle style;
  style.size = size;
  style.leading = size * 18 / 13;
  letters::add_text_page(ctx, doc.get(), lines, style);
  const std::string path = out.string();
  ctx.call("save", [&] {
    pdf_write_options opts = pdf_default_write_options;
    pdf_save_document(ctx, doc.get(), path.c_str(), &opts);
  });
}

// Renders a page to an 8 bpp Leptonica image at dpi.
inline lept::Pix render_gray(const fs::path& pdf, int page_index, double dpi) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  mu::Page page = mu::load_page(ctx, doc, page_index);
  const auto s = static_cast<float>(dpi / 72.0);
  mu::Pixmap pm(ctx, ctx.call("render", [&] {
    return fz_new_pixmap_from_page(ctx, page.get(), fz_scale(s, s), fz_device_gray(ctx), 0);
  }));
  lept::Pix pix(pixCreate(pm->w, pm->h, 8));
  for (int y = 0; y < pm->h; ++y)
    for (int x = 0; x < pm->w; ++x)
      pixSetPixel(pix.get(), x, y, pm->samples[static_cast<std::ptrdiff_t>(y) * pm->stride + x]);
  pixSetResolution(pix.get(), static_cast<l_int32>(dpi), static_cast<l_int32>(dpi));
  return pix;
}

// A scan of a generated page: rendered at dpi, turned `degrees` clockwise about the centre
// (Leptonica's convention), same canvas size, white brought in.
inline lept::Pix skewed_scan(const fs::path& pdf, double dpi, double degrees) {
  lept::Pix gray = render_gray(pdf, 0, dpi);
  lept::Pix turned(pixRotate(gray.get(), static_cast<float>(degrees * M_PI / 180.0), L_ROTATE_AREA_MAP,
                             L_BRING_IN_WHITE, 0, 0));
  pixSetResolution(turned.get(), static_cast<l_int32>(dpi), static_cast<l_int32>(dpi));
  return turned;
}

// Where a point of the upright page (points) lands on the skewed scan (points): the same
// centre rotation as pixRotate, in page units.
inline std::array<double, 2> rotate_about_centre(double x, double y, double degrees, double w, double h) {
  const double r = degrees * M_PI / 180.0, c = std::cos(r), s = std::sin(r);
  const double dx = x - w / 2, dy = y - h / 2;
  return {w / 2 + c * dx - s * dy, h / 2 + s * dx + c * dy};
}

inline void write_pix(const fs::path& path, PIX* pix, int format) {
  REQUIRE(pixWrite(path.string().c_str(), pix, format) == 0);
}

inline std::string read_text(const fs::path& p) { return read_file(p).value(); }

inline void write_text(const fs::path& p, const std::string& text) { write_file_atomic(p, text).throw_if_error(); }

// Word accuracy (1 - WER) from bench/ocr/accuracy; extra e.g. {"--page", "2"}.
inline double word_accuracy(const fs::path& truth, const fs::path& ocr_text, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {test::source_path("bench/ocr/accuracy").string(), truth.string(), ocr_text.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = test::run_process("python3", args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return std::stod(r.out);
}

// Boxes as [x0, y0, x1, y1].
using WordBox = std::array<double, 4>;

inline double overlap_ratio(const WordBox& a, const WordBox& b) {
  const double ix = std::max(0.0, std::min(a[2], b[2]) - std::max(a[0], b[0]));
  const double iy = std::max(0.0, std::min(a[3], b[3]) - std::max(a[1], b[1]));
  const double inter = ix * iy;
  const double smaller = std::min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
  return smaller > 0 ? inter / smaller : 0;
}

// Every hit of needle on a page of a PDF, via MuPDF's own text search (what a viewer does).
inline std::vector<WordBox> search_page(const fs::path& pdf, int page_index, const std::string& needle) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  mu::Page page = mu::load_page(ctx, doc, page_index);
  std::array<fz_quad, 64> quads{};
  fz_quad* q = quads.data();
  const char* n = needle.c_str();
  // fz_search_page is this plus FZ_STEXT_DEHYPHENATE, with which MuPDF 1.21's text device leaks
  // a font reference (seen under LeakSanitizer and with `mutool run` under valgrind).
  fz_stext_options opts{};
  mu::StextPage text(ctx, ctx.call("search", [&] { return fz_new_stext_page_from_page(ctx, page.get(), &opts); }));
  int hits = ctx.call("search", [&] { return fz_search_stext_page(ctx, text.get(), n, nullptr, q, 64); });
  std::vector<WordBox> out;
  for (int i = 0; i < hits; ++i) {
    fz_rect r = fz_rect_from_quad(quads[static_cast<std::size_t>(i)]);
    out.push_back({r.x0, r.y0, r.x1, r.y1});
  }
  return out;
}

// The words of a page as MuPDF reads them (born-digital truth).
inline pdftext::PageText pdf_words(const fs::path& pdf, int page_index) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  mu::Page page = mu::load_page(ctx, doc, page_index);
  return pdftext::extract(ctx, page.get());
}

inline int pdf_page_count(const fs::path& pdf) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  return mu::page_count(ctx, doc);
}

// The /Filter names of every image XObject on a page (resources of the page itself).
inline std::vector<std::string> page_image_filters(const fs::path& pdf, int page_index) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  pdf_document* p = mu::as_pdf(ctx, doc);
  std::vector<std::string> out;
  pdf_obj* xobjs = ctx.call("xobj", [&] {
    pdf_obj* page = pdf_lookup_page_obj(ctx, p, page_index);
    pdf_obj* res = pdf_dict_get_inheritable(ctx, page, PDF_NAME(Resources));
    return pdf_dict_get(ctx, res, PDF_NAME(XObject));
  });
  const int n = ctx.call("len", [&] { return pdf_dict_len(ctx, xobjs); });
  for (int i = 0; i < n; ++i) {
    const char* name = ctx.call("filter", [&] {
      pdf_obj* x = pdf_dict_get_val(ctx, xobjs, i);
      pdf_obj* f = pdf_dict_get(ctx, x, PDF_NAME(Filter));
      if (pdf_is_array(ctx, f)) f = pdf_array_get(ctx, f, 0);
      return pdf_to_name(ctx, f);
    });
    out.emplace_back(name);
  }
  return out;
}

// The raw (still encoded) bytes of the first image XObject on a page.
inline std::string first_image_raw_bytes(const fs::path& pdf, int page_index) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  pdf_document* p = mu::as_pdf(ctx, doc);
  mu::Buffer buf(ctx, ctx.call("raw", [&] {
    pdf_obj* page = pdf_lookup_page_obj(ctx, p, page_index);
    pdf_obj* res = pdf_dict_get_inheritable(ctx, page, PDF_NAME(Resources));
    pdf_obj* x = pdf_dict_get_val(ctx, pdf_dict_get(ctx, res, PDF_NAME(XObject)), 0);
    return pdf_load_raw_stream(ctx, x);
  }));
  return mu::buffer_bytes(ctx, buf);
}

// Mean absolute difference of two renders of pages (same size required), 0..255.
inline double render_difference(const fs::path& a, int page_a, const fs::path& b, int page_b, double dpi) {
  lept::Pix pa = render_gray(a, page_a, dpi), pb = render_gray(b, page_b, dpi);
  REQUIRE(pixGetWidth(pa.get()) == pixGetWidth(pb.get()));
  REQUIRE(pixGetHeight(pa.get()) == pixGetHeight(pb.get()));
  double total = 0;
  const int w = pixGetWidth(pa.get()), h = pixGetHeight(pa.get());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      l_uint32 va = 0, vb = 0;
      pixGetPixel(pa.get(), x, y, &va);
      pixGetPixel(pb.get(), x, y, &vb);
      total += std::fabs(static_cast<double>(va) - static_cast<double>(vb));
    }
  return total / (static_cast<double>(w) * h);
}

inline nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(read_text(p)); }

inline WordBox box_of(const nlohmann::json& j) { return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>(), j[3].get<double>()}; }

// The first word of a page in the words JSON whose text equals `text` (punctuation included).
inline const nlohmann::json* find_word(const nlohmann::json& page, const std::string& text) {
  for (const auto& w : page["words"])
    if (w["text"] == text) return &w;
  return nullptr;
}

}  // namespace redbox::ocrtest
