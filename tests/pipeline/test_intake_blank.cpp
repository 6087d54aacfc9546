// Blank separator pages by ink coverage, tolerant of scanner noise; letters between them.
#include <catch2/catch.hpp>

#include "common/leptonica.h"
#include "pipeline/blank_pages.h"
#include "pipeline/detail/pdf_pages.h"
#include "common/mupdf.h"
#include "support/test_support.h"
#include "test_intake_support.h"

using namespace redbox;
using namespace redbox::pipeline;
namespace ti = redbox::test::intake;

namespace {

const char* kLetterText =
    "Dear Minister,\nI am writing about the closure of the library in our village.\n"
    "It served many families and older residents.\nYours sincerely,\nA. Resident";

}  // namespace

TEST_CASE("intake blank pages: ink coverage on synthetic pages", "[intake][blank]") {
  BlankPageOptions o;
  // A white A4 page at 72 dpi.
  lept::Pix white(pixCreate(595, 842, 8));
  pixSetAllArbitrary(white.get(), 255);
  CHECK(ink_coverage(white.get(), o) == 0.0);

  // Scanner noise: isolated dark pixels everywhere (1%), plus a black shadow down one edge.
  lept::Pix noisy(pixCopy(nullptr, white.get()));
  for (int y = 0; y < 842; ++y) {
    for (int x = 0; x < 595; ++x) {
      if ((x * 7919 + y * 104729) % 97 == 0) pixSetPixel(noisy.get(), x, y, 0);
      if (x < 20) pixSetPixel(noisy.get(), x, y, 0);
    }
  }
  CHECK(ink_coverage(noisy.get(), o) < o.max_ink);

  // One short line of "text": 30 glyph-sized marks 7x9 px, in the middle of the page.
  lept::Pix line(pixCopy(nullptr, white.get()));
  for (int g = 0; g < 30; ++g) {
    lept::Box box(boxCreate(100 + g * 9, 400, 6, 9));
    pixClearInRect(line.get(), box.get());  // 8 bpp: clear = black
  }
  CHECK(ink_coverage(line.get(), o) > o.max_ink);

  // Without despeckling, the noise alone would count as ink.
  BlankPageOptions raw = o;
  raw.max_speck_pixels = 0;
  CHECK(ink_coverage(noisy.get(), raw) > o.max_ink);
}

TEST_CASE("intake blank pages: letters between separator sheets of a generated scan stack", "[intake][blank]") {
  auto dir = test::temp_dir();
  const auto stack = dir.path() / "stack.pdf";
  ti::write_bytes(stack, ti::scanned_pdf({{kLetterText, 0.004},
                                          {"", 0.004},
                                          {"Page one of the second letter\nwith two lines", 0.004},
                                          {"Reply slip: yes", 0.004},
                                          {"", 0.01},
                                          {"", 0.004},
                                          {"Third letter, short.", 0.004}}));
  auto ink = measure_ink(stack, {}).value();
  REQUIRE(ink.size() == 7);
  std::string measured;
  for (const auto& p : ink) measured += std::to_string(p.ink) + " ";
  INFO("ink per page: " << measured);
  CHECK_FALSE(ink[0].blank);
  CHECK(ink[1].blank);
  CHECK_FALSE(ink[2].blank);
  CHECK_FALSE(ink[3].blank);
  CHECK(ink[4].blank);
  CHECK(ink[5].blank);
  CHECK_FALSE(ink[6].blank);
  auto letters = group_letters(ink);
  REQUIRE(letters.size() == 3);
  CHECK(letters[0] == std::vector<int>{0});
  CHECK(letters[1] == std::vector<int>{2, 3});
  CHECK(letters[2] == std::vector<int>{6});

  // Each letter becomes its own PDF with exactly its pages, the same bytes every time.
  auto part = detail::extract_pdf_pages(stack, letters[1]).value();
  CHECK(part == detail::extract_pdf_pages(stack, letters[1]).value());
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document_from_memory(ctx, part, "application/pdf");
  CHECK(mu::page_count(ctx, doc) == 2);
  CHECK_FALSE(detail::extract_pdf_pages(stack, {7}).ok());
}

TEST_CASE("intake blank pages: grouping rules and config", "[intake][blank]") {
  auto page = [](bool blank) { return PageInk{blank ? 0.0 : 0.1, blank}; };
  CHECK(group_letters({}).empty());
  CHECK(group_letters({page(true), page(true)}).empty());
  CHECK(group_letters({page(false), page(false)}) == std::vector<std::vector<int>>{{0, 1}});
  CHECK(group_letters({page(true), page(false), page(true), page(true), page(false), page(true)}) ==
        std::vector<std::vector<int>>{{1}, {4}});

  auto o = blank_page_options_from(nlohmann::json::parse(R"({"intake": {"split": {"max_ink": 0.002}}})")).value();
  CHECK(o.max_ink == 0.002);
  auto bad = blank_page_options_from(nlohmann::json::parse(R"({"intake": {"split": {"margin": 0.9}}})"));
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("intake.split.margin"));
}

TEST_CASE("intake blank pages: unreadable files are errors naming the file", "[intake][blank]") {
  auto r = measure_ink(test::data_path("corpus/hostile/invalid.pdf"), {});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("invalid.pdf"));
  auto enc = measure_ink(test::data_path("corpus/pdfs/enc-XI-R6-V5-U_view-O_master.pdf"), {});
  REQUIRE_FALSE(enc.ok());
  CHECK(enc.error().kind == ErrorKind::unsupported);
}
