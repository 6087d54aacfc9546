// A page that alone is over the part size limit: its images are downsampled to reencode_dpi,
// and if it still does not fit it is refused naming the document and page.
#include <catch2/catch.hpp>

#include "common/mupdf.h"
#include "pipeline/bundle.h"
#include "pipeline/test_bundle_support.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::test;
namespace fs = std::filesystem;

namespace {

// Width and height in pixels of every image XObject on page index of pdf.
std::vector<std::pair<int, int>> image_sizes(const fs::path& pdf, int index) {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document(ctx, pdf);
  pdf_document* d = mu::as_pdf(ctx, doc);
  std::vector<std::pair<int, int>> sizes;
  pdf_obj* page = ctx.call("page", [&] { return pdf_lookup_page_obj(ctx, d, index); });
  pdf_obj* xobjects = ctx.call("res", [&] {
    return pdf_dict_get(ctx, pdf_dict_get_inheritable(ctx, page, PDF_NAME(Resources)), PDF_NAME(XObject));
  });
  const int n = ctx.call("len", [&] { return pdf_dict_len(ctx, xobjects); });
  for (int i = 0; i < n; ++i) {
    pdf_obj* x = ctx.call("val", [&] { return pdf_dict_get_val(ctx, xobjects, i); });
    const int w = ctx.call("w", [&] { return pdf_dict_get_int(ctx, x, PDF_NAME(Width)); });
    const int h = ctx.call("h", [&] { return pdf_dict_get_int(ctx, x, PDF_NAME(Height)); });
    sizes.emplace_back(w, h);
  }
  return sizes;
}

pipeline::BundleOptions options_for(const fs::path& big, const fs::path& out) {
  pipeline::BundleOptions o;
  o.documents = {{data_path("corpus/pdfs/002-trivial-libre-office-writer.pdf")},
                 {big, "Photograph", "2026-02-02"},
                 {data_path("corpus/pdfs/inherited-rotate.pdf")}};
  o.output_dir = out;
  o.reference = "SAR-RE";
  o.stamp_pattern = "SAR-RE-{page:04}";
  o.created = TimePoint(std::chrono::seconds(1'790'000'000));
  return o;
}

}  // namespace

TEST_CASE("bundle: a page alone over the limit has its images downsampled to fit", "[bundle]") {
  auto tmp = temp_dir();
  const fs::path big = tmp.path() / "big-scan.pdf";
  bundle::write_large_image_pdf(big, 1654, 2339);  // A4 at 200 dpi
  REQUIRE(fs::file_size(big) > 1'500'000);         // the page alone is over the limit below

  auto o = options_for(big, tmp.path() / "out");
  o.max_part_bytes = 1'000'000;
  o.reencode_dpi = 100;
  auto result = pipeline::BundleJob(o).run();
  REQUIRE(result.ok());
  REQUIRE(result->reencoded_pages.size() == 1);
  CHECK(result->reencoded_pages[0].find("page 1 of big-scan.pdf") != std::string::npos);
  CHECK(result->total_pages == 3);
  int pages = 0;
  bool found = false;
  for (const auto& part : result->parts) {
    const fs::path path = tmp.path() / "out" / part.name;
    CHECK(fs::file_size(path) <= o.max_part_bytes);
    CHECK(bundle::count_pages(path) == part.pages);
    // The photograph's page keeps its stamp and now holds an image of 100 dpi as placed: the
    // image covers the page, so it was shrunk by (842 - 22) / 842 to clear the stamp band.
    auto texts = bundle::read_pages(path);
    for (int i = 0; i < part.pages; ++i) {
      if (pages + i + 1 != 2) continue;
      found = true;
      CHECK(texts[static_cast<std::size_t>(i)].text.find("SAR-RE-0002") != std::string::npos);
      auto sizes = image_sizes(path, i);
      REQUIRE(sizes.size() == 1);
      const double shrink = (842.0 - 22.0) / 842.0;
      CHECK(std::abs(sizes[0].first - 1654 * 0.5 * shrink) <= 3);
      CHECK(std::abs(sizes[0].second - 2339 * 0.5 * shrink) <= 3);
    }
    pages += part.pages;
    if (have_program("qpdf")) CHECK(run_process("qpdf", {"--check", path.string()}).exit_code == 0);
  }
  CHECK(found);
  CHECK(pages == 3);
  // The pages around it are not touched: the first page carries no images.
  CHECK(image_sizes(tmp.path() / "out" / result->parts.front().name, 0).empty());
}

TEST_CASE("bundle: a page that does not fit even re-encoded is refused naming it", "[bundle]") {
  auto tmp = temp_dir();
  const fs::path big = tmp.path() / "big-scan.pdf";
  bundle::write_large_image_pdf(big, 1654, 2339);
  auto o = options_for(big, tmp.path() / "out");
  o.max_part_bytes = 1'000'000;  // the other pages fit; the photograph (200 dpi) does not
  o.reencode_dpi = 300;          // and it is already under 300 dpi, so there is nothing to gain
  auto result = pipeline::BundleJob(o).run();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::too_large);
  CHECK(result.error().message.find("page 1 of big-scan.pdf") != std::string::npos);
  CHECK(result.error().message.find("300 dpi") != std::string::npos);
  for (const auto& e : fs::directory_iterator(tmp.path() / "out")) FAIL_CHECK("left behind: " << e.path());

  // The CLI takes the dpi and exits 6.
  auto cli = run_redbox({"bundle-files", big.string(), "-o", (tmp.path() / "cli").string(), "--max-part-size", "1MB",
                         "--reencode-dpi", "300"});
  CHECK(cli.exit_code == 6);
  CHECK(cli.err.find("big-scan.pdf") != std::string::npos);
}
