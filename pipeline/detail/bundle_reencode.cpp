#include "pipeline/detail/bundle_reencode.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "common/leptonica.h"

namespace redbox::pipeline::detail {
namespace {

// Images over this many pixels are not decoded (a 600 dpi A0 scan is ~670 MP; memory for one
// decoded RGB copy of the limit is 600 MB, which the caller's part is not allowed to cost).
constexpr std::int64_t kMaxDecodePixels = 100'000'000;
constexpr int kMaxImagesPerPage = 256;
constexpr int kJpegQuality = 75;

// A device that only records, for every image drawn, the lowest resolution it is drawn at
// (its largest placement). Plain C storage: device callbacks run inside MuPDF's error frames,
// where no C++ object may be created.
struct Placement {
  fz_image* image;  // kept
  float min_dpi;
};

struct PlacementDevice {
  fz_device super;
  Placement placements[kMaxImagesPerPage];
  int count;
};

void record_image(fz_context* ctx, fz_device* dev, fz_image* image, fz_matrix ctm, float, fz_color_params) {
  auto* d = reinterpret_cast<PlacementDevice*>(dev);
  const float width_pt = std::hypot(ctm.a, ctm.b);
  const float height_pt = std::hypot(ctm.c, ctm.d);
  if (width_pt < 0.01f || height_pt < 0.01f) return;
  const float dpi = std::min(static_cast<float>(image->w) * 72.0f / width_pt, static_cast<float>(image->h) * 72.0f / height_pt);
  for (int i = 0; i < d->count; ++i) {
    if (d->placements[i].image == image) {
      d->placements[i].min_dpi = std::min(d->placements[i].min_dpi, dpi);
      return;
    }
  }
  if (d->count == kMaxImagesPerPage) return;
  d->placements[d->count++] = {fz_keep_image(ctx, image), dpi};
}

void drop_placements(fz_context* ctx, fz_device* dev) {
  auto* d = reinterpret_cast<PlacementDevice*>(dev);
  for (int i = 0; i < d->count; ++i) fz_drop_image(ctx, d->placements[i].image);
  d->count = 0;
}

struct Found {
  pdf_obj* dict;   // the /XObject dictionary holding the reference (borrowed)
  std::string key;
  pdf_obj* image;  // the image stream (borrowed)
};

// Image XObjects reachable from resources (through Form XObjects), each dictionary once.
void collect_images(const mu::Context& ctx, pdf_obj* resources, std::vector<Found>& out, std::vector<int>& seen, int depth) {
  if (resources == nullptr || depth > 8) return;
  pdf_obj* xobjects = ctx.call("reading resources", [&] { return pdf_dict_get(ctx, resources, PDF_NAME(XObject)); });
  const int n = ctx.call("reading resources", [&] { return pdf_dict_len(ctx, xobjects); });
  for (int i = 0; i < n; ++i) {
    pdf_obj* key = ctx.call("reading resources", [&] { return pdf_dict_get_key(ctx, xobjects, i); });
    pdf_obj* value = ctx.call("reading resources", [&] { return pdf_dict_get_val(ctx, xobjects, i); });
    const int num = ctx.call("reading resources", [&] { return pdf_to_num(ctx, value); });
    if (num != 0) {
      if (std::find(seen.begin(), seen.end(), num) != seen.end()) continue;
      seen.push_back(num);
    }
    pdf_obj* subtype = ctx.call("reading resources", [&] { return pdf_dict_get(ctx, value, PDF_NAME(Subtype)); });
    const bool is_image = ctx.call("reading resources", [&] { return pdf_name_eq(ctx, subtype, PDF_NAME(Image)); });
    const bool is_form = ctx.call("reading resources", [&] { return pdf_name_eq(ctx, subtype, PDF_NAME(Form)); });
    if (is_image) {
      const char* name = ctx.call("reading resources", [&] { return pdf_to_name(ctx, key); });
      out.push_back({xobjects, name, value});
    } else if (is_form) {
      pdf_obj* inner = ctx.call("reading resources", [&] { return pdf_dict_get(ctx, value, PDF_NAME(Resources)); });
      collect_images(ctx, inner, out, seen, depth + 1);
    }
  }
}

// Decoded image -> Leptonica 8 bpp grey or 32 bpp RGB, without alpha.
lept::Pix to_pix(const mu::Context& ctx, fz_pixmap* pix) {
  const int w = pix->w;
  const int h = pix->h;
  const int n = pix->n;
  const bool grey = n == 1;
  lept::Pix out(pixCreate(w, h, grey ? 8 : 32));
  if (!out) fail(Error::too_large("cannot allocate a " + std::to_string(w) + "x" + std::to_string(h) + " image"));
  const l_int32 wpl = pixGetWpl(out.get());
  l_uint32* data = pixGetData(out.get());
  for (int y = 0; y < h; ++y) {
    const unsigned char* src = pix->samples + static_cast<std::ptrdiff_t>(y) * pix->stride;
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      if (grey) {
        SET_DATA_BYTE(line, x, src[x]);
      } else {
        l_uint32 value = 0;
        const unsigned char* px = src + static_cast<std::ptrdiff_t>(x) * n;
        composeRGBPixel(px[0], px[1], px[2], &value);
        line[x] = value;
      }
    }
  }
  (void)ctx;
  return out;
}

// Decodes image, scales it by factor and returns a JPEG image, or null to leave it alone.
mu::Image downsample(const mu::Context& ctx, fz_image* image, float factor, const std::string& describe) {
  if (static_cast<std::int64_t>(image->w) * image->h > kMaxDecodePixels)
    fail(Error::too_large(describe + ": an image of " + std::to_string(image->w) + "x" + std::to_string(image->h) +
                          " pixels is too large to re-encode"));
  mu::Pixmap decoded(ctx, ctx.call(describe + ": cannot decode image", [&] {
    return fz_get_pixmap_from_image(ctx, image, nullptr, nullptr, nullptr, nullptr);
  }));
  // Grey stays grey; anything else (RGB, CMYK, indexed, Lab, alpha) becomes plain RGB.
  fz_pixmap* src = decoded.get();
  mu::Pixmap converted;
  const bool plain_grey = src->n == 1 && src->alpha == 0;
  const bool plain_rgb = src->n == 3 && src->alpha == 0 && src->colorspace != nullptr &&
                         fz_colorspace_is_rgb(ctx, src->colorspace);
  if (!plain_grey && !plain_rgb) {
    const bool to_grey = src->colorspace != nullptr && fz_colorspace_is_gray(ctx, src->colorspace);
    converted = mu::Pixmap(ctx, ctx.call(describe + ": cannot convert image", [&] {
      return fz_convert_pixmap(ctx, src, to_grey ? fz_device_gray(ctx) : fz_device_rgb(ctx), nullptr, nullptr,
                               fz_default_color_params, 0);
    }));
    src = converted.get();
  }
  lept::Pix full = to_pix(ctx, src);
  decoded.reset();
  converted.reset();
  lept::Pix scaled(pixScale(full.get(), factor, factor));
  if (!scaled) fail(Error::internal(describe + ": scaling an image failed"));
  full.reset();
  l_uint8* jpeg = nullptr;
  size_t jpeg_size = 0;
  if (pixWriteMemJpeg(&jpeg, &jpeg_size, scaled.get(), kJpegQuality, 0) != 0 || jpeg == nullptr)
    fail(Error::internal(describe + ": JPEG encoding of a re-encoded image failed"));
  const unsigned char* bytes = jpeg;
  mu::Buffer buffer(ctx, ctx.call("copying JPEG", [&] { return fz_new_buffer_from_copied_data(ctx, bytes, jpeg_size); },
                                  ErrorKind::internal));
  lept_free(jpeg);
  fz_buffer* buf = buffer.get();
  return mu::Image(ctx, ctx.call(describe + ": cannot read re-encoded image", [&] { return fz_new_image_from_buffer(ctx, buf); },
                                 ErrorKind::internal));
}

std::uint64_t stream_length(const mu::Context& ctx, pdf_obj* stream) {
  return static_cast<std::uint64_t>(
      std::max(0, ctx.call("reading image", [&] { return pdf_dict_get_int(ctx, stream, PDF_NAME(Length)); })));
}

}  // namespace

ReencodeResult reencode_page_images(const mu::Context& ctx, pdf_document* doc, int page_index, int dpi,
                                    const std::string& describe) {
  ReencodeResult result;
  // 1. Where each image is drawn, and at what resolution.
  mu::Page page(ctx, ctx.call(describe + ": cannot load page", [&] { return &pdf_load_page(ctx, doc, page_index)->super; }));
  mu::Device device(ctx, ctx.call("creating device", [&] {
    auto* d = fz_new_derived_device(ctx, PlacementDevice);
    d->count = 0;
    d->super.fill_image = record_image;
    d->super.drop_device = drop_placements;
    return &d->super;
  }, ErrorKind::internal));
  fz_page* p = page.get();
  fz_device* dev = device.get();
  ctx.call(describe + ": cannot read page", [&] {
    fz_run_page(ctx, p, dev, fz_identity, nullptr);
    fz_close_device(ctx, dev);
  });
  const auto* placements = reinterpret_cast<PlacementDevice*>(dev);

  // 2. Which resource entries hold those images (pdf_load_image returns the cached fz_image
  //    for an object while the device keeps it alive).
  pdf_obj* page_obj = ctx.call("reading page", [&] { return pdf_lookup_page_obj(ctx, doc, page_index); });
  pdf_obj* resources = ctx.call("reading page", [&] { return pdf_dict_get_inheritable(ctx, page_obj, PDF_NAME(Resources)); });
  std::vector<Found> found;
  std::vector<int> seen;
  collect_images(ctx, resources, found, seen, 0);

  for (const Found& f : found) {
    pdf_obj* obj = f.image;
    const bool skip = ctx.call("reading image", [&] {
      return pdf_dict_get_bool(ctx, obj, PDF_NAME(ImageMask)) || pdf_dict_get(ctx, obj, PDF_NAME(SMask)) != nullptr ||
             pdf_dict_get(ctx, obj, PDF_NAME(Mask)) != nullptr;
    });
    if (skip) continue;
    mu::Image loaded(ctx, ctx.call(describe + ": cannot read image", [&] { return pdf_load_image(ctx, doc, obj); }));
    float min_dpi = 0;
    for (int i = 0; i < placements->count; ++i)
      if (placements->placements[i].image == loaded.get()) min_dpi = placements->placements[i].min_dpi;
    if (min_dpi <= static_cast<float>(dpi) * 1.05f) continue;  // not drawn, or already small enough
    const float factor = static_cast<float>(dpi) / min_dpi;
    if (static_cast<int>(static_cast<float>(loaded->w) * factor) < 1 || static_cast<int>(static_cast<float>(loaded->h) * factor) < 1)
      continue;
    mu::Image smaller = downsample(ctx, loaded.get(), factor, describe);
    fz_image* img = smaller.get();
    mu::PdfObj ref(ctx, ctx.call(describe + ": cannot store re-encoded image", [&] { return pdf_add_image(ctx, doc, img); },
                                 ErrorKind::internal));
    pdf_obj* r = ref.get();
    const std::uint64_t before = stream_length(ctx, obj);
    const std::uint64_t after = ctx.call("reading image", [&] {
      return static_cast<std::uint64_t>(std::max<std::int64_t>(0, pdf_dict_get_int(ctx, r, PDF_NAME(Length))));
    });
    if (after >= before) continue;  // no gain (already well compressed): keep the original
    pdf_obj* dict = f.dict;
    const char* key = f.key.c_str();
    ctx.call("replacing image", [&] { pdf_dict_puts(ctx, dict, key, r); }, ErrorKind::internal);
    ++result.images_reencoded;
    result.bytes_before += before;
    result.bytes_after += after;
  }
  return result;
}

}  // namespace redbox::pipeline::detail
