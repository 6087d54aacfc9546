// Accuracy and orientation on real scans: linn.png and the four orientations of cardinal.pdf
// must read at least as well as the tesseract command on the upright image.
#include "ocr/ocr_job.h"
#include "ocr_test_support.h"

using namespace redbox;
using namespace redbox::ocrtest;

TEST_CASE("linn.png and every orientation of cardinal.pdf read at least as well as the tesseract CLI upright",
          "[ocr][accuracy]") {
  REQUIRE(test::have_program("tesseract"));  // Debian tesseract-ocr, installed by scripts/setup
  REQUIRE(test::have_program("python3"));
  auto dir = test::temp_dir();
  const fs::path truth = test::data_path("corpus/scans/linn.txt");

  // The engine's floor: the tesseract command on the upright image, one thread.
  auto cli = test::run_process("tesseract", {test::data_path("corpus/scans/linn.png").string(), (dir.path() / "cli").string()},
                               {}, {"OMP_THREAD_LIMIT=1"});
  REQUIRE(cli.exit_code == 0);
  const double floor = word_accuracy(truth, dir.path() / "cli.txt");
  REQUIRE(floor > 0.9);  // sanity: the CLI reads this page well

  ocr::OcrOptions o;
  o.inputs = {test::data_path("corpus/scans/linn.png"), test::data_path("corpus/scans/cardinal.pdf")};
  o.output_pdf = dir.path() / "out.pdf";
  o.text_path = dir.path() / "out.txt";
  o.words_path = dir.path() / "out.json";
  o.jobs = 2;
  auto r = ocr::OcrJob(o).run();
  INFO((r.ok() ? "" : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(r->pages.size() == 5);
  REQUIRE(r->pages_ocred == 5);

  // cardinal.pdf holds the upright scan baked in at 0, 90, 180 and 270 degrees.
  std::vector<int> orientation;
  for (const auto& p : r->pages) orientation.push_back(p.orientation);
  CHECK(orientation == std::vector<int>{0, 0, 270, 180, 90});

  for (int page = 1; page <= 5; ++page) {
    const double acc = word_accuracy(truth, dir.path() / "out.txt", {"--page", std::to_string(page)});
    INFO("page " << page << ": redbox " << acc << ", tesseract CLI upright " << floor);
    CHECK(acc >= floor);
  }

  // Words sit on the page as displayed: on every orientation, "LinnSequencer" (the title)
  // is found by MuPDF's search on the output where the words file puts it.
  auto words = read_json(dir.path() / "out.json");
  for (int page = 0; page < 5; ++page) {
    const auto* w = find_word(words["pages"][page], "LinnSequencer");
    REQUIRE(w != nullptr);
    auto hits = search_page(dir.path() / "out.pdf", page, "LinnSequencer");
    REQUIRE(!hits.empty());
    INFO("page " << page + 1);
    CHECK(overlap_ratio(hits[0], box_of((*w)["box"])) > 0.6);
  }
  // Landscape pages stay landscape: the original page objects are kept.
  CHECK(words["pages"][2]["width"].get<double>() > words["pages"][2]["height"].get<double>());
  CHECK(words["pages"][1]["width"].get<double>() < words["pages"][1]["height"].get<double>());
}
