#include "ocr/detail/page_processor.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/pdf_text.h"

namespace redbox::ocr::detail {
namespace {

constexpr double kDefaultDpi = 300;
constexpr double kMinDpi = 50;
constexpr double kMaxDpi = 2400;
// Print that wants more than this share of the analysis resolution is read from a full render.
constexpr double kSmallPrintShare = 0.9;

std::array<double, 4> to_array(const fz_rect& r) { return {r.x0, r.y0, r.x1, r.y1}; }

lept::Pix pix_from_gray_pixmap(const fz_pixmap* pm) {
  lept::Pix pix(pixCreate(pm->w, pm->h, 8));
  if (!pix) fail(Error::too_large("cannot allocate the page image"));
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < pm->h; ++y) {
    const unsigned char* src = pm->samples + static_cast<std::ptrdiff_t>(y) * pm->stride;
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < pm->w; ++x) SET_DATA_BYTE(line, x, src[x]);
  }
  return pix;
}

std::string page_label(const Source& s, int page) { return s.name + " page " + std::to_string(page + 1); }

}  // namespace

PageProcessor::PageProcessor(const OcrOptions& options, const std::vector<Source>& sources)
    : options_(options), sources_(sources), ctx_(mu::Context::create(options.worker_store_bytes)), docs_(sources.size()) {}

Recognizer& PageProcessor::recognizer() {
  if (!recognizer_) recognizer_ = std::make_unique<Recognizer>(options_.languages);
  return *recognizer_;
}

PageWork PageProcessor::process(int source_index, int page_index) {
  auto start = std::chrono::steady_clock::now();
  const Source& source = sources_[static_cast<std::size_t>(source_index)];
  PageWork work;
  try {
    work = source.kind == SourceKind::pdf ? process_pdf_page(source, source_index, page_index)
                                          : process_image_page(source, page_index);
  } catch (const Failure& f) {
    // Every message names the file and page, whichever layer raised it.
    if (f.error().message.rfind(source.name, 0) == 0) throw;
    fail(f.error().within(page_label(source, page_index)));
  }
  work.result.source = source.name;
  work.result.source_page =
      (source.kind == SourceKind::tiff ? source.tiff_directories.at(static_cast<std::size_t>(page_index)) : page_index) + 1;
  work.result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return work;
}

void PageProcessor::recognise_into(PageWork& work, PIX* gray, double dpi, fz_matrix to_page,
                                   const PageAnalysis& analysis, double recognition_dpi, double page_dpi) {
  Recognition rec = recognizer().recognise(gray, dpi, analysis, recognition_dpi);
  PageResult& r = work.result;
  r.ocred = true;
  r.orientation = rec.orientation;
  r.skew_degrees = rec.skew_degrees;
  r.dpi = page_dpi;
  r.recognition_dpi = rec.recognition_dpi;
  r.ink_fraction = rec.ink_fraction;
  r.text = std::move(rec.text);
  r.words = std::move(rec.words);
  r.lines = std::move(rec.lines);
  work.quads.reserve(rec.quads.size());
  for (std::size_t i = 0; i < rec.quads.size(); ++i) {
    fz_quad q = fz_transform_quad(rec.quads[i], to_page);
    work.quads.push_back(q);
    r.words[i].box = to_array(fz_rect_from_quad(q));
  }
  for (Line& line : r.lines) {
    fz_rect box = fz_transform_rect(fz_make_rect(static_cast<float>(line.box[0]), static_cast<float>(line.box[1]),
                                                 static_cast<float>(line.box[2]), static_cast<float>(line.box[3])),
                                    to_page);
    line.box = to_array(box);
  }
}

PageWork PageProcessor::process_pdf_page(const Source& source, int source_index, int page_index) {
  const mu::Context& ctx = ctx_;
  mu::Document& doc = docs_[static_cast<std::size_t>(source_index)];
  if (!doc) doc = mu::open_document(ctx, source.path, options_.password);
  mu::Page page = mu::load_page(ctx, doc, page_index);
  const std::string label = page_label(source, page_index);

  fz_stext_options opts{};
  opts.flags = FZ_STEXT_PRESERVE_WHITESPACE | FZ_STEXT_PRESERVE_LIGATURES | FZ_STEXT_PRESERVE_IMAGES;
  fz_stext_page* stext_raw = ctx.call(label + ": cannot read the page",
                                      [&] { return fz_new_stext_page_from_page(ctx, page.get(), &opts); });
  mu::StextPage stext(ctx, stext_raw);
  fz_rect bounds = ctx.call(label + ": cannot measure the page", [&] { return fz_bound_page(ctx, page.get()); });

  PageWork work;
  work.result.width = bounds.x1 - bounds.x0;
  work.result.height = bounds.y1 - bounds.y0;
  pdftext::PageText text = pdftext::from_stext(stext.get());
  if (text.visible_chars >= options_.min_text_chars) {
    // Born-digital page or a scan that already has an OCR layer: its own text is the truth.
    for (const auto& w : text.words) work.result.words.push_back({w.text, to_array(w.box), 100.0, w.line});
    for (const auto& l : text.lines) work.result.lines.push_back({to_array(l.box), l.block, l.first_word, l.word_count});
    work.result.text = std::move(text.text);
    return work;
  }

  // The page's own resolution: that of its largest image (area-based, so rotation does not
  // matter). Image sizes are checked here, before anything is decoded.
  double dpi = 0, largest = 0;
  for (fz_stext_block* b = stext->first_block; b != nullptr; b = b->next) {
    if (b->type != FZ_STEXT_BLOCK_IMAGE || b->u.i.image == nullptr) continue;
    const fz_image* im = b->u.i.image;
    auto pixels = static_cast<std::uint64_t>(im->w) * static_cast<std::uint64_t>(im->h);
    if (pixels > options_.max_image_pixels)
      fail(Error::too_large(label + " has a " + std::to_string(im->w) + "x" + std::to_string(im->h) + " image (" +
                            std::to_string(pixels / 1'000'000) + " Mpixel), over the limit of " +
                            std::to_string(options_.max_image_pixels / 1'000'000) + " Mpixel"));
    double area_pt = static_cast<double>(b->bbox.x1 - b->bbox.x0) * (b->bbox.y1 - b->bbox.y0);
    if (area_pt < 1 || static_cast<double>(pixels) <= largest) continue;
    largest = static_cast<double>(pixels);
    dpi = std::sqrt(static_cast<double>(pixels) / area_pt) * 72.0;
  }
  if (dpi <= 0) dpi = kDefaultDpi;
  dpi = std::clamp(dpi, kMinDpi, kMaxDpi);
  double scale = dpi / 72.0;
  const double page_pixels = work.result.width * work.result.height * scale * scale;
  if (page_pixels > static_cast<double>(options_.max_render_pixels)) {
    scale *= std::sqrt(static_cast<double>(options_.max_render_pixels) / page_pixels);
    work.result.downsampled = true;
  }
  if (work.result.width * scale < 1 || work.result.height * scale < 1)
    fail(Error::invalid_input(label + " is too small to render"));

  const double page_dpi = scale * 72.0;
  stext.reset();
  // A render at `at_dpi`, with the matrix from its pixels to page space.
  struct Render {
    lept::Pix gray;
    fz_matrix to_page = fz_identity;
  };
  auto render = [&](double at_dpi) {
    const auto s = static_cast<float>(at_dpi / 72.0);
    fz_pixmap* pm_raw = ctx.call(label + ": cannot render the page", [&] {
      return fz_new_pixmap_from_page(ctx, page.get(), fz_scale(s, s), fz_device_gray(ctx), 0);
    });
    mu::Pixmap pm(ctx, pm_raw);
    return Render{pix_from_gray_pixmap(pm.get()),
                  fz_concat(fz_translate(static_cast<float>(pm->x), static_cast<float>(pm->y)), fz_scale(1 / s, 1 / s))};
  };
  if (options_.scale_to_print && page_dpi > kAnalysisDpi) {
    // The size of the print is known only after a render, and most letters need well under
    // their scan resolution: render at the analysis resolution first and recognise from that
    // render when the print needs clearly less, else render again at the page's own
    // resolution. Rendering a 300 dpi scan at 200 dpi costs less than half as much, in drawing
    // and in every copy after it. Small print (wanting 180 dpi or more) read one word in 97
    // worse from MuPDF's 200 dpi render than from the full one (bench/ocr/resolution,
    // Helvetica 7 pt), hence the full render for it.
    Render first = render(kAnalysisDpi);
    const PageAnalysis analysis = recognizer().analyse(first.gray.get(), kAnalysisDpi, true);
    const double wanted = recognition_dpi_for(analysis, page_dpi);
    if (wanted <= kAnalysisDpi * kSmallPrintShare) {
      recognise_into(work, first.gray.get(), kAnalysisDpi, first.to_page, analysis, wanted, page_dpi);
    } else {
      first.gray.reset();
      Render full = render(page_dpi);
      recognise_into(work, full.gray.get(), page_dpi, full.to_page, analysis, wanted, page_dpi);
    }
    return work;
  }
  Render full = render(page_dpi);
  const PageAnalysis analysis = recognizer().analyse(full.gray.get(), page_dpi, options_.scale_to_print);
  recognise_into(work, full.gray.get(), page_dpi, full.to_page, analysis, recognition_dpi_for(analysis, page_dpi),
                 page_dpi);
  return work;
}

PageWork PageProcessor::process_image_page(const Source& source, int page_index) {
  lept::Pix pix = decode_image_page(source, page_index, options_.max_image_pixels);
  const Resolution res = image_resolution(pix.get());
  PageWork work;
  work.image_width_pt = pixGetWidth(pix.get()) * 72.0 / res.x;
  work.image_height_pt = pixGetHeight(pix.get()) * 72.0 / res.y;
  work.result.width = work.image_width_pt;
  work.result.height = work.image_height_pt;

  if (pixGetSpp(pix.get()) == 4) pix.reset(pixAlphaBlendUniform(pix.get(), 0xffffff00));
  lept::Pix gray(pix ? pixConvertTo8(pix.get(), 0) : nullptr);
  if (!gray) fail(Error::invalid_input(page_label(source, page_index) + ": unsupported image format"));
  pix.reset();
  // Recognition wants square pixels within the pixel limit: resample to one resolution (the
  // horizontal one, lowered if the page would exceed the limit).
  double dpi = res.x;
  const double square_pixels = work.result.width * work.result.height * (dpi / 72.0) * (dpi / 72.0);
  if (square_pixels > static_cast<double>(options_.max_render_pixels)) {
    dpi *= std::sqrt(static_cast<double>(options_.max_render_pixels) / square_pixels);
    work.result.downsampled = true;
  }
  const double fx = dpi / res.x, fy = dpi / res.y;
  if (std::fabs(fx - 1) > 0.001 || std::fabs(fy - 1) > 0.001) {
    gray.reset(pixScale(gray.get(), static_cast<float>(fx), static_cast<float>(fy)));
    if (!gray) fail(Error::too_large(page_label(source, page_index) + ": cannot resample the image"));
  }
  // Pixel edges of the resampled image to points: the page is the image at its own resolution.
  const auto sx = static_cast<float>(work.result.width / pixGetWidth(gray.get()));
  const auto sy = static_cast<float>(work.result.height / pixGetHeight(gray.get()));
  const PageAnalysis analysis = recognizer().analyse(gray.get(), dpi, options_.scale_to_print);
  recognise_into(work, gray.get(), dpi, fz_scale(sx, sy), analysis, recognition_dpi_for(analysis, dpi), dpi);
  return work;
}

}  // namespace redbox::ocr::detail
