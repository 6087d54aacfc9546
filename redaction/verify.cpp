#include "redaction/verify.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/files.h"
#include "common/mupdf.h"
#include "common/sha256.h"
#include "redaction/detail/literal_set.h"

namespace redbox::redaction {

std::vector<int> VerifyReport::pages_failing_pixels() const {
  std::set<int> pixel_pages;
  std::set<int> other_pages;
  for (const VerifyFinding& f : findings) {
    if (f.check == "pixels" || f.check == "under-box") {
      pixel_pages.insert(f.page);
    } else {
      other_pages.insert(f.page);
    }
  }
  std::vector<int> out;
  if (other_pages.empty()) out.assign(pixel_pages.begin(), pixel_pages.end());
  return out;
}

std::string VerifyReport::summary() const {
  std::string s;
  for (const VerifyFinding& f : findings) {
    s += f.check;
    if (f.page >= 0) s += ", page " + std::to_string(f.page + 1);
    if (f.mark >= 0) s += ", mark " + std::to_string(f.mark + 1);
    s += ": " + f.message + "\n";
  }
  return s;
}

namespace {

constexpr std::size_t kMaxScannedStream = 256u << 20;

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
unsigned char fold(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c; }

// A value as the text check looks for it: ASCII case folded, every run of white space one
// space, trimmed. A value occurs in a page's text (normalised the same way) exactly when it
// would match there case-insensitively with any white space standing for any white space.
std::string normalise_phrase(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(fold(c));
  }
  return out;
}

// A redacted value in every byte form a PDF may hold it in.
struct ValueForms {
  std::string literal;
  std::string hex;
  std::string utf16be;
  std::string utf16le;
  std::vector<int> marks;  // indices of marks with this value
};

std::string to_hex_digits(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// UTF-8 -> UTF-16 code units (BMP and surrogate pairs).
std::vector<unsigned> utf16_units(const std::string& s) {
  std::vector<unsigned> units;
  std::size_t i = 0;
  while (i < s.size()) {
    int rune = 0;
    int n = fz_chartorune(&rune, s.c_str() + i);
    if (n <= 0) break;
    i += static_cast<std::size_t>(n);
    if (rune >= 0x10000) {
      unsigned v = static_cast<unsigned>(rune) - 0x10000;
      units.push_back(0xD800 + (v >> 10));
      units.push_back(0xDC00 + (v & 0x3FF));
    } else {
      units.push_back(static_cast<unsigned>(rune));
    }
  }
  return units;
}

// One entry per distinct value (ASCII case-insensitively), values under 3 bytes skipped.
std::vector<ValueForms> value_forms(const std::vector<Mark>& marks) {
  std::vector<ValueForms> out;
  std::unordered_map<std::string, std::size_t> by_folded;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const std::string& t = marks[i].text;
    if (t.size() < 3) continue;
    std::string folded = t;
    detail::fold_ascii(folded);
    auto [it, inserted] = by_folded.try_emplace(std::move(folded), out.size());
    if (!inserted) {
      out[it->second].marks.push_back(static_cast<int>(i));
      continue;
    }
    ValueForms v;
    v.literal = t;
    v.hex = to_hex_digits(t);
    for (unsigned u : utf16_units(t)) {
      v.utf16be += static_cast<char>((u >> 8) & 0xFF);
      v.utf16be += static_cast<char>(u & 0xFF);
      v.utf16le += static_cast<char>(u & 0xFF);
      v.utf16le += static_cast<char>((u >> 8) & 0xFF);
    }
    v.marks.push_back(static_cast<int>(i));
    out.push_back(std::move(v));
  }
  return out;
}

// Every byte form of every value, folded, in one set: literal kFormsPerValue * v + form.
constexpr int kFormsPerValue = 4;
const char* const kFormNames[kFormsPerValue] = {"literal", "hex", "UTF-16BE", "UTF-16LE"};

detail::LiteralSet byte_form_set(const std::vector<ValueForms>& forms) {
  std::vector<std::string> literals;
  literals.reserve(forms.size() * kFormsPerValue);
  for (const ValueForms& v : forms) {
    for (const std::string* f : {&v.literal, &v.hex, &v.utf16be, &v.utf16le}) {
      literals.push_back(*f);
      detail::fold_ascii(literals.back());
    }
  }
  return detail::LiteralSet(std::move(literals));
}

detail::LiteralSet phrase_set(const std::vector<ValueForms>& forms) {
  std::vector<std::string> literals;
  literals.reserve(forms.size());
  for (const ValueForms& v : forms) literals.push_back(normalise_phrase(v.literal));
  return detail::LiteralSet(std::move(literals));
}

void append_utf8(std::string& out, int c) {
  char buf[8];
  int n = fz_runetochar(buf, c);
  out.append(buf, static_cast<std::size_t>(n));
}

// The page's extracted text, normalised like normalise_phrase (lines joined by white space,
// control characters and unmapped glyphs as U+FFFD, which matches nothing).
std::string normalised_page_text(fz_stext_page* page) {
  std::string out;
  bool space = false;
  for (fz_stext_block* b = page->first_block; b != nullptr; b = b->next) {
    if (b->type != FZ_STEXT_BLOCK_TEXT) continue;
    for (fz_stext_line* l = b->u.t.first_line; l != nullptr; l = l->next) {
      bool any = false;
      for (fz_stext_char* ch = l->first_char; ch != nullptr; ch = ch->next) {
        int c = ch->c;
        any = true;
        if (c == ' ' || c == '\t') {
          space = !out.empty();
          continue;
        }
        if (c == 0xFFFD || c < 32) c = 0xFFFD;
        if (space) out += ' ';
        space = false;
        if (c < 0x80) {
          out += static_cast<char>(fold(static_cast<unsigned char>(c)));
        } else {
          append_utf8(out, c);
        }
      }
      if (any) space = !out.empty();
    }
  }
  return out;
}

std::string mark_list(const std::vector<int>& marks) {
  std::string s;
  for (int m : marks) s += (s.empty() ? "" : ", ") + std::to_string(m + 1);
  return s;
}

class Verifier {
 public:
  // Marked pages are shared out between the parts as each becomes free (`next` counts them).
  Verifier(const VerifyInput& in, std::atomic<std::size_t>& next) : in_(in), ctx_(mu::Context::create()), next_(next) {
    // Crisp edges: a pixel is either painted or not, so "uniform" needs no blur tolerance.
    fz_set_aa_level(ctx_, 0);
  }

  // The reading checks (revisions, document, text, objects) and the rendering checks (pixels,
  // annotations, survival) share nothing but the input, so verify() runs them as two parts.
  enum class Part { reading, rendering };

  VerifyReport run(Part part) {
    const bool reading = part == Part::reading;
    if (reading) {
      std::string raw = read_file(in_.output).value();
      check_revisions(raw);
    }
    doc_ = mu::open_document(ctx_, in_.output);
    pdf_ = mu::as_pdf(ctx_, doc_);
    if (pdf_ == nullptr) fail(Error::invalid_input(in_.output.filename().string() + " is not a PDF"));
    pages_ = mu::page_count(ctx_, doc_);
    for (std::size_t i = 0; reading && i < in_.marks.size(); ++i) {
      if (in_.marks[i].page < 0 || in_.marks[i].page >= pages_) {
        add("document", in_.marks[i].page, static_cast<int>(i), "the output has no such page");
      }
    }
    forms_ = value_forms(in_.marks);
    bytes_ = byte_form_set(forms_);
    phrases_ = phrase_set(forms_);
    for (const Mark& m : in_.marks) {
      if (m.page >= 0 && m.page < pages_) marked_pages_.insert(m.page);
    }
    if (reading) {
      check_document();
      check_text();  // pages without marks; check_pages reads the marked ones
      check_objects();
    } else {
      check_survival();
    }
    check_pages();  // last: it empties the boxes in this copy of the output
    return std::move(report_);
  }

 private:
  void add(std::string check, int page, int mark, std::string message) {
    report_.findings.push_back({std::move(check), page, mark, std::move(message)});
  }

  void check_revisions(const std::string& raw) {
    std::size_t count = 0;
    for (std::size_t pos = raw.find("%%EOF"); pos != std::string::npos; pos = raw.find("%%EOF", pos + 5)) ++count;
    if (count != 1) {
      add("document", -1, -1,
          "the file has " + std::to_string(count) + " end-of-file markers: earlier revisions may be recoverable");
    }
  }

  void check_document() {
    fz_context* c = ctx_;
    if (pdf_dict_get(c, pdf_trailer(c, pdf_), PDF_NAME(Encrypt)) != nullptr) {
      add("document", -1, -1, "the output is encrypted");
    }
    if (pdf_count_versions(c, pdf_) > 1) add("document", -1, -1, "the output has incremental updates");
    pdf_obj* info = pdf_dict_get(c, pdf_trailer(c, pdf_), PDF_NAME(Info));
    if (info != nullptr && pdf_dict_len(c, info) > 0) add("document", -1, -1, "document information (/Info) remains");
    pdf_obj* root = pdf_dict_get(c, pdf_trailer(c, pdf_), PDF_NAME(Root));
    if (pdf_dict_get(c, root, PDF_NAME(Metadata)) != nullptr) add("document", -1, -1, "XMP metadata remains");
    pdf_obj* names = pdf_dict_get(c, root, PDF_NAME(Names));
    if (pdf_dict_get(c, names, PDF_NAME(EmbeddedFiles)) != nullptr) add("document", -1, -1, "embedded files remain");
    if (pdf_dict_get(c, names, PDF_NAME(JavaScript)) != nullptr) add("document", -1, -1, "document JavaScript remains");
    if (pdf_dict_get(c, root, PDF_NAME(AA)) != nullptr) add("document", -1, -1, "document actions (/AA) remain");
  }

  // MuPDF's text extraction of the pages without marks (the marked pages are read from the
  // display list check_pages records anyway).
  void check_text() {
    if (forms_.empty()) return;
    fz_context* c = ctx_;
    for (int p = 0; p < pages_; ++p) {
      if (marked_pages_.count(p) != 0) continue;
      mu::Page page = mu::load_page(ctx_, doc_, p);
      fz_stext_options opts{};
      fz_stext_page* raw = ctx_.call("extracting text of page " + std::to_string(p + 1),
                                     [&] { return fz_new_stext_page_from_page(c, page.get(), &opts); });
      check_page_text(mu::StextPage(c, raw).get(), p);
    }
  }

  void check_page_text(fz_stext_page* stext, int p) {
    for (int v : phrases_.find_all(normalised_page_text(stext))) {
      const ValueForms& value = forms_[static_cast<std::size_t>(v)];
      add("text", p, value.marks.front(), "text extraction still finds the value of mark(s) " + mark_list(value.marks));
    }
  }

  // Reports each value found in bytes once, naming the first of its forms found.
  void report_byte_forms(std::string bytes, const std::string& where) {
    detail::fold_ascii(bytes);
    int last_value = -1;
    for (int k : bytes_.find_all(bytes)) {
      const int v = k / kFormsPerValue;
      if (v == last_value) continue;
      last_value = v;
      const ValueForms& value = forms_[static_cast<std::size_t>(v)];
      add("objects", -1, value.marks.front(),
          where + " holds the value of mark(s) " + mark_list(value.marks) + " (" + kFormNames[k % kFormsPerValue] + ")");
    }
  }

  static bool is_font_program_or_image(fz_context* c, pdf_obj* dict) {
    pdf_obj* subtype = pdf_dict_get(c, dict, PDF_NAME(Subtype));
    if (pdf_name_eq(c, subtype, PDF_NAME(Image))) return true;
    if (pdf_dict_get(c, dict, PDF_NAME(Length1)) != nullptr) return true;  // TrueType/Type1 font file
    return pdf_name_eq(c, subtype, PDF_NAME(Type1C)) || pdf_name_eq(c, subtype, PDF_NAME(CIDFontType0C)) ||
           pdf_name_eq(c, subtype, PDF_NAME(OpenType));
  }

  void scan_strings(pdf_obj* obj, int num, int depth) {
    fz_context* c = ctx_;
    if (obj == nullptr || depth > 64 || pdf_is_indirect(c, obj)) return;
    if (pdf_is_string(c, obj)) {
      ++report_.strings_scanned;
      report_byte_forms(std::string(pdf_to_str_buf(c, obj), pdf_to_str_len(c, obj)),
                        "string in object " + std::to_string(num));
    } else if (pdf_is_array(c, obj)) {
      int n = pdf_array_len(c, obj);
      for (int i = 0; i < n; ++i) scan_strings(pdf_array_get(c, obj, i), num, depth + 1);
    } else if (pdf_is_dict(c, obj)) {
      int n = pdf_dict_len(c, obj);
      for (int i = 0; i < n; ++i) scan_strings(pdf_dict_get_val(c, obj, i), num, depth + 1);
    }
  }

  void check_objects() {
    if (forms_.empty()) return;
    fz_context* c = ctx_;
    int len = pdf_xref_len(c, pdf_);
    for (int num = 1; num < len; ++num) {
      pdf_obj* raw = nullptr;
      try {
        raw = ctx_.call("loading object", [&] { return pdf_load_object(c, pdf_, num); });
      } catch (const Failure&) {
        continue;  // free or broken entry: nothing to leak
      }
      mu::PdfObj obj(c, raw);
      scan_strings(obj.get(), num, 0);
      bool is_stream = pdf_is_stream(c, obj.get());
      if (!is_stream || is_font_program_or_image(c, obj.get())) continue;
      if (pdf_dict_get_int(c, obj.get(), PDF_NAME(Length)) > static_cast<int>(kMaxScannedStream)) {
        add("objects", -1, -1, "stream object " + std::to_string(num) + " is too large to scan");
        continue;
      }
      fz_buffer* buf_raw = nullptr;
      try {
        buf_raw = ctx_.call("decoding stream", [&] { return pdf_load_stream_number(c, pdf_, num); });
      } catch (const Failure& f) {
        add("objects", -1, -1, "stream object " + std::to_string(num) + " cannot be decoded to be checked");
        continue;
      }
      mu::Buffer buf(c, buf_raw);
      ++report_.streams_scanned;
      report_byte_forms(mu::buffer_bytes(ctx_, buf), "stream object " + std::to_string(num));
    }
  }

  // Pixels of an area of a page, at the verification resolution.
  struct Area {
    mu::Pixmap pix;
    float scale = 1;
  };

  float render_scale() const { return static_cast<float>(in_.render_dpi) / 72.0f; }

  fz_irect device_box(const Rect& r) const {
    const float scale = render_scale();
    return fz_round_rect(fz_transform_rect(fz_rect{r.x0, r.y0, r.x1, r.y1}, fz_scale(scale, scale)));
  }

  static long long pixel_count(const fz_irect& b) {
    return fz_is_empty_irect(b) ? 0 : static_cast<long long>(b.x1 - b.x0) * (b.y1 - b.y0);
  }

  static constexpr long long kMaxRenderPixels = 60'000'000LL;
  static constexpr long long kSmallAreaPixels = 40'000;  // below this, one rendering always

  Area render_area(fz_display_list* page, const Rect& r) {
    Area a;
    a.scale = render_scale();
    fz_context* c = ctx_;
    fz_irect ibox = device_box(r);
    if (fz_is_empty_irect(ibox)) return a;
    if (pixel_count(ibox) > kMaxRenderPixels) fail(Error::too_large("a marked area is too large to render for verification"));
    fz_pixmap* raw = ctx_.call("rendering a marked area", [&] {
      return fz_new_pixmap_with_bbox(c, fz_device_rgb(c), ibox, nullptr, 0);
    });
    a.pix = mu::Pixmap(c, raw);
    fz_matrix ctm = fz_scale(a.scale, a.scale);
    ctx_.call("rendering a marked area", [&] {
      fz_clear_pixmap_with_value(c, a.pix.get(), 255);
      fz_device* dev = fz_new_draw_device(c, fz_identity, a.pix.get());
      fz_try(c) {
        // The scissor skips everything outside the area.
        fz_run_display_list(c, page, dev, ctm, fz_rect_from_irect(ibox), nullptr);
        fz_close_device(c, dev);
      }
      fz_always(c) { fz_drop_device(c, dev); }
      fz_catch(c) { fz_rethrow(c); }
    });
    return a;
  }

  // A convex quad as four edges, for "is this pixel centre at least margin inside".
  struct QuadTest {
    double ax[4], ay[4], nx[4], ny[4];  // edge start and inward unit normal
    bool degenerate = false;

    explicit QuadTest(const Quad& q) {
      const Point pts[4] = {q.ul, q.ur, q.lr, q.ll};
      double area2 = 0;
      for (int i = 0; i < 4; ++i) {
        const Point& a = pts[i];
        const Point& b = pts[(i + 1) % 4];
        area2 += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
      }
      const double sign = area2 >= 0 ? 1.0 : -1.0;
      for (int i = 0; i < 4; ++i) {
        const Point& a = pts[i];
        const Point& b = pts[(i + 1) % 4];
        const double ex = b.x - a.x;
        const double ey = b.y - a.y;
        const double len = std::hypot(ex, ey);
        if (len < 1e-6) degenerate = true;
        ax[i] = a.x;
        ay[i] = a.y;
        nx[i] = len < 1e-6 ? 0 : -sign * ey / len;
        ny[i] = len < 1e-6 ? 0 : sign * ex / len;
      }
    }
    // Signed distance from p to each edge (inside positive) is at least margin.
    bool inside(double px, double py, double margin) const {
      if (degenerate) return false;
      for (int i = 0; i < 4; ++i) {
        if (nx[i] * (px - ax[i]) + ny[i] * (py - ay[i]) < margin) return false;
      }
      return true;
    }
  };

  enum class Expect { fill_colour, uniform };

  using DisplayList = mu::Handle<fz_display_list, fz_drop_display_list>;
  // The page with its annotations and widgets, recorded once.
  DisplayList display_list(fz_page* page) {
    fz_context* c = ctx_;
    fz_display_list* raw = ctx_.call("recording page for verification", [&] { return fz_new_display_list_from_page(c, page); });
    return DisplayList(c, raw);
  }

  // Checks the pixels of one quad in a rendered area that covers it; a problem description or empty.
  std::string check_quad_pixels(const Area& a, const Quad& q, Expect expect) {
    const double margin = 1.5;
    fz_pixmap* pm = a.pix.get();
    if (pm == nullptr) return {};
    const fz_irect box = fz_intersect_irect(device_box(q.bounds()), fz_pixmap_bbox(ctx_, pm));
    if (fz_is_empty_irect(box)) return {};
    const QuadTest test(q);
    const int n = pm->n;
    bool have_first = false;
    unsigned char first[3] = {0, 0, 0};
    for (int dy = box.y0; dy < box.y1; ++dy) {
      const unsigned char* row = pm->samples + static_cast<std::size_t>(dy - pm->y) * pm->stride;
      const double py = (dy + 0.5) / a.scale;
      for (int dx = box.x0; dx < box.x1; ++dx) {
        if (!test.inside((dx + 0.5) / a.scale, py, margin)) continue;
        const unsigned char* px = row + static_cast<std::size_t>(dx - pm->x) * n;
        if (expect == Expect::fill_colour) {
          bool is_fill = std::abs(px[0] - in_.fill.r) <= 8 && std::abs(px[1] - in_.fill.g) <= 8 &&
                         std::abs(px[2] - in_.fill.b) <= 8;
          bool is_label = in_.labels && px[0] >= 200 && px[1] >= 200 && px[2] >= 200;
          if (!is_fill && !is_label) {
            return "the marked area does not show the redaction box colour (found " + std::to_string(px[0]) + "," +
                   std::to_string(px[1]) + "," + std::to_string(px[2]) + ")";
          }
        } else {
          if (!have_first) {
            std::copy(px, px + 3, first);
            have_first = true;
          } else if (std::abs(px[0] - first[0]) > 24 || std::abs(px[1] - first[1]) > 24 ||
                     std::abs(px[2] - first[2]) > 24) {
            return "content is still drawn under the redaction box";
          }
        }
      }
    }
    return {};
  }

  // Every mark of page p: the area covering all of its marks is drawn once (one pass over the
  // display list instead of one per quad) where the marks are dense enough; otherwise, or
  // should that area be too large, each quad is drawn on its own.
  void check_page_pixels(fz_display_list* list, int p, Expect expect, const char* check) {
    std::vector<std::size_t> on_page;
    Rect all{};
    bool any_quad = false;
    for (std::size_t i = 0; i < in_.marks.size(); ++i) {
      if (in_.marks[i].page != p) continue;
      on_page.push_back(i);
      for (const Quad& q : in_.marks[i].quads) {
        const Rect b = q.bounds();
        all = any_quad ? Rect{std::min(all.x0, b.x0), std::min(all.y0, b.y0), std::max(all.x1, b.x1), std::max(all.y1, b.y1)}
                       : b;
        any_quad = true;
      }
    }
    // One rendering of the area covering all marks, unless that area is mostly not marked (a
    // few marks spread over the page): then drawing everything between them costs more than
    // the extra passes over the display list of drawing each quad on its own.
    long long quad_pixels = 0;
    for (std::size_t i : on_page) {
      for (const Quad& q : in_.marks[i].quads) quad_pixels += pixel_count(device_box(q.bounds()));
    }
    const long long all_pixels = pixel_count(device_box(all));
    const bool one_area = all_pixels <= kMaxRenderPixels && all_pixels <= 4 * quad_pixels + kSmallAreaPixels;
    Area whole;
    if (one_area) whole = render_area(list, all);
    for (std::size_t i : on_page) {
      if (expect == Expect::fill_colour) ++report_.marks_checked;
      for (const Quad& q : in_.marks[i].quads) {
        std::string problem = one_area ? check_quad_pixels(whole, q, expect)
                                       : check_quad_pixels(render_area(list, q.bounds()), q, expect);
        if (!problem.empty()) {
          add(check, p, static_cast<int>(i), std::move(problem));
          break;
        }
      }
    }
  }

  // Each marked page, taken from the shared queue: pass 1 as a reader sees it (the same
  // recording gives the text check its text), then pass 2 with the page's boxes emptied, where
  // the marked area must be one uniform colour. This copy of the output is only read from here
  // on, so the boxes are emptied in it, which keeps the fonts, images and shadings pass 1 loaded.
  // (Boxes shared with a later page would then be missing there: a pixel failure, never a pass.)
  void check_pages() {
    fz_context* c = ctx_;
    const std::vector<int> marked(marked_pages_.begin(), marked_pages_.end());
    for (std::size_t k = next_++; k < marked.size(); k = next_++) {
      const int p = marked[k];
      ++report_.pages_checked;
      {
        mu::Page page = mu::load_page(ctx_, doc_, p);
        check_annotations(page.get(), p);
        DisplayList list = display_list(page.get());
        if (!forms_.empty()) {
          fz_stext_options opts{};
          fz_stext_page* raw = ctx_.call("extracting text of page " + std::to_string(p + 1),
                                         [&] { return fz_new_stext_page_from_display_list(c, list.get(), &opts); });
          check_page_text(mu::StextPage(c, raw).get(), p);
        }
        check_page_pixels(list.get(), p, Expect::fill_colour, "pixels");
      }
      pdf_obj* page_obj = ctx_.call("finding page", [&] { return pdf_lookup_page_obj(c, pdf_, p); });
      pdf_obj* res = pdf_dict_get(c, page_obj, PDF_NAME(Resources));
      pdf_obj* xobj = pdf_dict_get(c, res, PDF_NAME(XObject));
      pdf_obj* boxes = pdf_dict_gets(c, xobj, kBoxesXObjectName);
      if (boxes == nullptr) {
        add("pixels", p, -1, "the page has no redaction boxes");
        continue;
      }
      ctx_.call("hiding redaction boxes", [&] {
        fz_buffer* empty = fz_new_buffer(c, 1);
        fz_try(c) { pdf_update_stream(c, pdf_, boxes, empty, 0); }
        fz_always(c) { fz_drop_buffer(c, empty); }
        fz_catch(c) { fz_rethrow(c); }
      });
      mu::Page page = mu::load_page(ctx_, doc_, p);
      DisplayList list = display_list(page.get());
      check_page_pixels(list.get(), p, Expect::uniform, "under-box");
    }
  }

  void check_annotations(fz_page* page, int p) {
    fz_context* c = ctx_;
    pdf_page* pp = pdf_page_from_fz_page(c, page);
    if (pp == nullptr) return;
    for (pdf_annot* a = pdf_first_annot(c, pp); a != nullptr; a = pdf_next_annot(c, a)) {
      fz_rect r = ctx_.call("reading annotation", [&] { return pdf_bound_annot(c, a); });
      for (std::size_t i = 0; i < in_.marks.size(); ++i) {
        if (in_.marks[i].page != p) continue;
        if (Rect{r.x0, r.y0, r.x1, r.y1}.intersects(in_.marks[i].bounds())) {
          add("annotations", p, static_cast<int>(i),
              std::string("a ") + pdf_string_from_annot_type(c, pdf_annot_type(c, a)) + " annotation overlaps the mark");
        }
      }
    }
    for (pdf_annot* w = pdf_first_widget(c, pp); w != nullptr; w = pdf_next_widget(c, w)) {
      fz_rect r = ctx_.call("reading form field", [&] { return pdf_bound_annot(c, w); });
      for (std::size_t i = 0; i < in_.marks.size(); ++i) {
        if (in_.marks[i].page != p) continue;
        if (Rect{r.x0, r.y0, r.x1, r.y1}.intersects(in_.marks[i].bounds())) {
          add("annotations", p, static_cast<int>(i), "a form field overlaps the mark");
        }
      }
    }
  }

  // Digests of the decoded streams an original marked page used.
  void collect_streams(const mu::Context& octx, pdf_document* odoc, pdf_obj* obj, int depth,
                       std::set<int>& seen, std::unordered_set<std::string>& digests) {
    fz_context* c = octx;
    if (obj == nullptr || depth > 32) return;
    if (pdf_is_indirect(c, obj)) {
      int num = pdf_to_num(c, obj);
      if (!seen.insert(num).second) return;
      if (pdf_is_stream(c, obj) && !pdf_dict_get(c, obj, PDF_NAME(Length1)) &&
          !pdf_name_eq(c, pdf_dict_get(c, obj, PDF_NAME(Type)), PDF_NAME(Font))) {
        try {
          fz_buffer* raw = octx.call("decoding original stream", [&] { return pdf_load_stream_number(c, odoc, num); });
          mu::Buffer buf(c, raw);
          if (fz_buffer_storage(c, buf.get(), nullptr) >= 64) digests.insert(sha256_hex(mu::buffer_bytes(octx, buf)));
        } catch (const Failure&) {
        }
      }
    }
    if (pdf_is_array(c, obj)) {
      int n = pdf_array_len(c, obj);
      for (int i = 0; i < n; ++i) collect_streams(octx, odoc, pdf_array_get(c, obj, i), depth + 1, seen, digests);
    } else if (pdf_is_dict(c, obj)) {
      // Follow contents and resources (XObjects, patterns, forms' own resources), not fonts.
      static const char* keys[] = {"Contents", "Resources", "XObject", "Pattern", "Shading", "SMask", "Mask"};
      pdf_obj* type = pdf_dict_get(c, obj, PDF_NAME(Type));
      if (pdf_name_eq(c, type, PDF_NAME(Font))) return;
      bool is_xobject_dict = depth > 0 && !pdf_dict_get(c, obj, PDF_NAME(Type)) && !pdf_dict_get(c, obj, PDF_NAME(Contents));
      if (is_xobject_dict && !pdf_is_stream(c, obj)) {
        int n = pdf_dict_len(c, obj);
        for (int i = 0; i < n; ++i) collect_streams(octx, odoc, pdf_dict_get_val(c, obj, i), depth + 1, seen, digests);
      } else {
        for (const char* k : keys) collect_streams(octx, odoc, pdf_dict_gets(c, obj, k), depth + 1, seen, digests);
      }
    }
  }

  void mark_reachable(pdf_obj* obj, std::vector<char>& reached, int depth) {
    fz_context* c = ctx_;
    if (obj == nullptr || depth > 256) return;
    if (pdf_is_indirect(c, obj)) {
      int num = pdf_to_num(c, obj);
      if (num <= 0 || num >= static_cast<int>(reached.size()) || reached[num]) return;
      reached[num] = 1;
      obj = pdf_resolve_indirect(c, obj);
      if (obj == nullptr) return;
    }
    if (pdf_is_array(c, obj)) {
      int n = pdf_array_len(c, obj);
      for (int i = 0; i < n; ++i) mark_reachable(pdf_array_get(c, obj, i), reached, depth + 1);
    } else if (pdf_is_dict(c, obj)) {
      int n = pdf_dict_len(c, obj);
      for (int i = 0; i < n; ++i) mark_reachable(pdf_dict_get_val(c, obj, i), reached, depth + 1);
    }
  }

  void check_survival() {
    if (!in_.original) return;
    mu::Context octx = mu::Context::create();
    mu::Document odoc = mu::open_document(octx, *in_.original, in_.original_password);
    pdf_document* opdf = mu::as_pdf(octx, odoc);
    if (opdf == nullptr) return;
    std::set<int> marked_pages;
    for (const Mark& m : in_.marks) marked_pages.insert(m.page);
    std::set<int> seen;
    std::unordered_set<std::string> digests;
    int opages = mu::page_count(octx, odoc);
    for (int p : marked_pages) {
      if (p < 0 || p >= opages) continue;
      pdf_obj* page_obj = octx.call("finding original page", [&] { return pdf_lookup_page_obj(octx, opdf, p); });
      collect_streams(octx, opdf, page_obj, 0, seen, digests);
    }
    if (digests.empty()) return;
    fz_context* c = ctx_;
    int len = pdf_xref_len(c, pdf_);
    std::vector<char> reached(static_cast<std::size_t>(len), 0);
    mark_reachable(pdf_trailer(c, pdf_), reached, 0);
    for (int num = 1; num < len; ++num) {
      if (reached[num]) continue;
      bool is_stream = false;
      try {
        is_stream = ctx_.call("loading object", [&] { return pdf_obj_num_is_stream(c, pdf_, num) != 0; });
      } catch (const Failure&) {
        continue;
      }
      if (!is_stream) continue;
      try {
        fz_buffer* raw = ctx_.call("decoding stream", [&] { return pdf_load_stream_number(c, pdf_, num); });
        mu::Buffer buf(c, raw);
        if (digests.count(sha256_hex(mu::buffer_bytes(ctx_, buf))) != 0) {
          add("survival", -1, -1,
              "unreferenced stream object " + std::to_string(num) + " is byte-identical to a stream of a marked page of the original");
        }
      } catch (const Failure&) {
      }
    }
  }

  const VerifyInput& in_;
  mu::Context ctx_;
  mu::Document doc_;
  pdf_document* pdf_ = nullptr;
  int pages_ = 0;
  std::vector<ValueForms> forms_;
  detail::LiteralSet bytes_{{}};    // every byte form of every value, folded (objects check)
  detail::LiteralSet phrases_{{}};  // every value as normalised text (text check)
  std::set<int> marked_pages_;
  std::atomic<std::size_t>& next_;
  VerifyReport report_;
};

}  // namespace

// The two parts run on two threads, each with its own MuPDF context and its own copy of the
// output opened from disk, so that one large document uses both cores (bench/redact). Each part
// does its own checks first, then both take marked pages for the page checks until none is left.
Result<VerifyReport> verify(const VerifyInput& input) {
  std::atomic<std::size_t> next_page{0};
  Result<VerifyReport> rendered = Error::internal("verification did not run");
  auto render = [&] {
    rendered = guard([&] {
      Verifier v(input, next_page);
      return v.run(Verifier::Part::rendering);
    });
  };
  std::optional<std::thread> worker;
  try {
    if (input.threads > 1) worker.emplace(render);
  } catch (const std::system_error&) {
    // No thread to be had: the part runs here below.
  }
  if (!worker) render();
  Result<VerifyReport> read = guard([&] {
    Verifier v(input, next_page);
    return v.run(Verifier::Part::reading);
  });
  if (worker) worker->join();
  if (!read.ok()) return read.error();
  if (!rendered.ok()) return rendered.error();
  VerifyReport report = std::move(read).value();
  const VerifyReport& r = rendered.value();
  report.findings.insert(report.findings.end(), r.findings.begin(), r.findings.end());
  report.pages_checked += r.pages_checked;
  report.marks_checked += r.marks_checked;
  return report;
}

}  // namespace redbox::redaction
