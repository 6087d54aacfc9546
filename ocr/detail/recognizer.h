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

  // gray: 8 bpp page image as scanned (any orientation, slightly skewed). dpi: its resolution.
  // scale_to_print: read the page at a lower resolution when its print is large enough.
  Recognition recognise(PIX* gray, double dpi, bool scale_to_print);

 private:
  int detect_orientation(PIX* binary_small);
  int detect_orientation_osd(PIX* binary_small);

  tesseract::TessBaseAPI api_;
  std::unique_ptr<tesseract::TessBaseAPI> osd_;
  bool osd_failed_ = false;
  bool used_osd_ = false;  // for the debug log of the current page
};

}  // namespace redbox::ocr::detail
