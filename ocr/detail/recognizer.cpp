#include "ocr/detail/recognizer.h"

#include <spdlog/spdlog.h>
#include <tesseract/resultiterator.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "ocr/detail/openmp_inline.h"

namespace redbox::ocr::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr float kSkewSweepDegrees = 12.0F;
constexpr float kMinSkewConfidence = 2.5F;
constexpr double kMinSkewDegrees = 0.1;

// Matrix of a clockwise quarter-turn rotation of a w x h image (pixel edges, y down).
fz_matrix quarter_turns(int quads, double w, double h) {
  switch (quads & 3) {
    case 1: return fz_make_matrix(0, 1, -1, 0, static_cast<float>(h), 0);
    case 2: return fz_make_matrix(-1, 0, 0, -1, static_cast<float>(w), static_cast<float>(h));
    case 3: return fz_make_matrix(0, -1, 1, 0, 0, static_cast<float>(w));
    default: return fz_identity;
  }
}

// Matrix of Leptonica's pixRotate by radians (clockwise positive, y down) about the centre.
fz_matrix centre_rotation(double radians, double w, double h) {
  double c = std::cos(radians), s = std::sin(radians), cx = w / 2, cy = h / 2;
  return fz_make_matrix(static_cast<float>(c), static_cast<float>(s), static_cast<float>(-s), static_cast<float>(c),
                        static_cast<float>(cx - c * cx + s * cy), static_cast<float>(cy - s * cx - c * cy));
}

// Recognition resolution from the size of the print. Tesseract's LSTM scales every text line to
// a fixed height (36 px for the English model) whatever the page resolution, so recognising a
// page at more pixels than its print needs only makes layout analysis and line extraction dearer.
// The typical character (median height of the connected components) is brought down to about
// kTargetCharPixels, never below kMinRecognitionDpi and never up. Calibrated with
// bench/ocr/resolution: Times, Helvetica and Courier at 7-14 pt, straight and skewed, read as well
// as at full resolution; a 12 pt letter at 300 dpi (median about 21 px) is read at about 160 dpi
// in about 25% less time. Components count as characters between these heights at the analysis
// resolution and no more than kMaxCharAspect times as wide as tall; too few, and the page is read
// at full resolution.
constexpr double kTargetCharPixels = 11.0;
constexpr double kMinRecognitionDpi = 150;
constexpr int kMinCharPixels = 3;
constexpr int kMaxCharPixels = 120;
constexpr int kMaxCharAspect = 3;
constexpr std::size_t kMinCharacters = 40;
// Scaling by less than this saves too little to be worth a copy.
constexpr double kMaxUsefulScale = 0.9;

// Median character height in pixels of a binary image; 0 when it holds too few characters.
double median_character_height(PIX* binary) {
  BOXA* raw = pixConnCompBB(binary, 8);
  if (raw == nullptr) return 0;
  std::vector<int> heights;
  const int n = boxaGetCount(raw);
  heights.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    if (boxaGetBoxGeometry(raw, i, &x, &y, &w, &h) == 0 && h >= kMinCharPixels && h <= kMaxCharPixels &&
        w <= kMaxCharAspect * h)
      heights.push_back(h);
  }
  boxaDestroy(&raw);
  if (heights.size() < kMinCharacters) return 0;
  auto mid = heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2);
  std::nth_element(heights.begin(), mid, heights.end());
  return *mid;
}

// Below this share of dark pixels a page is treated as blank for orientation (a few specks of
// scanner noise are far less; one short line of text at 200 ppi is about 0.2%).
constexpr double kMinInkForOrientation = 0.0005;

// Tesseract prints warnings ("Too few characters", resolution guesses) to stderr; Redbox
// reports problems itself.
void quiet(tesseract::TessBaseAPI& api) { api.SetVariable("debug_file", "/dev/null"); }

std::mutex& init_mutex() {
  static std::mutex m;
  return m;
}

struct TextDeleter {
  void operator()(char* p) const { delete[] p; }
};

}  // namespace

void limit_tesseract_threads() {
  static std::once_flag once;
  // For a libgomp loaded later, and for child processes.
  std::call_once(once, [] {
    setenv("OMP_THREAD_LIMIT", "1", 0);
    spdlog::debug("Tesseract's OpenMP sections run {}", inline_sections() ? "inline" : "through libgomp");
  });
  // Debian's libtesseract links libgomp, which read the environment when the program was
  // loaded, so the variable alone comes too late. With no active parallel levels, every
  // parallel region runs on the calling thread only, whatever its num_threads clause. The
  // setting is per thread (libgomp keeps it in the thread's task ICVs), hence every worker
  // calls this before it uses Tesseract. Looked up at run time: no OpenMP build flags needed,
  // and a Tesseract built without OpenMP simply has no such symbol.
  using SetLevels = void (*)(int);
  static void* const set_levels = dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
  if (set_levels != nullptr) reinterpret_cast<SetLevels>(set_levels)(0);
}

Recognizer::Recognizer(const std::string& languages) {
  limit_tesseract_threads();
  {
    // Some Tesseract parameters (debug_file among them) are process-wide globals: set them and
    // load models one worker at a time.
    std::lock_guard lock(init_mutex());
    quiet(api_);
    if (api_.Init(nullptr, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
      fail(Error::invalid_input("Tesseract cannot load language '" + languages + "' (is its traineddata installed?)"));
  }
  // The API defaults to a single uniform block (mode 6); letters need layout analysis.
  api_.SetPageSegMode(tesseract::PSM_AUTO);
  // Paragraphs from the layout alone, found before recognition. Tesseract's default runs its
  // paragraph finder again after recognition over the text of every line, which cost 4-6% of the
  // CPU time on bench/ocr. The words, their boxes and lines are the same either way (compared
  // on bench/ocr's pages); only some paragraph breaks (blank lines in the plain text) differ.
  api_.SetVariable("paragraph_text_based", "false");
}

Recognizer::~Recognizer() {
  api_.End();
  if (osd_) osd_->End();
}

int Recognizer::detect_orientation_osd(PIX* binary_small) {
  if (osd_failed_) return -1;
  used_osd_ = true;
  if (!osd_) {
    osd_ = std::make_unique<tesseract::TessBaseAPI>();
    std::lock_guard lock(init_mutex());
    quiet(*osd_);
    if (osd_->Init(nullptr, "osd", tesseract::OEM_TESSERACT_ONLY) != 0) {
      osd_failed_ = true;
      osd_.reset();
      return -1;
    }
    osd_->SetPageSegMode(tesseract::PSM_OSD_ONLY);
  }
  pixSetResolution(binary_small, static_cast<l_int32>(kAnalysisDpi), static_cast<l_int32>(kAnalysisDpi));
  osd_->SetImage(binary_small);
  osd_->SetSourceResolution(static_cast<int>(kAnalysisDpi));
  int degrees = 0;
  float conf = 0;
  if (!osd_->DetectOrientationScript(&degrees, &conf, nullptr, nullptr) || conf < 1.5F) return -1;
  // degrees is the clockwise rotation of the input; undo it with counter-clockwise turns.
  return (4 - degrees / 90) & 3;
}

// Returns the clockwise quarter turns that make the text upright (0 when unsure).
int Recognizer::detect_orientation(PIX* binary_small) {
  l_float32 upconf = 0, leftconf = 0;
  l_int32 orient = L_TEXT_ORIENT_UNKNOWN;
  if (pixOrientDetect(binary_small, &upconf, &leftconf, 0, 0) == 0)
    makeOrientDecision(upconf, leftconf, 0, 0, &orient, 0);
  spdlog::debug("ocr orientation: up_confidence={:.1f} left_confidence={:.1f} decision={}", upconf, leftconf, orient);
  switch (orient) {
    case L_TEXT_ORIENT_UP: return 0;
    case L_TEXT_ORIENT_LEFT: return 1;
    case L_TEXT_ORIENT_DOWN: return 2;
    case L_TEXT_ORIENT_RIGHT: return 3;
    default: break;
  }
  int osd = detect_orientation_osd(binary_small);
  return osd < 0 ? 0 : osd;
}

PageAnalysis Recognizer::analyse(PIX* gray, double dpi, bool scale_to_print) {
  used_osd_ = false;
  PageAnalysis out;
  // Analysis copy: at most kAnalysisDpi, binary.
  const float factor = static_cast<float>(std::min(1.0, kAnalysisDpi / dpi));
  lept::Pix small(factor < 0.99F ? pixScaleGrayLI(gray, factor, factor) : pixClone(gray));
  lept::Pix binary(small ? pixConvertTo1(small.get(), 150) : nullptr);
  if (!binary) return out;
  const double analysis_dpi = dpi * factor;
  float skew = 0, skew_conf = 0;
  l_int32 dark = 0;
  if (pixCountPixels(binary.get(), &dark, nullptr) == 0)
    out.ink_fraction = static_cast<double>(dark) / (static_cast<double>(pixGetWidth(binary.get())) * pixGetHeight(binary.get()));
  // A (nearly) blank page has no text to orient: neither finder can help.
  if (out.ink_fraction >= kMinInkForOrientation) out.quads = detect_orientation(binary.get());
  lept::Pix upright(out.quads != 0 ? pixRotateOrth(binary.get(), out.quads) : pixClone(binary.get()));
  if (upright && pixFindSkewSweepAndSearch(upright.get(), &skew, &skew_conf, 2, 1, kSkewSweepDegrees, 1.0F, 0.01F) != 0)
    skew_conf = 0;
  if (skew_conf >= kMinSkewConfidence && std::fabs(skew) >= kMinSkewDegrees) out.skew_degrees = skew;
  // Measured upright, where a character's height is its height.
  if (scale_to_print && upright && out.ink_fraction >= kMinInkForOrientation) {
    const double pixels = median_character_height(upright.get());
    if (pixels > 0) {
      out.character_points = pixels * 72.0 / analysis_dpi;
      out.print_dpi = std::max(kTargetCharPixels * 72.0 / out.character_points, kMinRecognitionDpi);
    }
  }
  return out;
}

double recognition_dpi_for(const PageAnalysis& analysis, double page_dpi) {
  if (analysis.print_dpi <= 0 || analysis.print_dpi >= page_dpi * kMaxUsefulScale) return page_dpi;
  return analysis.print_dpi;
}

Recognition Recognizer::recognise(PIX* gray, double dpi, const PageAnalysis& analysis, double recognition_dpi) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  Recognition out;
  const double w = pixGetWidth(gray), h = pixGetHeight(gray);
  const int quads = analysis.quads;
  const double skew = analysis.skew_degrees;
  out.orientation = quads * 90;
  out.skew_degrees = skew;
  out.ink_fraction = analysis.ink_fraction;
  out.character_pixels = analysis.character_points * dpi / 72.0;
  // Within a few percent of the image's own resolution, the image is read as it is.
  const double recognition_scale = recognition_dpi < dpi * kMaxUsefulScale ? recognition_dpi / dpi : 1.0;
  out.recognition_dpi = dpi * recognition_scale;

  // Recognition copy: the page turned upright, brought to the recognition resolution (before
  // deskewing, which then has fewer pixels to turn) and deskewed.
  fz_matrix forward = quarter_turns(quads, w, h);
  lept::Pix prepared(quads != 0 ? pixRotateOrth(gray, quads) : pixClone(gray));
  if (!prepared) fail(Error::too_large("cannot allocate the page image for orientation"));
  if (recognition_scale < 1) {
    const auto s = static_cast<float>(recognition_scale);
    // Linear interpolation, not area mapping: on bench/ocr, Tesseract took about 35% longer on
    // pages scaled with pixScaleAreaMap (its softer edges), for the same words.
    prepared.reset(pixScaleGrayLI(prepared.get(), s, s));
    if (!prepared) fail(Error::too_large("cannot allocate the page image for scaling"));
    // The scaled size is rounded; map by the sizes actually made.
    forward = fz_concat(forward, fz_scale(static_cast<float>(pixGetWidth(prepared.get()) / (quads & 1 ? h : w)),
                                          static_cast<float>(pixGetHeight(prepared.get()) / (quads & 1 ? w : h))));
  }
  if (skew != 0) {
    double radians = skew * kPi / 180.0;
    const double pw = pixGetWidth(prepared.get()), ph = pixGetHeight(prepared.get());
    prepared.reset(pixRotate(prepared.get(), static_cast<float>(radians), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
    if (!prepared) fail(Error::too_large("cannot allocate the page image for deskewing"));
    forward = fz_concat(forward, centre_rotation(radians, pw, ph));
  }
  const fz_matrix back = fz_invert_matrix(forward);
  dpi = out.recognition_dpi;

  const auto t1 = Clock::now();
  pixSetResolution(prepared.get(), static_cast<l_int32>(std::lround(dpi)), static_cast<l_int32>(std::lround(dpi)));
  api_.SetImage(prepared.get());
  api_.SetSourceResolution(static_cast<int>(std::lround(dpi)));
  if (api_.Recognize(nullptr) != 0) fail(Error::internal("Tesseract could not recognise the page"));

  std::unique_ptr<tesseract::ResultIterator> it(api_.GetIterator());
  int block = -1;
  if (it) {
    do {
      if (it->Empty(tesseract::RIL_WORD)) continue;
      std::unique_ptr<char, TextDeleter> text(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!text || *text == '\0') continue;
      bool new_block = it->IsAtBeginningOf(tesseract::RIL_BLOCK);
      bool new_para = it->IsAtBeginningOf(tesseract::RIL_PARA);
      bool new_line = it->IsAtBeginningOf(tesseract::RIL_TEXTLINE) || out.lines.empty();
      if (new_block || block < 0) ++block;
      if (new_line) {
        if (!out.text.empty()) out.text += (new_block || new_para) ? "\n\n" : "\n";
        Line line;
        line.block = block;
        line.first_word = static_cast<int>(out.words.size());
        int l = 0, t = 0, r = 0, b = 0;
        it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b);
        fz_rect box = fz_transform_rect(fz_make_rect(l, t, r, b), back);
        line.box = {box.x0, box.y0, box.x1, box.y1};
        out.lines.push_back(line);
      } else {
        out.text += ' ';
      }
      out.text += text.get();
      int l = 0, t = 0, r = 0, b = 0;
      it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b);
      Word word;
      word.text = text.get();
      word.confidence = it->Confidence(tesseract::RIL_WORD);
      word.line = static_cast<int>(out.lines.size()) - 1;
      out.lines.back().word_count++;
      fz_quad q = fz_transform_quad(fz_quad_from_rect(fz_make_rect(l, t, r, b)), back);
      out.words.push_back(std::move(word));
      out.quads.push_back(q);
    } while (it->Next(tesseract::RIL_WORD));
  }
  api_.Clear();
  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  spdlog::debug("ocr page: orientation={} osd={} skew={:.2f} character_px={:.1f} recognition_dpi={:.0f} prepare_ms={} "
                "recognise_ms={} words={}",
                out.orientation, used_osd_, out.skew_degrees, out.character_pixels, out.recognition_dpi, ms(t1 - t0),
                ms(Clock::now() - t1), out.words.size());
  return out;
}

}  // namespace redbox::ocr::detail
