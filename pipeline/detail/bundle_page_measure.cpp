#include "pipeline/detail/bundle_page_measure.h"

#include <array>
#include <atomic>
#include <cstring>

namespace redbox::pipeline::detail {
namespace {

// The union of the annotations' rectangles (as seen), leaving out links and pop-ups (no
// appearance of their own) and hidden ones. Runs under fz_try.
fz_rect annotation_bounds(fz_context* ctx, pdf_obj* page, fz_matrix ctm) {
  fz_rect r = fz_empty_rect;
  pdf_obj* annots = pdf_dict_get(ctx, page, PDF_NAME(Annots));
  const int n = pdf_array_len(ctx, annots);
  for (int i = 0; i < n; ++i) {
    pdf_obj* a = pdf_array_get(ctx, annots, i);
    pdf_obj* subtype = pdf_dict_get(ctx, a, PDF_NAME(Subtype));
    if (pdf_name_eq(ctx, subtype, PDF_NAME(Link)) || pdf_name_eq(ctx, subtype, PDF_NAME(Popup))) continue;
    if ((pdf_dict_get_int(ctx, a, PDF_NAME(F)) & 2) != 0) continue;  // hidden
    r = fz_union_rect(r, fz_transform_rect(pdf_dict_get_rect(ctx, a, PDF_NAME(Rect)), ctm));
  }
  return r;
}

// ---- Stopping early -------------------------------------------------------------------------
// The bbox device unions every drawn rectangle into the result as it goes. After each drawing
// call we look at it: once it reaches into the band, the cookie tells the interpreter to stop
// (every content stream, forms included, ends at its next token). Measuring runs on several
// threads, each with its own watch.
struct BandWatch {
  const fz_rect* content = nullptr;
  float limit = 0;  // content.y1 above this (y down, as seen) reaches into the band
  fz_cookie* cookie = nullptr;
};
thread_local BandWatch* tl_watch = nullptr;

void check_band() {
  const BandWatch* w = tl_watch;
  if (w != nullptr && !fz_is_empty_rect(*w->content) && w->content->y1 > w->limit) w->cookie->abort = 1;
}

// The bbox device's own handlers (the same functions for every instance; remembered from the
// first device, stored by every thread alike).
using FillPathFn = void (*)(fz_context*, fz_device*, const fz_path*, int, fz_matrix, fz_colorspace*, const float*,
                            float, fz_color_params);
using StrokePathFn = void (*)(fz_context*, fz_device*, const fz_path*, const fz_stroke_state*, fz_matrix,
                              fz_colorspace*, const float*, float, fz_color_params);
using ClipPathFn = void (*)(fz_context*, fz_device*, const fz_path*, int, fz_matrix, fz_rect);
using FillShadeFn = void (*)(fz_context*, fz_device*, fz_shade*, fz_matrix, float, fz_color_params);
using FillImageFn = void (*)(fz_context*, fz_device*, fz_image*, fz_matrix, float, fz_color_params);
using FillImageMaskFn = void (*)(fz_context*, fz_device*, fz_image*, fz_matrix, fz_colorspace*, const float*, float,
                                 fz_color_params);
using BeginTileFn = int (*)(fz_context*, fz_device*, fz_rect, fz_rect, float, float, fz_matrix, int);
std::atomic<FillPathFn> bbox_fill_path{nullptr};
std::atomic<StrokePathFn> bbox_stroke_path{nullptr};
std::atomic<ClipPathFn> bbox_clip_path{nullptr};
std::atomic<FillShadeFn> bbox_fill_shade{nullptr};
std::atomic<FillImageFn> bbox_fill_image{nullptr};
std::atomic<FillImageMaskFn> bbox_fill_image_mask{nullptr};
std::atomic<BeginTileFn> bbox_begin_tile{nullptr};

void watched_fill_path(fz_context* ctx, fz_device* dev, const fz_path* path, int even_odd, fz_matrix ctm,
                       fz_colorspace* cs, const float* color, float alpha, fz_color_params params) {
  bbox_fill_path.load(std::memory_order_relaxed)(ctx, dev, path, even_odd, ctm, cs, color, alpha, params);
  check_band();
}

void watched_stroke_path(fz_context* ctx, fz_device* dev, const fz_path* path, const fz_stroke_state* stroke,
                         fz_matrix ctm, fz_colorspace* cs, const float* color, float alpha, fz_color_params params) {
  bbox_stroke_path.load(std::memory_order_relaxed)(ctx, dev, path, stroke, ctm, cs, color, alpha, params);
  check_band();
}

void watched_fill_shade(fz_context* ctx, fz_device* dev, fz_shade* shade, fz_matrix ctm, float alpha,
                        fz_color_params params) {
  bbox_fill_shade.load(std::memory_order_relaxed)(ctx, dev, shade, ctm, alpha, params);
  check_band();
}

void watched_fill_image(fz_context* ctx, fz_device* dev, fz_image* image, fz_matrix ctm, float alpha,
                        fz_color_params params) {
  bbox_fill_image.load(std::memory_order_relaxed)(ctx, dev, image, ctm, alpha, params);
  check_band();
}

void watched_fill_image_mask(fz_context* ctx, fz_device* dev, fz_image* image, fz_matrix ctm, fz_colorspace* cs,
                             const float* color, float alpha, fz_color_params params) {
  bbox_fill_image_mask.load(std::memory_order_relaxed)(ctx, dev, image, ctm, cs, color, alpha, params);
  check_band();
}

int watched_begin_tile(fz_context* ctx, fz_device* dev, fz_rect area, fz_rect view, float xstep, float ystep,
                       fz_matrix ctm, int id) {
  const int cached = bbox_begin_tile.load(std::memory_order_relaxed)(ctx, dev, area, view, xstep, ystep, ctm, id);
  check_band();
  return cached;
}

// ---- Shading patterns left out ------------------------------------------------------------
// The run processor only fills with a pattern set by scn; with the shading-pattern ops removed,
// a "/Pattern cs" fill would then draw nothing. So the pattern colour space is replaced by a
// plain colour: a shading-pattern fill counts as its whole path (the shading, often a large
// mesh that would have to be loaded, could only clip it). Tiling patterns are still set by scn.
using SetColorSpaceFn = void (*)(fz_context*, pdf_processor*, const char*, fz_colorspace*);
std::atomic<SetColorSpaceFn> run_CS{nullptr};
std::atomic<SetColorSpaceFn> run_cs{nullptr};

void plain_CS(fz_context* ctx, pdf_processor* proc, const char* name, fz_colorspace* cs) {
  if (std::strcmp(name, "Pattern") == 0) {
    name = "DeviceGray";
    cs = fz_device_gray(ctx);
  }
  run_CS.load(std::memory_order_relaxed)(ctx, proc, name, cs);
}

void plain_cs(fz_context* ctx, pdf_processor* proc, const char* name, fz_colorspace* cs) {
  if (std::strcmp(name, "Pattern") == 0) {
    name = "DeviceGray";
    cs = fz_device_gray(ctx);
  }
  run_cs.load(std::memory_order_relaxed)(ctx, proc, name, cs);
}

// Leaves out of the run processor what can only shrink the drawn area: shading patterns (see
// above) and soft masks (their content would be run too; masking only ever hides).
void skip_shrinking_work(pdf_processor* proc) {
  if (proc->op_CS == nullptr || proc->op_cs == nullptr) return;
  run_CS.store(proc->op_CS, std::memory_order_relaxed);
  run_cs.store(proc->op_cs, std::memory_order_relaxed);
  proc->op_CS = plain_CS;
  proc->op_cs = plain_cs;
  proc->op_SC_shade = nullptr;
  proc->op_sc_shade = nullptr;
  proc->op_gs_SMask = nullptr;
}

// ---- Cheaper text bounds --------------------------------------------------------------------
// MuPDF's bbox device bounds every glyph from its outline. Instead: per span, the font's bbox
// placed at each glyph origin. It is never smaller than the glyphs, so a page is only ever
// judged closer to the band, never further. The rectangle goes to the bbox device's own path
// handlers, which keep applying clips.
fz_rect cheap_text_bounds(fz_context* ctx, const fz_text* text, fz_matrix ctm) {
  fz_rect all = fz_empty_rect;
  for (const fz_text_span* span = text->head; span != nullptr; span = span->next) {
    if (span->len <= 0) continue;
    fz_rect fb = fz_font_bbox(ctx, span->font);
    if (fz_is_empty_rect(fb) || fz_is_infinite_rect(fb) || fb.x1 - fb.x0 > 8 || fb.y1 - fb.y0 > 8)
      fb = fz_make_rect(-0.5f, -0.5f, 1.5f, 1.5f);  // unknown or absurd: a generous em box
    fz_matrix linear = fz_concat(span->trm, ctm);
    linear.e = linear.f = 0;
    const fz_rect offset = fz_transform_rect(fb, linear);
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    for (int i = 0; i < span->len; ++i) {
      const fz_point p = fz_transform_point_xy(span->items[i].x, span->items[i].y, ctm);
      if (i == 0 || p.x < x0) x0 = p.x;
      if (i == 0 || p.x > x1) x1 = p.x;
      if (i == 0 || p.y < y0) y0 = p.y;
      if (i == 0 || p.y > y1) y1 = p.y;
    }
    all = fz_union_rect(all, fz_make_rect(x0 + offset.x0, y0 + offset.y0, x1 + offset.x1, y1 + offset.y1));
  }
  return all;
}

fz_path* rect_path(fz_context* ctx, fz_rect r) {
  fz_path* path = fz_new_path(ctx);
  fz_try(ctx) { fz_rectto(ctx, path, r.x0, r.y0, r.x1, r.y1); }
  fz_catch(ctx) {
    fz_drop_path(ctx, path);
    fz_rethrow(ctx);
  }
  return path;
}

void cheap_fill_text(fz_context* ctx, fz_device* dev, const fz_text* text, fz_matrix ctm, fz_colorspace* cs,
                     const float* color, float alpha, fz_color_params params) {
  const fz_rect r = cheap_text_bounds(ctx, text, ctm);
  if (fz_is_empty_rect(r)) return;
  fz_path* path = rect_path(ctx, r);
  FillPathFn fill = bbox_fill_path.load(std::memory_order_relaxed);
  fz_try(ctx) { fill(ctx, dev, path, 0, fz_identity, cs, color, alpha, params); }
  fz_always(ctx) { fz_drop_path(ctx, path); }
  fz_catch(ctx) { fz_rethrow(ctx); }
  check_band();
}

void cheap_stroke_text(fz_context* ctx, fz_device* dev, const fz_text* text, const fz_stroke_state*, fz_matrix ctm,
                       fz_colorspace* cs, const float* color, float alpha, fz_color_params params) {
  cheap_fill_text(ctx, dev, text, ctm, cs, color, alpha, params);
}

void cheap_clip_text(fz_context* ctx, fz_device* dev, const fz_text* text, fz_matrix ctm, fz_rect scissor) {
  fz_rect r = cheap_text_bounds(ctx, text, ctm);
  if (fz_is_empty_rect(r)) r = fz_make_rect(0, 0, 0, 0);  // clipping to nothing still needs a push
  fz_path* path = rect_path(ctx, r);
  ClipPathFn clip = bbox_clip_path.load(std::memory_order_relaxed);
  fz_try(ctx) { clip(ctx, dev, path, 0, fz_identity, scissor); }
  fz_always(ctx) { fz_drop_path(ctx, path); }
  fz_catch(ctx) { fz_rethrow(ctx); }
}

void cheap_clip_stroke_text(fz_context* ctx, fz_device* dev, const fz_text* text, const fz_stroke_state*, fz_matrix ctm,
                            fz_rect scissor) {
  cheap_clip_text(ctx, dev, text, ctm, scissor);
}

// Installs the hooks above on a fresh bbox device. Runs under fz_try.
void hook_bbox_device(fz_device* dev) {
  if (dev->fill_path == nullptr || dev->stroke_path == nullptr || dev->clip_path == nullptr ||
      dev->fill_shade == nullptr || dev->fill_image == nullptr || dev->fill_image_mask == nullptr ||
      dev->begin_tile == nullptr)
    return;  // not the device expected: measure the slow way
  bbox_fill_path.store(dev->fill_path, std::memory_order_relaxed);
  bbox_stroke_path.store(dev->stroke_path, std::memory_order_relaxed);
  bbox_clip_path.store(dev->clip_path, std::memory_order_relaxed);
  bbox_fill_shade.store(dev->fill_shade, std::memory_order_relaxed);
  bbox_fill_image.store(dev->fill_image, std::memory_order_relaxed);
  bbox_fill_image_mask.store(dev->fill_image_mask, std::memory_order_relaxed);
  bbox_begin_tile.store(dev->begin_tile, std::memory_order_relaxed);
  dev->fill_path = watched_fill_path;
  dev->stroke_path = watched_stroke_path;
  dev->fill_shade = watched_fill_shade;
  dev->fill_image = watched_fill_image;
  dev->fill_image_mask = watched_fill_image_mask;
  dev->begin_tile = watched_begin_tile;
  dev->fill_text = cheap_fill_text;
  dev->stroke_text = cheap_stroke_text;
  dev->clip_text = cheap_clip_text;
  dev->clip_stroke_text = cheap_clip_stroke_text;
}

// ---- Shared fonts ---------------------------------------------------------------------------
constexpr int kMaxPageFonts = 64;         // font resources looked at per page
constexpr std::size_t kMaxSharedFonts = 64;  // distinct shared fonts kept per measurer
constexpr std::size_t kMaxFontKey = 2048;    // serialised dictionary; longer ones are not shared

bool all_direct(fz_context* ctx, pdf_obj* obj, int depth) {
  if (pdf_is_indirect(ctx, obj)) return false;
  if (depth > 6) return false;
  if (pdf_is_dict(ctx, obj)) {
    const int n = pdf_dict_len(ctx, obj);
    for (int i = 0; i < n; ++i)
      if (!all_direct(ctx, pdf_dict_get_val(ctx, obj, i), depth + 1)) return false;
  } else if (pdf_is_array(ctx, obj)) {
    const int n = pdf_array_len(ctx, obj);
    for (int i = 0; i < n; ++i)
      if (!all_direct(ctx, pdf_array_get(ctx, obj, i), depth + 1)) return false;
  }
  return true;
}

// A simple font whose dictionary refers to nothing else: everything MuPDF loads for it (a
// standard or substitute face, widths, encoding) comes from the dictionary itself, so two such
// dictionaries that print the same load the same font. Type3 and Type0 fonts are never shared.
// Runs under fz_try.
bool shareable_font(fz_context* ctx, pdf_obj* ref) {
  if (!pdf_is_indirect(ctx, ref)) return false;
  pdf_obj* font = pdf_resolve_indirect(ctx, ref);
  if (!pdf_is_dict(ctx, font)) return false;
  pdf_obj* subtype = pdf_dict_get(ctx, font, PDF_NAME(Subtype));
  if (!pdf_name_eq(ctx, subtype, PDF_NAME(Type1)) && !pdf_name_eq(ctx, subtype, PDF_NAME(TrueType)) &&
      !pdf_name_eq(ctx, subtype, PDF_NAME(MMType1)))
    return false;
  const int n = pdf_dict_len(ctx, font);
  for (int i = 0; i < n; ++i)
    if (!all_direct(ctx, pdf_dict_get_val(ctx, font, i), 1)) return false;
  return true;
}

}  // namespace

PageMeasurer::PageMeasurer(const mu::Context& ctx) : ctx_(ctx) {}

PageMeasurer::~PageMeasurer() {
  for (auto& [key, font] : fonts_) pdf_drop_font(ctx_, font);
}

void PageMeasurer::share_fonts(pdf_document* doc, pdf_obj* page) {
  std::array<pdf_obj*, kMaxPageFonts> refs{};
  pdf_obj** out = refs.data();
  pdf_obj* resources = nullptr;
  pdf_obj** res = &resources;
  int count = 0;
  int* n_out = &count;
  ctx_.call("reading the page's fonts", [&] {
    *res = pdf_dict_get_inheritable(ctx_, page, PDF_NAME(Resources));
    pdf_obj* fonts = pdf_dict_get(ctx_, *res, PDF_NAME(Font));
    const int n = pdf_dict_len(ctx_, fonts);
    for (int i = 0; i < n && *n_out < kMaxPageFonts; ++i) {
      pdf_obj* ref = pdf_dict_get_val(ctx_, fonts, i);
      if (shareable_font(ctx_, ref)) out[(*n_out)++] = ref;
    }
  });

  for (int i = 0; i < count; ++i) {
    pdf_obj* ref = refs[static_cast<std::size_t>(i)];
    std::string key(kMaxFontKey, '\0');
    char* buf = key.data();
    std::size_t len = 0;
    std::size_t* len_out = &len;
    ctx_.call("reading a font", [&] {
      char* printed = pdf_sprint_obj(ctx_, buf, kMaxFontKey, len_out, pdf_resolve_indirect(ctx_, ref), 1, 0);
      if (printed != buf) {  // did not fit: not shared
        fz_free(ctx_, printed);
        *len_out = 0;
      }
    });
    if (len == 0) continue;
    key.resize(len);

    auto it = fonts_.find(key);
    if (it != fonts_.end()) {
      pdf_font_desc* shared = it->second;
      // Under this dictionary's key in the resource store, where the interpreter looks first.
      const bool stored = ctx_.call("sharing a font", [&] {
        void* existing = pdf_find_item(ctx_, shared->storable.drop, ref);
        if (existing != nullptr) {
          pdf_drop_font(ctx_, static_cast<pdf_font_desc*>(existing));
          return false;
        }
        pdf_store_item(ctx_, ref, shared, shared->size);
        return true;
      });
      if (stored) ++fonts_shared_;
      continue;
    }
    if (fonts_.size() >= kMaxSharedFonts) continue;
    pdf_font_desc* loaded = nullptr;
    try {
      // Stored under ref by MuPDF, so the interpreter finds it; kept here for later pages.
      pdf_obj* rdb = resources;
      loaded = ctx_.call("loading a font", [&] { return pdf_load_font(ctx_, doc, rdb, ref); });
    } catch (const Failure&) {
      continue;  // a broken font: the interpreter substitutes one as it would anyway
    }
    try {
      fonts_.emplace(std::move(key), loaded);
    } catch (...) {
      pdf_drop_font(ctx_, loaded);
      throw;
    }
  }
}

namespace {

constexpr int kMaxStandIns = 256;  // image XObjects looked at per page (forms included)

// Stores stand_in under every image XObject of resources (and of the forms it uses, down to a
// few levels) that the store does not hold yet. Runs under fz_try.
int stand_in_images_of(fz_context* ctx, pdf_obj* resources, fz_image* stand_in, int depth, int* budget) {
  pdf_obj* xobjects = pdf_dict_get(ctx, resources, PDF_NAME(XObject));
  const int n = pdf_dict_len(ctx, xobjects);
  int stored = 0;
  for (int i = 0; i < n && *budget > 0; ++i, --*budget) {
    pdf_obj* ref = pdf_dict_get_val(ctx, xobjects, i);
    if (!pdf_is_indirect(ctx, ref)) continue;  // not a stream: nothing to read
    pdf_obj* subtype = pdf_dict_get(ctx, ref, PDF_NAME(Subtype));
    if (pdf_name_eq(ctx, subtype, PDF_NAME(Form))) {
      if (depth < 3) {
        pdf_obj* form_resources = pdf_dict_get(ctx, ref, PDF_NAME(Resources));
        if (form_resources != nullptr && form_resources != resources)
          stored += stand_in_images_of(ctx, form_resources, stand_in, depth + 1, budget);
      }
      continue;
    }
    if (!pdf_name_eq(ctx, subtype, PDF_NAME(Image))) continue;
    fz_store_drop_fn* drop = stand_in->key_storable.storable.drop;
    void* existing = pdf_find_item(ctx, drop, ref);
    if (existing != nullptr) {
      fz_drop_image(ctx, static_cast<fz_image*>(existing));
      continue;
    }
    pdf_store_item(ctx, ref, stand_in, 1);
    ++stored;
  }
  return stored;
}

}  // namespace

void PageMeasurer::stand_in_images(pdf_obj* page) {
  if (!stand_in_) {
    mu::Pixmap pix(ctx_, ctx_.call("creating a stand-in image", [&] {
      return fz_new_pixmap(ctx_, fz_device_gray(ctx_), 1, 1, nullptr, 0);
    }, ErrorKind::internal));
    fz_pixmap* px = pix.get();
    stand_in_ = mu::Image(ctx_, ctx_.call("creating a stand-in image", [&] {
      fz_clear_pixmap(ctx_, px);
      return fz_new_image_from_pixmap(ctx_, px, nullptr);
    }, ErrorKind::internal));
  }
  fz_image* stand_in = stand_in_.get();
  images_stood_in_ += ctx_.call("reading the page's images", [&] {
    int budget = kMaxStandIns;
    return stand_in_images_of(ctx_, pdf_dict_get_inheritable(ctx_, page, PDF_NAME(Resources)), stand_in, 0, &budget);
  });
}

PageGeometry PageMeasurer::measure(pdf_document* doc, int page_index) {
  const std::string what = "measuring page " + std::to_string(page_index + 1);
  pdf_obj* page = ctx_.call(what, [&] { return pdf_lookup_page_obj(ctx_, doc, page_index); });
  // Both only save work; a page whose resources they cannot read is measured the plain way.
  try {
    share_fonts(doc, page);
    stand_in_images(page);
  } catch (const Failure&) {
  }

  PageGeometry g;
  fz_rect* bounds = &g.bounds;
  fz_rect* content = &g.content;
  fz_cookie cookie{};
  fz_cookie* ck = &cookie;
  BandWatch watch;
  watch.content = content;
  watch.cookie = ck;
  BandWatch* w = &watch;
  ctx_.call(what, [&] {
    fz_device* dev = nullptr;
    pdf_processor* proc = nullptr;
    fz_var(dev);
    fz_var(proc);
    fz_try(ctx_) {
      fz_rect mediabox;
      fz_matrix ctm;
      pdf_page_obj_transform(ctx_, page, &mediabox, &ctm);
      *bounds = fz_transform_rect(mediabox, ctm);
      *content = fz_empty_rect;
      w->limit = bounds->y1 - kStampBand;
      dev = fz_new_bbox_device(ctx_, content);
      hook_bbox_device(dev);
      tl_watch = w;
      pdf_obj* resources = pdf_dict_get_inheritable(ctx_, page, PDF_NAME(Resources));
      pdf_obj* contents = pdf_dict_get(ctx_, page, PDF_NAME(Contents));
      proc = pdf_new_run_processor(ctx_, dev, ctm, "View", nullptr, nullptr, ck);
      skip_shrinking_work(proc);
      pdf_process_contents(ctx_, proc, doc, resources, contents, ck);
      pdf_close_processor(ctx_, proc);
      fz_close_device(ctx_, dev);
      *content = fz_union_rect(*content, annotation_bounds(ctx_, page, ctm));
    }
    fz_always(ctx_) {
      tl_watch = nullptr;
      pdf_drop_processor(ctx_, proc);
      fz_drop_device(ctx_, dev);
    }
    fz_catch(ctx_) { fz_rethrow(ctx_); }
  });
  return g;
}

}  // namespace redbox::pipeline::detail
