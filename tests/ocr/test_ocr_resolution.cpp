// The resolution a page is read at follows the size of its print, and Tesseract's per-time-step
// OpenMP sections run inline (ocr/detail/openmp_inline.h). Both are speed work: these tests
// check that neither changes what is read or where it is placed.
#include <map>
#include <set>
#include <thread>

#include "ocr/detail/openmp_inline.h"
#include "ocr/ocr_job.h"
#include "ocr_test_support.h"

// libgomp's entry points, defined by ocr/detail/openmp_inline.cpp in this executable.
extern "C" void GOMP_parallel_sections(void (*fn)(void*), void* data, unsigned num_threads, unsigned count,
                                       unsigned flags);
extern "C" unsigned GOMP_sections_next();
extern "C" void GOMP_sections_end_nowait();

using namespace redbox;
using namespace redbox::ocrtest;

namespace {

constexpr double kDpi = 300;

struct Scan {
  fs::path image;
  pdftext::PageText truth_words;
};

// A 300 dpi grey scan of the test letter printed at `points`.
Scan scan_of_letter(const fs::path& dir, float points) {
  const std::string name = "letter-" + std::to_string(static_cast<int>(points));
  const fs::path pdf = dir / (name + ".pdf");
  write_text_pdf(pdf, letter_lines(), points);
  Scan s{dir / (name + ".png"), pdf_words(pdf, 0)};
  lept::Pix gray = render_gray(pdf, 0, kDpi);
  write_pix(s.image, gray.get(), IFF_PNG);
  return s;
}

ocr::OcrResult read(const std::vector<fs::path>& inputs, const fs::path& dir, const std::string& name, bool scale) {
  ocr::OcrOptions o;
  o.inputs = inputs;
  o.output_pdf = dir / (name + ".pdf");
  o.text_path = dir / (name + ".txt");
  o.words_path = dir / (name + ".json");
  o.jobs = 2;
  o.scale_to_print = scale;
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

// Every word printed once that the OCR also read sits over the print: its ends within `tolerance`
// points.
void check_positions(const nlohmann::json& page, const pdftext::PageText& truth, double tolerance) {
  std::map<std::string, int> printed;
  for (const auto& t : truth.words) ++printed[t.text];
  int compared = 0;
  for (const auto& t : truth.words) {
    if (printed[t.text] != 1) continue;
    const auto* w = find_word(page, t.text);
    if (w == nullptr) continue;
    const WordBox b = box_of((*w)["box"]);
    INFO("word " << t.text << " truth " << t.box.x0 << "," << t.box.y0 << " read " << b[0] << "," << b[1]);
    CHECK(std::fabs(b[0] - t.box.x0) < tolerance);
    CHECK(std::fabs(b[2] - t.box.x1) < tolerance);
    // Vertically, the ink of a word (OCR) is inside its font box (truth), ascenders or not.
    const double middle = (b[1] + b[3]) / 2;
    CHECK(middle > t.box.y0);
    CHECK(middle < t.box.y1);
    ++compared;
  }
  CHECK(compared >= 40);
}

struct SectionsSeen {
  std::vector<unsigned> order;
  std::set<std::thread::id> threads;
};

// What GCC makes of a `#pragma omp parallel sections` body: take sections until none is left.
void sections_body(void* data) {
  auto* seen = static_cast<SectionsSeen*>(data);
  for (unsigned s = GOMP_sections_next(); s != 0; s = GOMP_sections_next()) {
    seen->order.push_back(s);
    seen->threads.insert(std::this_thread::get_id());
  }
  GOMP_sections_end_nowait();
}

}  // namespace

TEST_CASE("large print is read at a lower resolution, small print at a higher one, as well as at full resolution",
          "[ocr][resolution]") {
  auto dir = test::temp_dir();
  const Scan large = scan_of_letter(dir.path(), 16), small = scan_of_letter(dir.path(), 7);
  write_text(dir.path() / "truth.txt", joined_letter() + "\f" + joined_letter());

  const ocr::OcrResult chosen = read({large.image, small.image}, dir.path(), "chosen", true);
  const ocr::OcrResult full = read({large.image, small.image}, dir.path(), "full", false);
  REQUIRE(chosen.pages.size() == 2);
  REQUIRE(full.pages.size() == 2);
  for (const auto& p : chosen.pages) CHECK(p.dpi == Approx(kDpi));
  // 16 pt: the floor (150 dpi). 7 pt: characters of about 14 px at 300 dpi, read at over 200.
  CHECK(chosen.pages[0].recognition_dpi == Approx(150).margin(1));
  CHECK(chosen.pages[1].recognition_dpi > 200);
  CHECK(chosen.pages[1].recognition_dpi < kDpi);
  for (const auto& p : full.pages) CHECK(p.recognition_dpi == Approx(kDpi));

  for (int page = 1; page <= 2; ++page) {
    const std::vector<std::string> which = {"--page", std::to_string(page)};
    const double a = word_accuracy(dir.path() / "truth.txt", dir.path() / "chosen.txt", which);
    const double f = word_accuracy(dir.path() / "truth.txt", dir.path() / "full.txt", which);
    INFO("page " << page << ": chosen resolution " << a << ", full resolution " << f);
    CHECK(a >= f);
    CHECK(a >= 0.95);
  }

  // Boxes are mapped back through the scaling: words sit where they are printed, and MuPDF's
  // search finds the invisible text there.
  auto words = read_json(dir.path() / "chosen.json");
  CHECK(words["pages"][0]["recognition_dpi"].get<double>() == Approx(150).margin(1));
  check_positions(words["pages"][0], large.truth_words, 3.0);
  check_positions(words["pages"][1], small.truth_words, 2.0);
  for (int page = 0; page < 2; ++page) {
    auto hits = search_page(dir.path() / "chosen.pdf", page, "Northampton");
    REQUIRE(hits.size() == 1);
    CHECK(overlap_ratio(hits[0], box_of((*find_word(words["pages"][page], "Northampton."))["box"])) > 0.6);
  }
}

TEST_CASE("parallel sections run inline in order on the calling thread, or through libgomp when asked",
          "[ocr][openmp]") {
  REQUIRE(ocr::detail::inline_sections());  // the default
  SectionsSeen seen;
  GOMP_parallel_sections(sections_body, &seen, 4, 4, 0);
  CHECK(seen.order == std::vector<unsigned>{1, 2, 3, 4});
  CHECK(seen.threads == std::set<std::thread::id>{std::this_thread::get_id()});

  // A region opened inside another gets its own numbering and the outer one carries on.
  struct Nested {
    SectionsSeen outer, inner;
  } nested;
  GOMP_parallel_sections(
      [](void* data) {
        auto* n = static_cast<Nested*>(data);
        for (unsigned s = GOMP_sections_next(); s != 0; s = GOMP_sections_next()) {
          n->outer.order.push_back(s);
          if (s == 1) GOMP_parallel_sections(sections_body, &n->inner, 2, 2, 0);
        }
        GOMP_sections_end_nowait();
      },
      &nested, 3, 3, 0);
  CHECK(nested.outer.order == std::vector<unsigned>{1, 2, 3});
  CHECK(nested.inner.order == std::vector<unsigned>{1, 2});

  // Through libgomp (one thread, as Redbox limits it): every section exactly once.
  ocr::detail::set_inline_sections(false);
  SectionsSeen gomp;
  GOMP_parallel_sections(sections_body, &gomp, 1, 5, 0);
  ocr::detail::set_inline_sections(true);
  std::sort(gomp.order.begin(), gomp.order.end());
  CHECK(gomp.order == std::vector<unsigned>{1, 2, 3, 4, 5});
}

TEST_CASE("a page reads the same, word for word and box for box, with inline sections and with libgomp's",
          "[ocr][openmp]") {
  auto dir = test::temp_dir();
  const Scan scan = scan_of_letter(dir.path(), 11);
  read({scan.image}, dir.path(), "inline", true);
  ocr::detail::set_inline_sections(false);
  read({scan.image}, dir.path(), "libgomp", true);
  ocr::detail::set_inline_sections(true);
  CHECK(read_text(dir.path() / "inline.txt") == read_text(dir.path() / "libgomp.txt"));
  CHECK(read_json(dir.path() / "inline.json") == read_json(dir.path() / "libgomp.json"));
}
