// The OCR engine: scanned letters (PDF, multi-page TIFF, PNG, JPEG) in; a searchable PDF,
// plain text and word geometry out. No store, no cases: files in, files and results out.
//
//   redbox::ocr::OcrOptions opt;
//   opt.inputs = {"post/letter1.pdf", "post/letter2.tif"};
//   opt.output_pdf = "out.pdf";
//   auto result = redbox::ocr::OcrJob(opt).run();   // Result<OcrResult>
//
// Pages that already carry text (born-digital pages, or scans with an OCR layer) are not
// OCRed: their words come from MuPDF. The other pages are rendered (PDF) or decoded (images),
// oriented and deskewed with Leptonica on a copy, and recognised by Tesseract (LSTM), one
// Tesseract and one MuPDF context per worker thread. Word boxes are always given in the
// ORIGINAL page's coordinates: points, origin top-left of the page as displayed, y down
// (MuPDF's page space), so search hits and redaction boxes line up with the printed words.
//
// Thread-safety: an OcrJob is used from one thread; run() starts and joins its own workers.
// Several OcrJobs may run at the same time on different threads (nothing is shared but
// Tesseract's model loading, which is serialised). The progress and on_page callbacks are
// called from worker threads, one call at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace redbox::ocr {

struct PageResult;

struct OcrOptions {
  std::vector<std::filesystem::path> inputs;  // concatenated in order into one output
  std::filesystem::path output_pdf;           // searchable PDF; empty: not written
  std::optional<std::filesystem::path> text_path;   // plain text, pages separated by '\f'
  std::optional<std::filesystem::path> words_path;  // JSON: page sizes and words
  int jobs = 0;                 // worker threads; 0 = number of cores
  std::string languages = "eng";  // Tesseract languages, e.g. "eng+fra"
  std::optional<std::string> password;  // for encrypted PDF inputs
  // An embedded image or image file with more pixels than this is refused (decompression
  // bombs); checked from headers before anything is decoded. 100 Mpixel is an A3 page at
  // 600 dpi with room to spare, and at most 300 MB decoded even in colour.
  std::uint64_t max_image_pixels = 100'000'000;
  // A page rendered for recognition is downsampled to at most this many pixels.
  std::uint64_t max_render_pixels = 40'000'000;
  // Read a page at a lower resolution when its print is large enough that Tesseract loses
  // nothing by it (about 25% less time on a 12 pt letter scanned at 300 dpi; see
  // ocr/detail/recognizer.cpp). false: every page at the resolution it was scanned at.
  bool scale_to_print = true;
  // A PDF page with at least this many visible characters is taken as having text already.
  std::size_t min_text_chars = 8;
  // Called after each page with (pages done, pages total).
  std::function<void(int, int)> progress;
  // Called as each page is finished (in completion order, not page order), before the
  // outputs are written; the job still fails as a whole if a later page fails.
  std::function<void(const PageResult&)> on_page;
  // Also return the searchable PDF's bytes in OcrResult::pdf (e.g. to store it as a version
  // without a temporary file). Independent of output_pdf.
  bool keep_pdf_bytes = false;
  // MuPDF resource cache per worker (decoded images); bounds memory with large scans.
  std::size_t worker_store_bytes = 32u << 20;
};

struct Word {
  std::string text;
  std::array<double, 4> box{};  // x0, y0, x1, y1 in points, page space (top-left origin)
  double confidence = 0;        // 0..100; 100 for text read from the PDF itself
  int line = 0;                 // index into PageResult::lines
};

struct Line {
  std::array<double, 4> box{};
  int block = 0;
  int first_word = 0;
  int word_count = 0;
};

struct PageResult {
  int page = 0;             // 1-based page in the output (all inputs concatenated)
  std::string source;       // input file name
  int source_page = 0;      // 1-based page within its input
  double width = 0;         // page size in points, as displayed
  double height = 0;
  bool ocred = false;       // false: text came from the PDF's own text layer
  int orientation = 0;      // clockwise degrees the page was turned for recognition
  double skew_degrees = 0;  // deskew angle applied for recognition
  double dpi = 0;           // resolution the page image was rendered or decoded at
  double recognition_dpi = 0;  // resolution Tesseract read it at (lower when the print is large)
  bool downsampled = false; // rendered below its own resolution to stay within the pixel limit
  double seconds = 0;       // wall time spent on this page in its worker
  // Share of dark pixels on the (binarised, at most 200 dpi) page image, 0..1; -1 when the page was
  // not rendered (born-digital). For blank-page detection by the caller.
  double ink_fraction = -1;
  std::vector<Word> words;
  std::vector<Line> lines;
  std::string text;         // reading order
};

struct OcrResult {
  std::vector<PageResult> pages;  // output order
  int pages_ocred = 0;
  int pages_with_text = 0;
  double seconds = 0;
  int jobs = 0;
  std::string pdf;  // the searchable PDF's bytes when OcrOptions::keep_pdf_bytes
  // Pages left out because they cannot be decoded (e.g. one damaged page of a multi-page
  // TIFF), one message each naming the file and page. The job succeeds with the other pages.
  std::vector<std::string> warnings;
};

class OcrJob {
 public:
  explicit OcrJob(OcrOptions options) : options_(std::move(options)) {}
  // Validates every input (type, encryption, image dimensions) before any recognition, then
  // recognises all pages and writes the outputs atomically. On any error nothing is written.
  Result<OcrResult> run();

 private:
  OcrOptions options_;
};

// Serialisations used for the output files (exposed for the HTTP API and tests).
std::string words_json(const OcrResult& result);
std::string plain_text(const OcrResult& result);

}  // namespace redbox::ocr
