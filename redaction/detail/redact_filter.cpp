#include "redaction/detail/redact_filter.h"

#include <cstring>

// Everything here runs inside MuPDF's error handling (fz_try/longjmp): plain C style, no C++
// objects with destructors, no exceptions. The rules are 1.21's own (read from the library's
// pdf-clean.o), so output is the same as pdf_redact_page's but for the reference counting.
namespace redbox::redaction::detail {
namespace {

// The Redact annotations' quads in PDF space, and their bounding rectangles.
struct RedactAreas {
  fz_quad* quads = nullptr;
  fz_rect* rects = nullptr;
  int count = 0;
};

bool is_redact(fz_context* ctx, pdf_annot* annot) {
  return pdf_dict_get(ctx, pdf_annot_obj(ctx, annot), PDF_NAME(Subtype)) == PDF_NAME(Redact);
}

// An annotation without QuadPoints stands for its Rect.
int count_areas(fz_context* ctx, pdf_page* page) {
  int n = 0;
  for (pdf_annot* a = pdf_first_annot(ctx, page); a != nullptr; a = pdf_next_annot(ctx, a)) {
    if (!is_redact(ctx, a)) continue;
    const int quads = pdf_array_len(ctx, pdf_dict_get(ctx, pdf_annot_obj(ctx, a), PDF_NAME(QuadPoints))) / 8;
    n += quads > 0 ? quads : 1;
  }
  return n;
}

void collect_areas(fz_context* ctx, pdf_page* page, RedactAreas* out) {
  int i = 0;
  for (pdf_annot* a = pdf_first_annot(ctx, page); a != nullptr; a = pdf_next_annot(ctx, a)) {
    if (!is_redact(ctx, a)) continue;
    pdf_obj* obj = pdf_annot_obj(ctx, a);
    pdf_obj* qp = pdf_dict_get(ctx, obj, PDF_NAME(QuadPoints));
    const int n = pdf_array_len(ctx, qp) / 8;
    if (n == 0) {
      out->rects[i] = pdf_dict_get_rect(ctx, obj, PDF_NAME(Rect));
      out->quads[i] = fz_quad_from_rect(out->rects[i]);
      ++i;
    }
    for (int k = 0; k < n; ++k, ++i) {
      out->quads[i] = pdf_to_quad(ctx, qp, k * 8);
      out->rects[i] = fz_rect_from_quad(out->quads[i]);
    }
  }
  out->count = i;
}

bool touches_any(const RedactAreas* areas, fz_rect r) {
  for (int i = 0; i < areas->count; ++i)
    if (!fz_is_empty_rect(fz_intersect_rect(r, areas->rects[i]))) return true;
  return false;
}

// A glyph goes when its box, shrunk by a tenth of its size on every side, overlaps an area.
int glyph_filter(fz_context*, void* opaque, int*, int, fz_matrix trm, fz_matrix ctm, fz_rect bbox) {
  fz_rect box = fz_transform_rect(bbox, fz_concat(trm, ctm));
  const float dx = (box.x1 - box.x0) / 10;
  const float dy = (box.y1 - box.y0) / 10;
  box.x0 += dx;
  box.y0 += dy;
  box.x1 -= dx;
  box.y1 -= dy;
  return touches_any(static_cast<const RedactAreas*>(opaque), box) ? 1 : 0;
}

// Blanks the part of the image under q in pixmap (and in its soft mask, made on first need);
// pixmap is a copy of the image's pixels made on first need. Returns the pixmap.
fz_pixmap* blank_under(fz_context* ctx, fz_matrix ctm, fz_image* image, fz_pixmap* pixmap, fz_pixmap** pmask, fz_quad q) {
  bool pixmap_made = false;
  fz_var(pixmap);
  fz_var(pixmap_made);
  if (pixmap == nullptr) {
    fz_pixmap* original = fz_get_pixmap_from_image(ctx, image, nullptr, nullptr, nullptr, nullptr);
    const int imagemask = image->imagemask;
    fz_try(ctx) {
      pixmap = fz_clone_pixmap(ctx, original);
      if (imagemask) fz_invert_pixmap_alpha(ctx, pixmap);
    }
    fz_always(ctx) { fz_drop_pixmap(ctx, original); }
    fz_catch(ctx) { fz_rethrow(ctx); }
    pixmap_made = true;
  }
  fz_pixmap* mask = *pmask;
  fz_var(mask);
  if (mask == nullptr && image->mask != nullptr) {
    fz_pixmap* original = fz_get_pixmap_from_image(ctx, image->mask, nullptr, nullptr, nullptr, nullptr);
    fz_try(ctx) {
      mask = fz_clone_pixmap(ctx, original);
      *pmask = mask;
    }
    fz_always(ctx) { fz_drop_pixmap(ctx, original); }
    fz_catch(ctx) {
      if (pixmap_made) fz_drop_pixmap(ctx, pixmap);
      fz_rethrow(ctx);
    }
  }
  // A 1x1 image under a mask: the mask is what shows the picture, so only the mask is changed
  // (whitening the single pixel would blank the whole image, not just the area).
  if (mask == nullptr || pixmap->w > 1 || pixmap->h > 1) {
    const int colourants = pixmap->n - pixmap->alpha;
    const unsigned char white = fz_colorspace_is_subtractive(ctx, pixmap->colorspace) ? 0 : 255;
    const fz_matrix to_pixels = fz_post_scale(fz_invert_matrix(ctm), static_cast<float>(pixmap->w), static_cast<float>(pixmap->h));
    fz_irect r = fz_round_rect(fz_transform_rect(fz_rect_from_quad(q), to_pixels));
    const int x0 = fz_clampi(r.x0, 0, pixmap->w), x1 = fz_clampi(r.x1, 0, pixmap->w);
    const int top = fz_clampi(pixmap->h - r.y1, 0, pixmap->h), bottom = fz_clampi(pixmap->h - r.y0, 0, pixmap->h);
    for (int y = top; y < bottom; ++y) {
      for (int x = x0; x < x1; ++x) {
        unsigned char* s = pixmap->samples + static_cast<std::size_t>(y) * pixmap->stride + static_cast<std::size_t>(x) * pixmap->n;
        std::memset(s, white, static_cast<std::size_t>(colourants));
        if (pixmap->alpha) s[colourants] = 255;
      }
    }
  }
  if (mask != nullptr) {
    const fz_matrix to_mask = fz_post_scale(fz_invert_matrix(ctm), static_cast<float>(mask->w), static_cast<float>(mask->h));
    fz_irect r = fz_round_rect(fz_transform_rect(fz_rect_from_quad(q), to_mask));
    const int x0 = fz_clampi(r.x0, 0, mask->w), x1 = fz_clampi(r.x1, 0, mask->w);
    const int top = fz_clampi(mask->h - r.y1, 0, mask->h), bottom = fz_clampi(mask->h - r.y0, 0, mask->h);
    for (int y = top; y < bottom; ++y)
      std::memset(mask->samples + static_cast<std::size_t>(y) * mask->stride + x0, 0xff, static_cast<std::size_t>(x1 - x0));
  }
  return pixmap;
}

// Ownership, as 1.21's filter treats the result: for an inline image ("<inline>") whatever is
// returned is dropped, so an unchanged image goes back with a new reference; for an XObject image
// the unchanged image itself is kept as it is (no reference taken), a replacement is dropped
// after use, and nullptr removes the image.
fz_image* image_filter(fz_context* ctx, void* opaque, fz_matrix ctm, const char* name, fz_image* image) {
  const auto* areas = static_cast<const RedactAreas*>(opaque);
  const fz_quad area = fz_transform_quad(fz_quad_from_rect(fz_unit_rect), ctm);
  for (int i = 0; i < areas->count; ++i)
    if (fz_is_quad_inside_quad(area, areas->quads[i])) return nullptr;

  fz_pixmap* redacted = nullptr;
  fz_pixmap* mask = nullptr;
  fz_var(redacted);
  fz_var(mask);
  fz_try(ctx) {
    for (int i = 0; i < areas->count; ++i)
      if (fz_is_quad_intersecting_quad(area, areas->quads[i])) redacted = blank_under(ctx, ctm, image, redacted, &mask, areas->quads[i]);
  }
  fz_catch(ctx) {
    fz_drop_pixmap(ctx, redacted);
    fz_drop_pixmap(ctx, mask);
    fz_rethrow(ctx);
  }
  if (redacted == nullptr) return std::strcmp(name, "<inline>") == 0 ? fz_keep_image(ctx, image) : image;

  const int imagemask = image->imagemask;
  fz_image* new_mask = fz_keep_image(ctx, image->mask);
  fz_image* result = nullptr;
  fz_var(new_mask);
  fz_var(result);
  fz_try(ctx) {
    if (mask != nullptr) {
      fz_drop_image(ctx, new_mask);
      new_mask = nullptr;
      new_mask = fz_new_image_from_pixmap(ctx, mask, nullptr);
    }
    result = fz_new_image_from_pixmap(ctx, redacted, nullptr);
    result->imagemask = imagemask;
    result->mask = new_mask;
    new_mask = nullptr;
  }
  fz_always(ctx) {
    fz_drop_pixmap(ctx, redacted);
    fz_drop_pixmap(ctx, mask);
    fz_drop_image(ctx, new_mask);
  }
  fz_catch(ctx) { fz_rethrow(ctx); }
  return result;
}

void remove_links_under(fz_context* ctx, pdf_page* page, const RedactAreas* areas) {
  pdf_obj* annots = pdf_dict_get(ctx, page->obj, PDF_NAME(Annots));
  int k = 0;
  while (k < pdf_array_len(ctx, annots)) {
    pdf_obj* link = pdf_array_get(ctx, annots, k);
    if (pdf_dict_get(ctx, link, PDF_NAME(Subtype)) == PDF_NAME(Link) &&
        touches_any(areas, pdf_dict_get_rect(ctx, link, PDF_NAME(Rect)))) {
      pdf_array_delete(ctx, annots, k);
      continue;
    }
    ++k;
  }
}

void delete_annotations(fz_context* ctx, pdf_page* page, const RedactAreas* areas) {
  pdf_annot* a = pdf_first_annot(ctx, page);
  while (a != nullptr) {
    const bool free_text_under = pdf_annot_type(ctx, a) == PDF_ANNOT_FREE_TEXT &&
                                 touches_any(areas, pdf_dict_get_rect(ctx, pdf_annot_obj(ctx, a), PDF_NAME(Rect)));
    if (free_text_under || is_redact(ctx, a)) {
      pdf_delete_annot(ctx, page, a);
      a = pdf_first_annot(ctx, page);
    } else {
      a = pdf_next_annot(ctx, a);
    }
  }
}

}  // namespace

int apply_redact_annotations(fz_context* ctx, pdf_document* doc, pdf_page* page) {
  RedactAreas areas;
  int n = count_areas(ctx, page);
  if (n == 0) return 0;
  fz_var(n);
  fz_var(areas.quads);
  fz_var(areas.rects);
  fz_try(ctx) {
    areas.quads = fz_malloc_array(ctx, n, fz_quad);
    areas.rects = fz_malloc_array(ctx, n, fz_rect);
    collect_areas(ctx, page, &areas);

    pdf_filter_options filter{};
    filter.opaque = &areas;
    filter.text_filter = glyph_filter;
    filter.image_filter = image_filter;
    filter.recurse = 0;         // patterns, soft masks and Type 3 fonts are left as they are (as MuPDF does)
    filter.instance_forms = 1;  // each use of a Form XObject is filtered as its own copy
    filter.sanitize = 1;
    filter.ascii = 1;
    pdf_filter_page_contents(ctx, doc, page, &filter);
    remove_links_under(ctx, page, &areas);
    delete_annotations(ctx, page, &areas);
    doc->redacted = 1;  // no incremental save: the old content must not survive in the file
  }
  fz_always(ctx) {
    fz_free(ctx, areas.quads);
    fz_free(ctx, areas.rects);
  }
  fz_catch(ctx) { fz_rethrow(ctx); }
  return n;
}

}  // namespace redbox::redaction::detail
