// One Tesseract instance (plus a lazily started OSD instance) owned by one worker thread and
// reused across pages. Clean-up happens on copies: the caller's image is never changed.
#pragma once

#include <tesseract/baseapi.h>

#include <memory>
#include <string>
#include <vector>

#include "common/leptonica.h"
#include "common/mupdf.h"
#include "ocr/ocr_job.h"

namespace redbox::ocr::detail {

// Orientation and skew are found on a binary copy at about this resolution. Leptonica's
// morphological orientation test wants 150-300 ppi; measured on cardinal.pdf, 200 ppi gave
// 2-3x the confidence of 150 ppi (so OSD is rarely needed) for about 60 ms a page.
inline constexpr double kAnalysisDpi = 200;

// What the clean-up found on a page, from a binary copy at up to 200 dpi. Resolution-independent,
// so it applies to any rendering of the same page.
struct PageAnalysis {
  int quads = 0;                 // clockwise quarter turns that make the text upright
  double skew_degrees = 0;       // deskew angle to apply (0: none)
  double ink_fraction = -1;      // dark pixels / all pixels of the binary copy
  double character_points = 0;   // median character height; 0 when not measured
  double print_dpi = 0;          // resolution the print needs (>= 150); 0: no opinion
};

// The resolution to recognise a page at, given its own (page_dpi): what the print needs when
// that is clearly less, else page_dpi.
double recognition_dpi_for(const PageAnalysis& analysis, double page_dpi);

struct Recognition {
  std::vector<Word> words;      // box left empty: see quads
  std::vector<fz_quad> quads;   // per word, in the INPUT image's pixel coordinates
  std::vector<Line> lines;      // box in the input image's pixel coordinates
  std::string text;
  int orientation = 0;          // clockwise quarter turns * 90 applied before recognition
  double skew_degrees = 0;
  double ink_fraction = -1;     // dark pixels / all pixels of the binary analysis copy
  double character_pixels = 0;  // median character height in input pixels; 0 when not measured
  double recognition_dpi = 0;   // resolution Tesseract read the page at
};

// Keeps Tesseract on one thread: sets OMP_THREAD_LIMIT=1 (unless the user set it) and turns
// off OpenMP parallel regions for the CALLING thread. OpenMP threads inside Tesseract made it
// 8-10x slower on small machines; Redbox parallelises across pages instead. Called by the
// job before any Tesseract exists and by each Recognizer on its own thread.
void limit_tesseract_threads();

class Recognizer {
 public:
  // Throws Failure (invalid_input) when a language's traineddata is not installed.
  explicit Recognizer(const std::string& languages);
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;
  ~Recognizer();

  // Orientation, skew, ink and print size of a page. gray: 8 bpp page image as scanned (any
  // orientation, slightly skewed); dpi: its resolution. scale_to_print: measure the print.
  PageAnalysis analyse(PIX* gray, double dpi, bool scale_to_print);
  // Recognises gray (any rendering of the analysed page, at dpi) turned and deskewed as the
  // analysis says, downscaled to recognition_dpi when that is clearly lower than dpi.
  Recognition recognise(PIX* gray, double dpi, const PageAnalysis& analysis, double recognition_dpi);

 private:
  int detect_orientation(PIX* binary_small);
  int detect_orientation_osd(PIX* binary_small);

  tesseract::TessBaseAPI api_;
  std::unique_ptr<tesseract::TessBaseAPI> osd_;
  bool osd_failed_ = false;
  bool used_osd_ = false;  // for the debug log of the current page
};

}  // namespace redbox::ocr::detail
