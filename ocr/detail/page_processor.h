// Turns one page into a PageWork. One PageProcessor per worker thread: it owns that thread's
// independent MuPDF context, its open documents and its Tesseract instance.
#pragma once

#include <memory>
#include <vector>

#include "common/mupdf.h"
#include "ocr/detail/page_work.h"
#include "ocr/detail/recognizer.h"
#include "ocr/detail/sources.h"
#include "ocr/ocr_job.h"

namespace redbox::ocr::detail {

class PageProcessor {
 public:
  PageProcessor(const OcrOptions& options, const std::vector<Source>& sources);
  PageWork process(int source_index, int page_index);

 private:
  PageWork process_pdf_page(const Source& source, int source_index, int page_index);
  PageWork process_image_page(const Source& source, int page_index);
  Recognizer& recognizer();
  // Recognises gray (8 bpp, at dpi) as analysed and maps the words to page space with to_page
  // (pixels -> points). page_dpi: the page's own resolution, reported as PageResult::dpi.
  void recognise_into(PageWork& work, PIX* gray, double dpi, fz_matrix to_page, const PageAnalysis& analysis,
                      double recognition_dpi, double page_dpi);

  const OcrOptions& options_;
  const std::vector<Source>& sources_;
  mu::Context ctx_;
  std::vector<mu::Document> docs_;
  std::unique_ptr<Recognizer> recognizer_;
};

}  // namespace redbox::ocr::detail
