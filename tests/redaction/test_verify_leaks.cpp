// The verifier must catch deliberately leaky files: the classic black box over live text, an
// earlier revision kept by an incremental save, and an image left under a box.
#include <catch2/catch.hpp>

#include <set>

#include "common/files.h"
#include "common/mupdf.h"
#include "redaction/page_text.h"
#include "redaction/verify.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::redaction;
namespace fs = std::filesystem;

namespace {

fs::path pdf(const std::string& name) { return test::data_path("corpus/pdfs/" + name); }

std::vector<Mark> find_marks(const fs::path& path, const std::string& phrase) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, path);
  std::vector<Mark> marks;
  LiteralPhraseSource finder({phrase}, "S40");
  for (int p = 0; p < mu::page_count(ctx, doc); ++p) {
    mu::Page page = mu::load_page(ctx, doc, p);
    PageText text = PageText::extract(ctx, page.get());
    for (Mark& m : text.marks_for(p, finder.find(text.text()), "S40", "test")) marks.push_back(std::move(m));
  }
  return marks;
}

bool has_check(const VerifyReport& r, const std::string& check) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const VerifyFinding& f) { return f.check == check; });
}

// The classic leak: opaque black square annotations drawn over text that is still there,
// saved as an incremental update of the original.
fs::path make_black_box_leak(const fs::path& dir, const std::vector<Mark>& marks, bool incremental) {
  fs::path out = dir / (incremental ? "leaky-incremental.pdf" : "leaky.pdf");
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf("pdflatex-4-pages.pdf"));
  pdf_document* p = mu::as_pdf(ctx, doc);
  for (const Mark& m : marks) {
    mu::Page page = mu::load_page(ctx, doc, m.page);
    Rect b = m.bounds();
    ctx.call("drawing a fake box", [&] {
      pdf_annot* a = pdf_create_annot(ctx, pdf_page_from_fz_page(ctx, page.get()), PDF_ANNOT_SQUARE);
      float black[3] = {0, 0, 0};
      pdf_set_annot_rect(ctx, a, fz_make_rect(b.x0, b.y0, b.x1, b.y1));
      pdf_set_annot_interior_color(ctx, a, 3, black);
      pdf_update_annot(ctx, a);
      pdf_drop_annot(ctx, a);
    });
  }
  std::string path = out.string();
  ctx.call("saving the leaky file", [&] {
    pdf_write_options opts{};
    opts.do_incremental = incremental ? 1 : 0;
    pdf_save_document(ctx, p, path.c_str(), &opts);
  });
  return out;
}

}  // namespace

TEST_CASE("verifier catches black boxes drawn over live text", "[verify]") {
  auto dir = test::temp_dir();
  std::vector<Mark> marks = find_marks(pdf("pdflatex-4-pages.pdf"), "Huardest gefburn");
  REQUIRE(marks.size() == 23);
  fs::path leaky = make_black_box_leak(dir.path(), marks, false);
  VerifyInput in;
  in.output = leaky;
  in.original = pdf("pdflatex-4-pages.pdf");
  in.marks = marks;
  auto r = verify(in);
  REQUIRE(r.ok());
  CHECK_FALSE(r->passed());
  CHECK(has_check(*r, "text"));         // still extractable
  CHECK(has_check(*r, "annotations"));  // the "box" is an annotation over the mark
  CHECK(has_check(*r, "pixels"));       // no redaction boxes: nothing to look under
  CHECK(r->summary().find("page 1, mark 1") != std::string::npos);
  // Findings never quote the value itself.
  CHECK(r->summary().find("gefburn") == std::string::npos);
}

TEST_CASE("verifier catches an incremental save that keeps the earlier revision", "[verify]") {
  auto dir = test::temp_dir();
  std::vector<Mark> marks = find_marks(pdf("pdflatex-4-pages.pdf"), "Kjift");
  fs::path leaky = make_black_box_leak(dir.path(), marks, true);
  VerifyInput in;
  in.output = leaky;
  in.marks = marks;
  auto r = verify(in);
  REQUIRE(r.ok());
  CHECK(has_check(*r, "document"));
  CHECK(r->summary().find("earlier revisions") != std::string::npos);
}

TEST_CASE("verifier catches an original revision whose text is only in old objects", "[verify]") {
  // incremental-1.pdf: the page says Salad; Potato lives in earlier revisions only.
  Mark potato;
  potato.page = 0;
  potato.kind = MarkKind::text;
  potato.text = "Potato";
  potato.quads = {Quad::from_rect({0, 0, 10, 10})};
  VerifyInput in;
  in.output = pdf("incremental-1.pdf");
  in.marks = {potato};
  auto r = verify(in);
  REQUIRE(r.ok());
  CHECK(has_check(*r, "document"));
}

TEST_CASE("verifier passes a clean file and checks every mark", "[verify]") {
  // A file with no marks and nothing to find verifies (the checks can pass).
  VerifyInput in;
  in.output = pdf("trivial.pdf");
  auto r = verify(in);
  REQUIRE(r.ok());
  CHECK(r->passed());
  CHECK(r->pages_checked == 0);
  in.output = test::data_path("corpus/hostile/invalid.pdf");
  CHECK_FALSE(verify(in).ok());
}

TEST_CASE("verifier catches the original page image kept as an unreferenced object", "[verify]") {
  // MuPDF's own redaction (burned pixels, black boxes) but saved without garbage collection: the
  // original image survives in the file although no page uses it any more.
  auto dir = test::temp_dir();
  fs::path original = test::data_path("corpus/scans/graph_ocred.pdf");
  std::vector<Mark> marks = find_marks(original, "Oppose");
  REQUIRE(marks.size() == 1);
  fs::path leaky = dir.path() / "no-gc.pdf";
  {
    mu::Context ctx = mu::Context::create();
    mu::Document doc = mu::open_document(ctx, original);
    pdf_document* p = mu::as_pdf(ctx, doc);
    mu::Page page = mu::load_page(ctx, doc, 0);
    Rect b = marks.front().bounds();
    std::string path = leaky.string();
    ctx.call("redacting without garbage collection", [&] {
      pdf_page* pp = pdf_page_from_fz_page(ctx, page.get());
      pdf_annot* a = pdf_create_annot(ctx, pp, PDF_ANNOT_REDACT);
      pdf_set_annot_rect(ctx, a, fz_make_rect(b.x0, b.y0, b.x1, b.y1));
      pdf_drop_annot(ctx, a);
      pdf_redact_options opts{};
      opts.black_boxes = 1;
      opts.image_method = PDF_REDACT_IMAGE_PIXELS;
      pdf_redact_page(ctx, p, pp, &opts);
      pdf_write_options w{};
      pdf_save_document(ctx, p, path.c_str(), &w);
    });
  }
  VerifyInput in;
  in.output = leaky;
  in.original = original;
  in.marks = marks;
  auto r = verify(in);
  REQUIRE(r.ok());
  CHECK(has_check(*r, "survival"));
  CHECK_FALSE(has_check(*r, "text"));  // the text itself was removed: only the old image leaks
}

TEST_CASE("verifier's text check finds every value in one pass, in any case and white space", "[verify]") {
  // Two different values on the same pages, both left live under fake boxes; the marks carry
  // the values with other case and white space than the page (as the log may hold them).
  auto dir = test::temp_dir();
  std::vector<Mark> first = find_marks(pdf("pdflatex-4-pages.pdf"), "Huardest gefburn");
  std::vector<Mark> second = find_marks(pdf("pdflatex-4-pages.pdf"), "Kjift");
  REQUIRE(!first.empty());
  REQUIRE(!second.empty());
  std::vector<Mark> marks = first;
  marks.insert(marks.end(), second.begin(), second.end());
  fs::path leaky = make_black_box_leak(dir.path(), marks, false);
  for (std::size_t i = 0; i < first.size(); ++i) marks[i].text = "HUARDEST \n\t GEFBURN";
  for (std::size_t i = first.size(); i < marks.size(); ++i) marks[i].text = "kjift";
  VerifyInput in;
  in.output = leaky;
  in.marks = marks;
  auto r = verify(in);
  REQUIRE(r.ok());
  std::set<int> first_pages;
  std::set<int> second_pages;
  for (const Mark& m : first) first_pages.insert(m.page);
  for (const Mark& m : second) second_pages.insert(m.page);
  std::set<int> found_first;
  std::set<int> found_second;
  for (const VerifyFinding& f : r->findings) {
    if (f.check != "text") continue;
    if (f.mark >= 0 && static_cast<std::size_t>(f.mark) < first.size()) found_first.insert(f.page);
    if (f.mark >= 0 && static_cast<std::size_t>(f.mark) >= first.size()) found_second.insert(f.page);
  }
  CHECK(found_first == first_pages);
  CHECK(found_second == second_pages);
}
