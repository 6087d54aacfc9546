// Scanned PDFs (CCITT G4 and JBIG2) and mixed born-digital + scanned documents: the original
// page objects are kept, OCRed pages gain an invisible text layer, born-digital pages are not
// OCRed.
#include <algorithm>
#include <utility>

#include "ocr/ocr_job.h"
#include "ocr_test_support.h"

using namespace redbox;
using namespace redbox::ocrtest;

TEST_CASE("CCITT G4 and JBIG2 scans keep their images and gain an invisible, searchable text layer", "[ocr][pdf]") {
  auto dir = test::temp_dir();
  const fs::path ccitt = test::data_path("corpus/scans/ccitt.pdf"), jbig2 = test::data_path("corpus/scans/jbig2.pdf");
  ocr::OcrOptions o;
  o.inputs = {ccitt, jbig2};
  o.output_pdf = dir.path() / "out.pdf";
  o.text_path = dir.path() / "out.txt";
  o.words_path = dir.path() / "out.json";
  o.jobs = 2;
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r->pages.size() == 2);
  CHECK(r->pages_ocred == 2);
  CHECK(r->pages[0].source == "ccitt.pdf");
  CHECK(r->pages[1].source == "jbig2.pdf");

  // Both are the linn page: they read like it.
  const fs::path truth = test::data_path("corpus/scans/linn.txt");
  for (int page = 1; page <= 2; ++page) {
    const double acc = word_accuracy(truth, dir.path() / "out.txt", {"--page", std::to_string(page)});
    INFO("page " << page << " accuracy " << acc);
    CHECK(acc >= 0.9);
  }

  // The original image streams are kept as they were encoded.
  CHECK(page_image_filters(o.output_pdf, 0) == page_image_filters(ccitt, 0));
  CHECK(page_image_filters(o.output_pdf, 0) == std::vector<std::string>{"CCITTFaxDecode"});
  CHECK(page_image_filters(o.output_pdf, 1) == std::vector<std::string>{"JBIG2Decode"});
  CHECK(first_image_raw_bytes(o.output_pdf, 0) == first_image_raw_bytes(ccitt, 0));

  // The text layer is invisible: each output page renders exactly like its input page.
  CHECK(render_difference(ccitt, 0, o.output_pdf, 0, 50) == 0.0);
  CHECK(render_difference(jbig2, 0, o.output_pdf, 1, 50) == 0.0);

  // Search finds words where the words file puts them (the printed words' place).
  auto words = read_json(dir.path() / "out.json");
  for (int page = 0; page < 2; ++page) {
    for (const char* needle : {"LinnSequencer", "polyphonic"}) {
      const auto* w = find_word(words["pages"][page], needle);
      if (w == nullptr) {
        for (const auto& cand : words["pages"][page]["words"])
          if (cand["text"].get<std::string>().find(needle) != std::string::npos) w = &cand;
      }
      INFO("page " << page + 1 << " word " << needle);
      REQUIRE(w != nullptr);
      auto hits = search_page(o.output_pdf, page, needle);
      REQUIRE(!hits.empty());
      double best = 0;
      for (const auto& h : hits) best = std::max(best, overlap_ratio(h, box_of((*w)["box"])));
      CHECK(best > 0.6);
    }
  }
}

TEST_CASE("in a mixed PDF born-digital pages keep their own text and only the scanned page is OCRed", "[ocr][pdf]") {
  REQUIRE(test::have_program("qpdf"));
  auto dir = test::temp_dir();
  const fs::path born = test::data_path("corpus/pdfs/002-trivial-libre-office-writer.pdf");
  const fs::path mixed = dir.path() / "mixed.pdf";
  auto q = test::run_process("qpdf", {"--empty", "--pages", born.string(), test::data_path("corpus/scans/ccitt.pdf").string(),
                                      born.string(), "--", mixed.string()});
  REQUIRE(q.exit_code == 0);

  ocr::OcrOptions o;
  o.inputs = {mixed};
  o.output_pdf = dir.path() / "out.pdf";
  o.text_path = dir.path() / "out.txt";
  o.words_path = dir.path() / "out.json";
  o.jobs = 2;
  std::vector<int> seen;
  std::vector<std::pair<int, int>> progress;
  o.on_page = [&](const ocr::PageResult& p) { seen.push_back(p.page); };
  o.progress = [&](int done, int total) { progress.emplace_back(done, total); };
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r->pages.size() == 3);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<int>{1, 2, 3});
  CHECK(progress == std::vector<std::pair<int, int>>{{1, 3}, {2, 3}, {3, 3}});
  CHECK(r->pages_ocred == 1);
  CHECK(r->pages_with_text == 2);
  CHECK_FALSE(r->pages[0].ocred);
  CHECK(r->pages[1].ocred);
  CHECK_FALSE(r->pages[2].ocred);

  // Born-digital pages: exactly MuPDF's words, confidence 100, page left untouched.
  const auto truth = pdf_words(born, 0);
  REQUIRE(!truth.words.empty());
  for (int page : {0, 2}) {
    const auto& got = r->pages[static_cast<std::size_t>(page)];
    REQUIRE(got.words.size() == truth.words.size());
    for (std::size_t i = 0; i < truth.words.size(); ++i) {
      CHECK(got.words[i].text == truth.words[i].text);
      CHECK(got.words[i].confidence == 100.0);
      CHECK(std::fabs(got.words[i].box[0] - truth.words[i].box.x0) < 0.01);
    }
    CHECK(pdf_words(o.output_pdf, page).words.size() == truth.words.size());  // no second text layer
  }
  CHECK(word_accuracy(test::data_path("corpus/scans/linn.txt"), dir.path() / "out.txt", {"--page", "2"}) >= 0.9);
  CHECK(!search_page(o.output_pdf, 1, "LinnSequencer").empty());
  CHECK(pdf_page_count(o.output_pdf) == 3);
}
