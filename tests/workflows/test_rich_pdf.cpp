// Formatted letter PDFs (workflows/rich_pdf.h): every test renders a document and reads the
// PDF back with MuPDF (text with word boxes and font names, rendered pixels), qpdf when present.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "common/mupdf.h"
#include "common/pdf_text.h"
#include "support/test_support.h"
#include "workflows/rich_pdf.h"

using namespace redbox;
namespace rp = redbox::workflows::rich_pdf;

namespace {

constexpr float kA4Width = 595.28f;
constexpr float kA4Height = 841.89f;

// One word as MuPDF extracts it, with the font of each of its characters.
struct ReadWord {
  std::string text;
  fz_rect box{};
  std::set<std::string> fonts;
};

struct ReadPage {
  fz_rect bounds{};
  std::string text;  // common/pdf_text's reading-order text
  std::vector<ReadWord> words;
};

void append_utf8(std::string& out, int c) {
  char buf[FZ_UTFMAX];
  out.append(buf, static_cast<std::size_t>(fz_runetochar(buf, c)));
}

ReadPage read_page(const mu::Context& ctx, const mu::Document& doc, int index) {
  mu::Page page = mu::load_page(ctx, doc, index);
  ReadPage out;
  const pdftext::PageText text = pdftext::extract(ctx, page.get());
  out.bounds = text.bounds;
  out.text = text.text;
  fz_stext_options opts{};
  opts.flags = FZ_STEXT_PRESERVE_WHITESPACE;
  fz_page* p = page.get();
  mu::StextPage stext(ctx, ctx.call("stext", [&] { return fz_new_stext_page_from_page(ctx, p, &opts); }));
  for (fz_stext_block* b = stext->first_block; b != nullptr; b = b->next) {
    if (b->type != FZ_STEXT_BLOCK_TEXT) continue;
    for (fz_stext_line* l = b->u.t.first_line; l != nullptr; l = l->next) {
      ReadWord word;
      bool open = false;
      auto finish = [&] {
        if (open) out.words.push_back(word);
        word = ReadWord{};
        open = false;
      };
      for (fz_stext_char* ch = l->first_char; ch != nullptr; ch = ch->next) {
        if (ch->c == ' ' || ch->c == 0xA0) {
          finish();
          continue;
        }
        const fz_rect r = fz_rect_from_quad(ch->quad);
        word.box = open ? fz_union_rect(word.box, r) : r;
        open = true;
        append_utf8(word.text, ch->c);
        word.fonts.insert(fz_font_name(ctx, ch->font));
      }
      finish();
    }
  }
  return out;
}

struct ReadBack {
  std::vector<ReadPage> pages;
  std::string title;

  std::vector<ReadWord> all_words() const {
    std::vector<ReadWord> words;
    for (const ReadPage& p : pages) words.insert(words.end(), p.words.begin(), p.words.end());
    return words;
  }
  const ReadWord& word(const std::string& text) const {
    for (const ReadPage& p : pages) {
      for (const ReadWord& w : p.words) {
        if (w.text == text) return w;
      }
    }
    FAIL("no word " << text << " in the PDF");
    throw std::logic_error("unreachable");
  }
  std::string text() const {
    std::string all;
    for (const ReadPage& p : pages) all += p.text + "\n";
    return all;
  }
};

ReadBack read_back(const std::string& pdf) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document_from_memory(ctx, pdf, "application/pdf");
  ReadBack back;
  const int count = mu::page_count(ctx, doc);
  for (int i = 0; i < count; ++i) back.pages.push_back(read_page(ctx, doc, i));
  char title[256] = {};
  fz_document* d = doc.get();
  ctx.call("metadata", [&] { fz_lookup_metadata(ctx, d, FZ_META_INFO_TITLE, title, sizeof title); });
  back.title = title;
  return back;
}

std::string render_ok(const rp::Document& doc) {
  Result<std::string> pdf = rp::render(doc);
  if (!pdf.ok()) FAIL(pdf.error().describe());
  return pdf.value();
}

rp::Run run(std::string text, bool bold = false, bool italic = false, rp::Change change = rp::Change::none) {
  return rp::Run{std::move(text), bold, italic, change};
}

rp::Block paragraph(std::vector<rp::Run> runs, std::vector<std::string> labels = {}, bool changed = false) {
  rp::Block b;
  b.kind = rp::BlockKind::paragraph;
  b.runs = std::move(runs);
  b.margin_labels = std::move(labels);
  b.changed_since_review = changed;
  return b;
}

rp::Block block(rp::BlockKind kind, std::string text, int number = 0) {
  rp::Block b;
  b.kind = kind;
  b.runs = {run(std::move(text))};
  b.number = number;
  return b;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// A page rendered in grey at 4x (288 dpi), addressed in MuPDF page coordinates (points, y down).
class Raster {
 public:
  Raster(const std::string& pdf, int page_index) {
    mu::Document doc = mu::open_document_from_memory(ctx_, pdf, "application/pdf");
    fz_document* d = doc.get();
    fz_context* c = ctx_;
    pix_ = mu::Pixmap(c, ctx_.call("render", [&] {
      return fz_new_pixmap_from_page_number(c, d, page_index, fz_scale(kScale, kScale), fz_device_gray(c), 0);
    }));
  }
  bool dark(float x, float y) const {
    const int px = static_cast<int>(x * kScale);
    const int py = static_cast<int>(y * kScale);
    if (px < 0 || py < 0 || px >= pix_->w || py >= pix_->h) return false;
    return pix_->samples[static_cast<std::ptrdiff_t>(py) * pix_->stride + px] < 160;
  }
  // Rows (in points, y down) between y0 and y1 where a line is dark across x0..x1.
  std::vector<float> solid_rows(float x0, float x1, float y0, float y1) const {
    std::vector<float> rows;
    for (int py = static_cast<int>(y0 * kScale); py <= static_cast<int>(y1 * kScale); ++py) {
      int dark_count = 0;
      int total = 0;
      for (int px = static_cast<int>(x0 * kScale) + 2; px <= static_cast<int>(x1 * kScale) - 2; ++px) {
        ++total;
        if (dark(static_cast<float>(px) / kScale, static_cast<float>(py) / kScale)) ++dark_count;
      }
      if (total > 0 && dark_count == total) rows.push_back(static_cast<float>(py) / kScale);
    }
    return rows;
  }

 private:
  static constexpr float kScale = 4.0f;
  mu::Context ctx_ = mu::Context::create();
  mu::Pixmap pix_;
};

rp::Document letter() {
  rp::Document doc;
  doc.title = "Response to your request \xE2\x80\x93 SAR-2026-0042";
  doc.header_lines = {"Reviewer's copy - SAR-2026-0042 - version 7"};
  doc.footer = "OFFICIAL-SENSITIVE";
  doc.blocks.push_back(block(rp::BlockKind::heading, "Your subject access request"));
  doc.blocks.push_back(paragraph({run("Dear Ms Example, "), run("Important", true), run(" please "),
                                  run("note", false, true), run(" that "), run("both", true, true),
                                  run(" styles work.")}));
  doc.blocks.push_back(block(rp::BlockKind::bullet_item, "First bulleted point"));
  doc.blocks.push_back(block(rp::BlockKind::bullet_item, "Second bulleted point"));
  doc.blocks.push_back(block(rp::BlockKind::numbered_item, "Numbered step one", 1));
  doc.blocks.push_back(block(rp::BlockKind::numbered_item, "Numbered step two", 2));
  doc.blocks.push_back(paragraph({run("Yours sincerely")}));
  return doc;
}

}  // namespace

TEST_CASE("rich_pdf: the text of every block comes out in order, with spaces between words", "[rich_pdf]") {
  const ReadBack back = read_back(render_ok(letter()));
  REQUIRE(back.pages.size() == 1);
  CHECK(back.title == "Response to your request \xE2\x80\x93 SAR-2026-0042");
  const std::vector<std::string> expected = words_of(
      "Reviewer's copy - SAR-2026-0042 - version 7 "
      "Your subject access request Dear Ms Example, Important please note that both styles work. "
      "\xE2\x80\xA2 First bulleted point \xE2\x80\xA2 Second bulleted point 1. Numbered step one 2. Numbered step two "
      "Yours sincerely OFFICIAL-SENSITIVE page 1 of 1");
  std::vector<std::string> got;
  for (const ReadWord& w : back.pages[0].words) got.push_back(w.text);
  CHECK(got == expected);
  // Real spaces, not gaps: the extracted line reads as a sentence.
  CHECK(back.pages[0].text.find("Dear Ms Example, Important please note that both styles work.") != std::string::npos);
}

TEST_CASE("rich_pdf: bold and italic runs use the Helvetica faces", "[rich_pdf]") {
  const ReadBack back = read_back(render_ok(letter()));
  CHECK(back.word("Important").fonts == std::set<std::string>{"Helvetica-Bold"});
  CHECK(back.word("note").fonts == std::set<std::string>{"Helvetica-Oblique"});
  CHECK(back.word("both").fonts == std::set<std::string>{"Helvetica-BoldOblique"});
  CHECK(back.word("please").fonts == std::set<std::string>{"Helvetica"});
  CHECK(back.word("subject").fonts == std::set<std::string>{"Helvetica-Bold"});  // headings are bold
}

TEST_CASE("rich_pdf: margin labels are text in the left margin beside their block", "[rich_pdf]") {
  rp::Document doc;
  doc.wide_margin = true;
  doc.blocks.push_back(paragraph({run("Opening paragraph written by the caseworker.")}, {"Alice Caseworker"}));
  doc.blocks.push_back(paragraph({run("Closing paragraph added by legal.")}, {"Bob Lawyer", "Carol Reviewer"}));
  const ReadBack back = read_back(render_ok(doc));
  REQUIRE(back.pages.size() == 1);
  float body_left = kA4Width;
  for (const char* w : {"Opening", "Closing"}) body_left = std::min(body_left, back.word(w).box.x0);
  for (const char* label : {"Alice", "Caseworker", "Bob", "Lawyer", "Carol", "Reviewer"}) {
    INFO(label);
    CHECK(back.word(label).box.x1 < body_left);
    CHECK(back.word(label).box.x0 > 0);
  }
  // Beside their own block: the label's baseline row overlaps its block's first line.
  const fz_rect opening = back.word("Opening").box;
  const fz_rect alice = back.word("Alice").box;
  CHECK(alice.y0 < opening.y1);
  CHECK(alice.y1 > opening.y0);
  const fz_rect closing = back.word("Closing").box;
  CHECK(back.word("Bob").box.y0 < closing.y1);
  CHECK(back.word("Carol").box.y0 > back.word("Bob").box.y0);
}

TEST_CASE("rich_pdf: wrapping keeps every word inside the body, breaking words longer than a line", "[rich_pdf]") {
  std::string long_word;
  for (int i = 0; i < 30; ++i) long_word += "Abcdefghij";  // 300 letters, several lines wide
  std::string text;
  for (int i = 0; i < 120; ++i) text += "word" + std::to_string(i) + " ";
  text += long_word + " tail";
  for (bool wide : {false, true}) {
    rp::Document doc;
    doc.wide_margin = wide;
    doc.blocks.push_back(paragraph({run(text)}, {"Someone With A Rather Long Name Indeed"}));
    const ReadBack back = read_back(render_ok(doc));
    std::string letters;
    std::vector<std::string> numbered;
    float min_x = kA4Width;
    float max_x = 0;
    std::set<float> lines;
    for (const ReadWord& w : back.all_words()) {
      INFO(w.text);
      CHECK(w.box.x0 >= 20);
      CHECK(w.box.x1 <= kA4Width - 50);  // the right margin is 18-20 mm
      CHECK(w.box.y1 <= kA4Height);
      if (w.text.rfind("word", 0) == 0) numbered.push_back(w.text);
      if (w.text.rfind("word", 0) == 0 || w.text.find("Abcdef") != std::string::npos) {
        min_x = std::min(min_x, w.box.x0);
        max_x = std::max(max_x, w.box.x1);
        lines.insert(w.box.y0);
      }
    }
    // Every letter of the long word kept, in order, split over lines between word119 and tail.
    const std::vector<ReadWord> all = back.all_words();
    const auto first = std::find_if(all.begin(), all.end(), [](const ReadWord& w) { return w.text == "word119"; });
    const auto last = std::find_if(all.begin(), all.end(), [](const ReadWord& w) { return w.text == "tail"; });
    REQUIRE(first < last);
    for (auto it = first + 1; it != last; ++it) {
      letters += it->text;
      CHECK(it->text.size() < long_word.size());
    }
    CHECK(letters == long_word);
    REQUIRE(numbered.size() == 120);
    for (int i = 0; i < 120; ++i) CHECK(numbered[static_cast<std::size_t>(i)] == "word" + std::to_string(i));
    CHECK(lines.size() > 8);
    CHECK(max_x - min_x > 300);  // lines are filled, not one word each
  }
}

TEST_CASE("rich_pdf: a long document spans pages, numbered page N of M, labels continued", "[rich_pdf]") {
  rp::Document doc;
  doc.wide_margin = true;
  doc.footer = "Draft letter";
  doc.header_lines = {"Reviewer's copy"};
  for (int i = 1; i <= 300; ++i) {
    doc.blocks.push_back(paragraph({run("Paragraph " + std::to_string(i) +
                                        " sets out one part of the answer in enough words to wrap onto a second line "
                                        "of the letter body.")},
                                   {"Author " + std::to_string(i)}));
  }
  // One block long enough to cross a page break.
  std::string very_long;
  for (int i = 0; i < 700; ++i) very_long += "lengthy ";
  doc.blocks.push_back(paragraph({run(very_long)}, {"Dana"}));
  const ReadBack back = read_back(render_ok(doc));
  const std::size_t m = back.pages.size();
  REQUIRE(m >= 10);
  std::vector<int> seen;
  for (std::size_t p = 0; p < m; ++p) {
    const ReadPage& page = back.pages[p];
    INFO("page " << p + 1);
    CHECK(page.text.find("page " + std::to_string(p + 1) + " of " + std::to_string(m)) != std::string::npos);
    CHECK(page.text.find("Reviewer's copy") != std::string::npos);
    CHECK(page.text.find("Draft letter") != std::string::npos);
    for (std::size_t k = 0; k + 1 < page.words.size(); ++k) {
      if (page.words[k].text == "Paragraph") seen.push_back(std::stoi(page.words[k + 1].text));
    }
    for (const ReadWord& w : page.words) {
      CHECK(w.box.y0 >= 0);
      CHECK(w.box.y1 <= kA4Height);
    }
  }
  REQUIRE(seen.size() == 300);
  for (int i = 0; i < 300; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i + 1);
  // Dana's block starts on one page and ends on the next: the label repeats, marked.
  int dana_pages = 0;
  int continued = 0;
  for (const ReadPage& page : back.pages) {
    if (page.text.find("Dana") != std::string::npos) ++dana_pages;
    if (page.text.find("Dana (cont.)") != std::string::npos) ++continued;
  }
  CHECK(dana_pages >= 2);
  CHECK(continued == dana_pages - 1);
  std::size_t lengthy = 0;
  for (const ReadWord& w : back.all_words()) lengthy += w.text == "lengthy" ? 1 : 0;
  CHECK(lengthy == 700);  // no line lost at a page break
}

TEST_CASE("rich_pdf: typographic characters survive as WinAnsi, others become '?'", "[rich_pdf]") {
  rp::Document doc;
  doc.blocks.push_back(paragraph({run("\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x80\x98single\xE2\x80\x99 a\xE2\x80\x93"
                                      "b c\xE2\x80\x94" "d \xE2\x82\xAC" "5 caf\xC3\xA9 \xE2\x80\xA6 "
                                      "Omega\xCE\xA9 kanji\xE6\xBC\xA2 bad\xFF" "byte soft\xC2\xADhyphen")}));
  const ReadBack back = read_back(render_ok(doc));
  const std::string text = back.text();
  INFO(text);
  for (const char* expected : {"\xE2\x80\x9CQuoted\xE2\x80\x9D", "\xE2\x80\x98single\xE2\x80\x99", "a\xE2\x80\x93" "b",
                               "c\xE2\x80\x94" "d", "\xE2\x82\xAC" "5", "caf\xC3\xA9", "\xE2\x80\xA6", "Omega?",
                               "kanji?", "bad?byte", "softhyphen"}) {
    CHECK(text.find(expected) != std::string::npos);
  }
}

TEST_CASE("rich_pdf: an empty document is invalid input", "[rich_pdf]") {
  rp::Document empty;
  Result<std::string> r = rp::render(empty);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::invalid_input);

  rp::Document blank;
  blank.header_lines = {"A header alone is not a letter"};
  blank.blocks.push_back(paragraph({run("   "), run("")}));
  blank.blocks.push_back(paragraph({}));
  r = rp::render(blank);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::invalid_input);
  CHECK(r.error().message.find("no text") != std::string::npos);

  rp::Document negative;
  negative.blocks.push_back(block(rp::BlockKind::numbered_item, "Step", -1));
  r = rp::render(negative);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("block 1") != std::string::npos);
}

TEST_CASE("rich_pdf: inserted runs are underlined, deleted runs struck through and still readable", "[rich_pdf]") {
  rp::Document doc;
  doc.wide_margin = true;
  doc.blocks.push_back(paragraph({run("unmarked "), run("inserted", false, false, rp::Change::inserted), run(" words "),
                                  run("removed", false, false, rp::Change::deleted), run(" here")},
                                 {"Eve"}, true));
  doc.blocks.push_back(paragraph({run("A block nobody changed since the review.")}));
  const std::string pdf = render_ok(doc);
  const ReadBack back = read_back(pdf);
  CHECK(back.text().find("unmarked inserted words removed here") != std::string::npos);
  const Raster raster(pdf, 0);
  const auto rows_across = [&](const char* word) {
    const fz_rect b = back.word(word).box;
    return std::pair{raster.solid_rows(b.x0, b.x1, b.y0 - 2, b.y1 + 2), b};
  };
  {
    const auto [rows, box] = rows_across("inserted");
    REQUIRE_FALSE(rows.empty());
    const float middle = (box.y0 + box.y1) / 2;
    CHECK(*std::min_element(rows.begin(), rows.end()) > middle);  // below the letters' middle: an underline
  }
  {
    const auto [rows, box] = rows_across("removed");
    REQUIRE_FALSE(rows.empty());
    for (float y : rows) {  // through the middle of the letters: a strike-through
      CHECK(y > box.y0 + (box.y1 - box.y0) * 0.25f);
      CHECK(y < box.y1 - (box.y1 - box.y0) * 0.3f);
    }
  }
  for (const char* plain : {"unmarked", "words", "nobody"}) {
    INFO(plain);
    CHECK(rows_across(plain).first.empty());
  }
  // The change bar: a dark vertical mark between the labels and the body, beside the changed
  // block only.
  const float body_left = back.word("unmarked").box.x0;
  const auto bar_beside = [&](const char* word) {
    const fz_rect b = back.word(word).box;
    const float y = (b.y0 + b.y1) / 2;
    for (int step = 0; step < 40; ++step) {  // body_left - 12 .. body_left - 2, every quarter point
      if (raster.dark(body_left - 12 + 0.25f * static_cast<float>(step), y)) return true;
    }
    return false;
  };
  CHECK(bar_beside("unmarked"));
  CHECK_FALSE(bar_beside("nobody"));
}

TEST_CASE("rich_pdf: the same document gives the same bytes, and qpdf finds no fault", "[rich_pdf]") {
  const rp::Document doc = letter();
  const std::string a = render_ok(doc);
  const std::string b = render_ok(doc);
  CHECK(a == b);
  CHECK(a.rfind("%PDF-", 0) == 0);
  if (!test::have_program("qpdf")) return;
  TempDir dir = test::temp_dir();
  const auto path = dir.path() / "letter.pdf";
  write_file_atomic(path, a).throw_if_error();
  const test::ProcessResult check = test::run_process("qpdf", {"--check", path.string()});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("No syntax or stream encoding errors") != std::string::npos);
}
TEST_CASE("rich_pdf: a page break leaves no block line alone and no heading at a page's foot", "[rich_pdf]") {
  std::string target;
  for (int i = 0; i < 120; ++i) target += "target ";  // about twelve lines
  // Slide the two blocks across the first page break one filler line at a time.
  int splits = 0;
  for (int fillers = 20; fillers <= 44; ++fillers) {
    rp::Document doc;
    for (int i = 0; i < fillers; ++i) doc.blocks.push_back(block(rp::BlockKind::bullet_item, "Filler " + std::to_string(i)));
    doc.blocks.push_back(block(rp::BlockKind::heading, "Section heading"));
    doc.blocks.push_back(paragraph({run("Following " + target)}));
    const ReadBack back = read_back(render_ok(doc));
    INFO(fillers << " fillers");
    int pages_with_target = 0;
    for (const ReadPage& page : back.pages) {
      std::set<float> target_lines;
      bool heading = false;
      bool following = false;
      for (const ReadWord& w : page.words) {
        if (w.text == "target" || w.text == "Following") target_lines.insert(w.box.y0);
        heading = heading || w.text == "heading";
        following = following || w.text == "Following";
      }
      CHECK(target_lines.size() != 1);
      CHECK(heading == following);
      pages_with_target += target_lines.empty() ? 0 : 1;
    }
    splits += pages_with_target > 1 ? 1 : 0;
  }
  CHECK(splits >= 3);  // the paragraph did cross the page break in several of the layouts
}


TEST_CASE("rich_pdf: pdftotext reads the words in order, typographic characters included", "[rich_pdf]") {
  if (!test::have_program("pdftotext")) return;
  rp::Document doc = letter();
  doc.wide_margin = true;
  doc.blocks[1].margin_labels = {"Alice Caseworker"};
  doc.blocks.push_back(paragraph({run("\xE2\x80\x9CQuoted\xE2\x80\x9D costs \xE2\x82\xAC" "5 \xE2\x80\x93 paid")}));
  TempDir dir = test::temp_dir();
  const auto path = dir.path() / "letter.pdf";
  write_file_atomic(path, render_ok(doc)).throw_if_error();
  const test::ProcessResult text = test::run_process("pdftotext", {"-enc", "UTF-8", path.string(), "-"});
  REQUIRE(text.exit_code == 0);
  INFO(text.out);
  CHECK(text.out.find("Dear Ms Example, Important please note that both styles work.") != std::string::npos);
  CHECK(text.out.find("Alice Caseworker") != std::string::npos);
  CHECK(text.out.find("\xE2\x80\x9CQuoted\xE2\x80\x9D costs \xE2\x82\xAC" "5 \xE2\x80\x93 paid") != std::string::npos);
  CHECK(text.out.find("page 1 of 1") != std::string::npos);
}

TEST_CASE("rich_pdf: oversized documents are too_large, not a runaway render", "[rich_pdf]") {
  rp::Document huge_text;
  huge_text.blocks.push_back(paragraph({run(std::string(17u << 20, 'x'))}));
  Result<std::string> r = rp::render(huge_text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::too_large);

  rp::Document many_pages;  // a few MB of text, but one short paragraph per 22 pt: over 2,000 pages
  for (int i = 0; i < 80000; ++i) many_pages.blocks.push_back(paragraph({run("Line " + std::to_string(i))}));
  r = rp::render(many_pages);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::too_large);
  CHECK(r.error().message.find("pages") != std::string::npos);
}

TEST_CASE("rich_pdf: renders from several threads at once give identical PDFs", "[rich_pdf]") {
  const rp::Document doc = letter();
  std::vector<std::string> out(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < out.size(); ++t) {
    threads.emplace_back([&, t] {
      Result<std::string> r = rp::render(doc);
      if (r.ok()) out[t] = r.value();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& pdf : out) {
    CHECK_FALSE(pdf.empty());
    CHECK(pdf == out[0]);
  }
}

TEST_CASE("rich_pdf: a newline in a run is a forced line break", "[rich_pdf]") {
  rp::Document doc;
  doc.blocks.push_back(paragraph({run("Flat 2\n10 Example Street\r\nLeeds"), run("\n\nLS1 1AA", true)}));
  const ReadBack back = read_back(render_ok(doc));
  const float flat = back.word("Flat").box.y0;
  const float street = back.word("Street").box.y0;
  const float leeds = back.word("Leeds").box.y0;
  const float postcode = back.word("LS1").box.y0;
  CHECK(street > flat + 10);
  CHECK(leeds > street + 10);
  CHECK(postcode > leeds + 20);  // the blank line between them kept
  CHECK(back.word("Flat").box.x0 == Approx(back.word("10").box.x0).margin(0.5));
  CHECK(back.word("LS1").fonts == std::set<std::string>{"Helvetica-Bold"});
}
