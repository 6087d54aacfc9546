// Skew and geometry on generated scans with known text: the page is rendered from a
// born-digital PDF, turned a few degrees with Leptonica and saved as an image, so the true
// position of every word on the skewed scan is known.
#include "ocr/ocr_job.h"
#include "ocr_test_support.h"

using namespace redbox;
using namespace redbox::ocrtest;

namespace {

constexpr double kDpi = 300;

struct Generated {
  fs::path pdf;        // born-digital original
  fs::path truth;      // its text
  pdftext::PageText words;  // true word boxes (points) on the upright page
};

Generated generate_letter(const fs::path& dir) {
  Generated g;
  g.pdf = dir / "letter.pdf";
  g.truth = dir / "letter.txt";
  write_text_pdf(g.pdf, letter_lines());
  write_text(g.truth, joined_letter());
  g.words = pdf_words(g.pdf, 0);
  return g;
}

// Checks that a word of the OCR result lies where the printed word is on the scan.
void check_word_position(const nlohmann::json& page, const Generated& g, const std::string& text, double degrees) {
  const pdftext::Word* truth = nullptr;
  for (const auto& w : g.words.words)
    if (w.text == text) truth = &w;
  REQUIRE(truth != nullptr);
  const auto* ocr_word = find_word(page, text);
  INFO("word " << text);
  REQUIRE(ocr_word != nullptr);
  const WordBox b = box_of((*ocr_word)["box"]);
  const double w = page["width"].get<double>(), h = page["height"].get<double>();
  auto c = rotate_about_centre((truth->box.x0 + truth->box.x1) / 2, (truth->box.y0 + truth->box.y1) / 2, degrees, w, h);
  INFO("expected centre " << c[0] << "," << c[1] << " got box " << b[0] << "," << b[1] << "," << b[2] << "," << b[3]);
  CHECK(std::fabs((b[0] + b[2]) / 2 - c[0]) < 4.0);
  CHECK(std::fabs((b[1] + b[3]) / 2 - c[1]) < 4.0);
}

}  // namespace

TEST_CASE("skewed scans are deskewed for recognition and words stay over the printed words", "[ocr][skew]") {
  auto dir = test::temp_dir();
  Generated g = generate_letter(dir.path());
  // Clockwise 7 degrees, and anticlockwise 10 (the far end of the range we promise).
  const fs::path plus7 = dir.path() / "skew+7.png", minus10 = dir.path() / "skew-10.png";
  write_pix(plus7, skewed_scan(g.pdf, kDpi, 7).get(), IFF_PNG);
  write_pix(minus10, skewed_scan(g.pdf, kDpi, -10).get(), IFF_PNG);

  ocr::OcrOptions o;
  o.inputs = {plus7, minus10};
  o.output_pdf = dir.path() / "out.pdf";
  o.text_path = dir.path() / "out.txt";
  o.words_path = dir.path() / "out.json";
  o.jobs = 2;
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r->pages.size() == 2);
  // The deskew angle undoes the skew (Leptonica's sign: clockwise positive).
  CHECK(std::fabs(r->pages[0].skew_degrees + 7) < 0.3);
  CHECK(std::fabs(r->pages[1].skew_degrees - 10) < 0.3);
  CHECK(r->pages[0].orientation == 0);
  CHECK(r->pages[1].orientation == 0);

  for (int page = 1; page <= 2; ++page) {
    const double acc = word_accuracy(g.truth, dir.path() / "out.txt", {"--page", std::to_string(page)});
    INFO("page " << page << " accuracy " << acc);
    CHECK(acc >= 0.95);
  }

  auto words = read_json(dir.path() / "out.json");
  for (const char* w : {"Northampton.", "Thompson,", "Ellison,", "carefully"}) {
    check_word_position(words["pages"][0], g, w, 7);
    check_word_position(words["pages"][1], g, w, -10);
  }
  // MuPDF's search finds the invisible words on the slanted lines where they are printed.
  for (int page = 0; page < 2; ++page) {
    auto hits = search_page(o.output_pdf, page, "Northampton");
    REQUIRE(hits.size() == 1);
    CHECK(overlap_ratio(hits[0], box_of((*find_word(words["pages"][page], "Northampton."))["box"])) > 0.6);
  }
}

TEST_CASE("a page over the render limit is recognised downsampled with its words in page coordinates", "[ocr][limits]") {
  auto dir = test::temp_dir();
  Generated g = generate_letter(dir.path());
  const fs::path scan = dir.path() / "scan.png";
  write_pix(scan, render_gray(g.pdf, 0, kDpi).get(), IFF_PNG);

  ocr::OcrOptions o;
  o.inputs = {scan};
  o.words_path = dir.path() / "out.json";
  o.text_path = dir.path() / "out.txt";
  o.max_render_pixels = 4'000'000;  // A4 at 300 dpi is 8.7 Mpixel
  o.jobs = 1;
  o.keep_pdf_bytes = true;  // the searchable PDF in memory, no output_pdf file
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r->pages.size() == 1);
  CHECK(r->pages[0].downsampled);
  CHECK(r->pages[0].dpi < 210);
  CHECK(r->pages[0].dpi > 190);
  CHECK(std::fabs(r->pages[0].width - 595) < 1);
  CHECK(word_accuracy(g.truth, dir.path() / "out.txt") >= 0.95);
  auto words = read_json(dir.path() / "out.json");
  check_word_position(words["pages"][0], g, "Northampton.", 0);
  check_word_position(words["pages"][0], g, "Ellison,", 0);
  CHECK(!fs::exists(dir.path() / "out.pdf"));  // no output_pdf asked for
  REQUIRE(r->pdf.rfind("%PDF-", 0) == 0);
  const fs::path kept = dir.path() / "kept.pdf";
  write_text(kept, r->pdf);
  CHECK(search_page(kept, 0, "Northampton").size() == 1);
  // The page keeps the image at its full resolution; only recognition was downsampled.
  CHECK(render_difference(kept, 0, scan, 0, 72) < 1.0);
}

TEST_CASE("a JPEG input is embedded unchanged and a bilevel TIFF as CCITT G4", "[ocr][images]") {
  auto dir = test::temp_dir();
  Generated g = generate_letter(dir.path());
  lept::Pix gray = render_gray(g.pdf, 0, 200);
  const fs::path jpeg = dir.path() / "letter.jpg", tiff = dir.path() / "letter.tif";
  write_pix(jpeg, gray.get(), IFF_JFIF_JPEG);
  lept::Pix bilevel(pixConvertTo1(gray.get(), 128));
  pixSetResolution(bilevel.get(), 200, 200);
  write_pix(tiff, bilevel.get(), IFF_TIFF_G4);

  ocr::OcrOptions o;
  o.inputs = {jpeg, tiff};
  o.output_pdf = dir.path() / "out.pdf";
  o.words_path = dir.path() / "out.json";
  o.text_path = dir.path() / "out.txt";
  o.jobs = 2;
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r->pages.size() == 2);
  for (const auto& p : r->pages) {
    CHECK(p.ocred);
    CHECK(std::fabs(p.width - 595) < 1);  // 200 dpi image placed at its own size
    CHECK(std::fabs(p.dpi - 200) < 0.5);
  }
  // JPEG data passes through byte for byte; the bilevel page is G4, not an 8-bit pixmap.
  CHECK(page_image_filters(o.output_pdf, 0) == std::vector<std::string>{"DCTDecode"});
  CHECK(first_image_raw_bytes(o.output_pdf, 0) == read_text(jpeg));
  CHECK(page_image_filters(o.output_pdf, 1) == std::vector<std::string>{"CCITTFaxDecode"});
  CHECK(fs::file_size(o.output_pdf) < fs::file_size(jpeg) + fs::file_size(tiff) + 100'000);
  for (int page = 1; page <= 2; ++page)
    CHECK(word_accuracy(g.truth, dir.path() / "out.txt", {"--page", std::to_string(page)}) >= 0.95);
  auto words = read_json(dir.path() / "out.json");
  for (int page = 0; page < 2; ++page) {
    check_word_position(words["pages"][page], g, "Northampton.", 0);
    auto hits = search_page(o.output_pdf, page, "Casework");
    REQUIRE(hits.size() == 1);
    CHECK(overlap_ratio(hits[0], box_of((*find_word(words["pages"][page], "Casework"))["box"])) > 0.6);
  }
}
