// Redaction in the store (redaction/review.h): propose -> accept / reject (by ID, detector, term,
// all) -> release, on a generated born-digital letter and on a scanned letter whose searchable
// version carries an invisible OCR text layer. The released file is checked with pdftotext (an
// independent extractor), the pair, log and schedule in the catalog, and the audit log.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/files.h"
#include "common/mupdf.h"
#include "redaction/detail/review_text.h"
#include "redaction/page_text.h"
#include "redaction/review.h"
#include "samples/generator/letter_text.h"
#include "storage/store.h"
#include "support/letter_pdfs.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::redaction;
namespace fs = std::filesystem;

namespace {

constexpr const char* kActor = "case-worker-1";
constexpr const char* kReviewer = "reviewer-1";

// Lower-cased with every run of white space as one space (pdftotext and MuPDF break lines
// differently).
std::string squash(const std::string& s) {
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
    if (std::isspace(c) != 0) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return squash(haystack).find(squash(needle)) != std::string::npos;
}

std::string pdftotext(const fs::path& pdf) {
  auto r = test::run_process("pdftotext", {pdf.string(), "-"});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

struct Fixture {
  TempDir dir = test::temp_dir();
  storage::Store store = storage::init_store(dir.path() / "data").value();

  std::string add(const fs::path& file) {
    storage::AddFileOptions o;
    o.file_name = "Letter from Mrs Example.pdf";
    return storage::add_file(store, file, o, kActor).value().id;
  }
  fs::path fetch(const storage::Version& v, const std::string& name) {
    fs::path out = dir.path() / name;
    store.blobs->copy_to_file(v.sha256, out).throw_if_error();
    return out;
  }
  // Every text column of the review tables and every audit event's details, as one string.
  std::string stored_text() {
    std::string all;
    store.catalog->read([&](sql::Database& db) {
      auto marks = db.prepare("SELECT quads, detector, reason, ifnull(text_hash,''), ifnull(preview,''), term_hashes FROM redaction_marks");
      while (marks.step()) {
        for (int i = 0; i < 6; ++i) all += marks.text(i) + "\n";
      }
      auto audit = db.prepare("SELECT action, object, details FROM audit_events");
      while (audit.step()) all += audit.text(0) + " " + audit.text(1) + " " + audit.text(2) + "\n";
    }).throw_if_error();
    return all;
  }
  std::vector<std::string> audit_actions(const std::string& doc) {
    std::vector<std::string> out;
    const auto events = store.catalog->audit().events_for(doc).value();
    for (const auto& e : events) out.push_back(e.action);
    return out;
  }
};

ProposeOptions letter_options(const letters::Letter& letter) {
  ProposeOptions o;
  o.uk_pii = true;
  for (const auto& p : letter.people) o.terms.push_back({p.name, p.data_subject ? TermRole::data_subject : TermRole::third_party, {}});
  return o;
}

const StoredMark* find_mark(const ReviewState& s, const std::string& id) {
  for (const auto& m : s.marks) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

// The page image of a one-image-per-page scan, read back from the PDF's objects (not rendered:
// a box drawn over the image would hide what the image itself still holds).
struct PageImage {
  int w = 0, h = 0;
  std::vector<unsigned char> grey;  // w * h samples
};

PageImage page_image(const fs::path& pdf, int page_index) {
  mu::Context ctx = mu::Context::create();
  fz_context* c = ctx;
  mu::Document doc = mu::open_document(ctx, pdf);
  pdf_document* p = mu::as_pdf(ctx, doc);
  pdf_obj* page = ctx.call("page", [&] { return pdf_lookup_page_obj(c, p, page_index); });
  pdf_obj* xobjs = pdf_dict_getp(c, page, "Resources/XObject");
  pdf_obj* image_obj = nullptr;
  for (int i = 0; i < pdf_dict_len(c, xobjs); ++i) {
    pdf_obj* x = pdf_dict_get_val(c, xobjs, i);
    if (pdf_name_eq(c, pdf_dict_get(c, x, PDF_NAME(Subtype)), PDF_NAME(Image))) image_obj = x;
  }
  REQUIRE(image_obj != nullptr);
  mu::Image image(c, ctx.call("image", [&] { return pdf_load_image(c, p, image_obj); }));
  mu::Pixmap pix(c, ctx.call("pixmap", [&] { return fz_get_pixmap_from_image(c, image.get(), nullptr, nullptr, nullptr, nullptr); }));
  PageImage out;
  out.w = fz_pixmap_width(c, pix.get());
  out.h = fz_pixmap_height(c, pix.get());
  const int n = fz_pixmap_components(c, pix.get());
  const unsigned char* samples = fz_pixmap_samples(c, pix.get());
  const int stride = fz_pixmap_stride(c, pix.get());
  for (int y = 0; y < out.h; ++y)
    for (int x = 0; x < out.w; ++x) out.grey.push_back(samples[y * stride + x * n]);
  return out;
}

// Dark pixels of the page image inside a rectangle given in points on an A4 page.
int dark_pixels(const PageImage& im, const Rect& r) {
  const float sx = static_cast<float>(im.w) / 595.0f, sy = static_cast<float>(im.h) / 842.0f;
  int dark = 0;
  for (int y = static_cast<int>(r.y0 * sy) + 1; y < static_cast<int>(r.y1 * sy) - 1; ++y)
    for (int x = static_cast<int>(r.x0 * sx) + 1; x < static_cast<int>(r.x1 * sx) - 1; ++x)
      if (x >= 0 && y >= 0 && x < im.w && y < im.h && im.grey[static_cast<std::size_t>(y * im.w + x)] < 128) ++dark;
  return dark;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("review: propose, decide in bulk and release a born-digital letter", "[redaction][review]") {
  if (!test::have_program("pdftotext")) FAIL("pdftotext (poppler-utils) is required by the redaction tests");
  Fixture f;
  const letters::Letter letter = letters::make_letter(20261123, 3);
  fs::path pdf = f.dir.path() / "letter.pdf";
  test::write_text_pdf(letter.pages, pdf);
  const std::string doc = f.add(pdf);
  const storage::Version original = f.store.catalog->latest_version(doc, storage::VersionKind::original).value();

  // Release before anything was proposed: nothing to release.
  auto early = release(f.store, doc, kReviewer);
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().kind == ErrorKind::conflict);

  ProposeResult proposed = propose_marks(f.store, doc, letter_options(letter), kActor).value();
  CHECK(proposed.version_id == original.id);
  CHECK(proposed.added > 5);
  CHECK(proposed.by_detector.count("term") == 1);
  // Proposing again adds nothing.
  ProposeResult again = propose_marks(f.store, doc, letter_options(letter), kActor).value();
  CHECK(again.added == 0);
  CHECK(again.duplicates == proposed.added);

  // The catalog and audit log never hold an identifier or a name, only hashes and previews.
  const std::string stored = f.stored_text();
  for (const auto& id : letter.identifiers) {
    INFO(id.detector);
    CHECK_FALSE(contains(stored, id.text));
  }
  for (const auto& p : letter.people) CHECK_FALSE(contains(stored, p.name));

  // A reviewer may re-read the text under each mark (audited); every checksum-validated
  // identifier of the ground truth was proposed.
  ReviewState review = list_marks(f.store, doc, true, kReviewer).value();
  CHECK(review.proposed == proposed.added);
  std::vector<std::string> texts;
  for (const auto& m : review.marks) {
    REQUIRE(m.text);
    REQUIRE(m.preview);
    CHECK(*m.preview != *m.text);
    texts.push_back(squash(*m.text));
  }
  for (const auto& id : letter.identifiers) {
    if (id.detector != "uk_nino" && id.detector != "nhs_number" && id.detector != "email") continue;
    INFO(id.detector);
    CHECK(std::find(texts.begin(), texts.end(), squash(id.text)) != texts.end());
  }
  CHECK(has(f.audit_actions(doc), "redaction.marks.view_text"));

  // Release with undecided marks is refused.
  auto undecided = release(f.store, doc, kReviewer);
  REQUIRE_FALSE(undecided.ok());
  CHECK(undecided.error().kind == ErrorKind::conflict);
  CHECK(undecided.error().message.find("proposed") != std::string::npos);

  // Reject every postcode (bulk by detector) and every match of one third party (bulk by term).
  const letters::Person* third = nullptr;
  for (const auto& p : letter.people) {
    if (!p.data_subject) third = &p;
  }
  REQUIRE(third != nullptr);
  DecisionResult by_term = decide_marks(f.store, doc, Decision::reject, {{}, {}, third->name, false}, kReviewer).value();
  CHECK_FALSE(by_term.changed.empty());
  std::string postcode;
  for (const auto& m : review.marks) {
    if (m.detector == "uk_postcode") postcode = *m.text;
  }
  DecisionResult by_detector =
      decide_marks(f.store, doc, Decision::reject, {{}, std::string("uk_postcode"), {}, false}, kReviewer).value();
  if (!postcode.empty()) CHECK_FALSE(by_detector.changed.empty());

  // One mark by ID: accept it, then "accept all" takes only what is still proposed.
  ReviewState mid = list_marks(f.store, doc, false, kReviewer).value();
  CHECK(mid.rejected == static_cast<int>(by_term.changed.size() + by_detector.changed.size()));
  std::string first_proposed;
  for (const auto& m : mid.marks) {
    if (m.status == MarkStatus::proposed) {
      first_proposed = m.id;
      break;
    }
  }
  REQUIRE_FALSE(first_proposed.empty());
  CHECK(decide_marks(f.store, doc, Decision::accept, {{first_proposed}, {}, {}, false}, kActor).value().changed.size() == 1);
  DecisionResult all = decide_marks(f.store, doc, Decision::accept, {{}, {}, {}, true}, kReviewer).value();
  CHECK(static_cast<int>(all.changed.size()) == mid.proposed - 1);
  ReviewState decided = list_marks(f.store, doc, true, kReviewer).value();
  CHECK(decided.proposed == 0);
  CHECK(decided.rejected == mid.rejected);  // bulk accept left the rejected marks alone
  const StoredMark* one = find_mark(decided, first_proposed);
  REQUIRE(one != nullptr);
  CHECK(one->decided_by == std::string(kActor));
  CHECK(one->decided.has_value());

  ReleaseResult r = release(f.store, doc, kReviewer).value();
  CHECK(r.verification.passed());
  CHECK(r.marks == decided.accepted);
  CHECK(r.source.id == original.id);
  CHECK(r.redacted.kind == storage::VersionKind::redacted);
  CHECK(r.redacted.pair_of == original.id);
  CHECK(r.redacted.derived_from == original.id);

  // The store holds the pair, the log and the schedules; the document is released.
  storage::Document stored_doc = f.store.catalog->get_document(doc).value();
  CHECK(stored_doc.metadata.value("redaction_status", "") == "released");
  CHECK(f.store.catalog->latest_version(doc, storage::VersionKind::redacted).value().id == r.redacted.id);
  int derived = 0;
  for (const auto& v : stored_doc.versions) {
    if (v.kind == storage::VersionKind::derived && v.derived_from == r.redacted.id) ++derived;
  }
  CHECK(derived == 3);
  CHECK(r.log.metadata.value("purpose", "") == "redaction-log");

  // pdftotext finds none of the accepted values, and still finds the rejected third party.
  const std::string out_text = pdftotext(f.fetch(r.redacted, "redacted.pdf"));
  for (const auto& m : decided.marks) {
    if (m.status != MarkStatus::accepted || !m.text || m.text->size() < 3) continue;
    INFO("mark " << m.id << " (" << m.detector << ") still extractable");
    CHECK_FALSE(contains(out_text, *m.text));
  }
  for (const auto& m : decided.marks) {
    if (m.status == MarkStatus::rejected && m.detector == "term") CHECK(contains(out_text, *m.text));
  }
  CHECK(contains(pdftotext(pdf), third->name.substr(third->name.rfind(' ') + 1)));

  // The log: every accepted mark with its reviewer and time; no text.
  const std::string log_text = f.store.blobs->read_all(r.log.sha256).value();
  auto log = nlohmann::json::parse(log_text);
  REQUIRE(log["marks"].size() == static_cast<std::size_t>(r.marks));
  for (const auto& m : log["marks"]) {
    CHECK(m["reviewer"].is_string());
    CHECK(m["decided"].is_string());
    CHECK(m["mark_id"].get<std::string>().rfind("mrk_", 0) == 0);
  }
  for (const auto& m : decided.marks) {
    if (m.status == MarkStatus::accepted && m.text && m.text->size() >= 3) CHECK_FALSE(contains(log_text, *m.text));
  }
  const std::string csv = f.store.blobs->read_all(r.schedule_csv.sha256).value();
  CHECK(csv.rfind("page,reason,count\n", 0) == 0);
  const fs::path schedule = f.fetch(r.schedule_pdf, "schedule.pdf");
  CHECK(contains(pdftotext(schedule), "Schedule of redactions"));

  // Marks remember the release; the audit trail has every step, and still no personal data.
  const ReviewState final_state = list_marks(f.store, doc, false, kReviewer).value();
  for (const auto& m : final_state.marks) {
    if (m.status == MarkStatus::accepted) CHECK(m.released_in == r.redacted.id);
  }
  auto actions = f.audit_actions(doc);
  for (const char* a : {"redaction.marks.propose", "redaction.marks.reject", "redaction.marks.accept",
                        "redaction.release", "redaction.marks.view", "redaction.marks.view_text"}) {
    INFO(a);
    CHECK(has(actions, a));
  }
  const std::string after = f.stored_text();
  for (const auto& id : letter.identifiers) CHECK_FALSE(contains(after, id.text));
}

TEST_CASE("review: a scanned letter is redacted through its searchable version's OCR layer", "[redaction][review]") {
  if (!test::have_program("pdftotext")) FAIL("pdftotext (poppler-utils) is required by the redaction tests");
  Fixture f;
  const letters::Letter letter = letters::make_letter(20261123, 11);
  fs::path scan = f.dir.path() / "scan.pdf";
  fs::path ocred = f.dir.path() / "scan-ocr.pdf";
  test::write_scanned_pdf(letter.pages, scan, false);
  test::write_scanned_pdf(letter.pages, ocred, true);
  const std::string doc = f.add(scan);

  // Image only: nothing can be found, and the page is reported as not searchable.
  ProposeResult blind = propose_marks(f.store, doc, letter_options(letter), kActor).value();
  CHECK(blind.added == 0);
  REQUIRE(blind.page_notes.size() == letter.pages.size());
  CHECK(blind.page_notes[0].note.find("not searchable") != std::string::npos);

  // The OCR'd searchable version is what gets redacted.
  const storage::Version original = f.store.catalog->latest_version(doc, storage::VersionKind::original).value();
  storage::BlobRef blob = f.store.blobs->put_file(ocred).value();
  storage::NewVersion nv;
  nv.kind = storage::VersionKind::searchable;
  nv.sha256 = blob.sha256;
  nv.size = blob.size;
  nv.media_type = "application/pdf";
  nv.derived_from = original.id;
  const storage::Version searchable = f.store.catalog->add_version(doc, nv, "ocr").value();

  ProposeResult proposed = propose_marks(f.store, doc, letter_options(letter), kActor).value();
  CHECK(proposed.version_id == searchable.id);
  CHECK(proposed.added > 5);
  ReviewState review = list_marks(f.store, doc, true, kReviewer).value();
  CHECK(decide_marks(f.store, doc, Decision::accept, {{}, {}, {}, true}, kReviewer).value().changed.size() ==
        static_cast<std::size_t>(proposed.added));
  ReleaseResult r = release(f.store, doc, kReviewer).value();
  CHECK(r.verification.passed());
  CHECK(r.redacted.pair_of == searchable.id);
  CHECK(r.redacted.derived_from == searchable.id);

  // Neither the invisible text layer nor (checked by the verifier's pixel test) the image still
  // holds a redacted value; unmarked words are still searchable.
  const fs::path out = f.fetch(r.redacted, "redacted.pdf");
  const std::string text = pdftotext(out);
  int checked = 0;
  for (const auto& m : review.marks) {
    if (!m.text || m.text->size() < 3) continue;
    INFO(m.detector);
    CHECK_FALSE(contains(text, *m.text));
    ++checked;
  }
  CHECK(checked > 5);
  CHECK(contains(text, "yours"));

  // The scan's own pixels under every mark were burned (not just covered by a box): the page
  // image in the output has no ink there, while the source image had ink under every mark.
  const PageImage before = page_image(ocred, 0);
  const PageImage after = page_image(out, 0);
  int inked = 0;
  for (const auto& m : review.marks) {
    if (m.page != 0) continue;
    const Rect r = m.quads.front().bounds();
    INFO("mark " << m.id << " (" << m.detector << ")");
    if (dark_pixels(before, r) > 0) ++inked;
    CHECK(dark_pixels(after, r) == 0);
  }
  CHECK(inked > 5);
  CHECK(f.store.catalog->get_document(doc).value().metadata.value("redaction_status", "") == "released");
}

TEST_CASE("review: area marks, withheld pages, refusals and no-redaction-needed", "[redaction][review]") {
  Fixture f;
  fs::path pdf = f.dir.path() / "two-pages.pdf";
  test::write_text_pdf({"Dear Sir\nPlease call Jane Roe on 020 7946 0991.\nSignature block here",
                        "Page two holds the minutes of the meeting with Jane Roe."},
                       pdf);
  const std::string doc = f.add(pdf);

  // Bad input: unknown reason, page out of range, empty rectangle, unknown document, no selector.
  CHECK(add_area_mark(f.store, doc, {0, {50, 50, 200, 100}, "because", false}, kActor).error().kind == ErrorKind::invalid_input);
  CHECK(add_area_mark(f.store, doc, {5, {50, 50, 200, 100}, "s43 commercial interests", false}, kActor).error().kind ==
        ErrorKind::invalid_input);
  CHECK(add_area_mark(f.store, doc, {0, {200, 50, 100, 100}, "s43 commercial interests", false}, kActor).error().kind ==
        ErrorKind::invalid_input);
  CHECK(list_marks(f.store, "doc_nonexistent", false, kActor).error().kind == ErrorKind::not_found);
  CHECK(propose_marks(f.store, doc, {}, kActor).error().kind == ErrorKind::invalid_input);

  ProposeOptions terms;
  terms.terms = {{"Jane Roe", TermRole::third_party, {}}};
  ProposeResult p = propose_marks(f.store, doc, terms, kActor).value();
  CHECK(p.added == 2);
  // No-redaction-needed is refused while marks are proposed.
  CHECK(mark_no_redaction_needed(f.store, doc, kReviewer).error().kind == ErrorKind::conflict);

  StoredMark area = add_area_mark(f.store, doc, {0, {60, 80, 300, 110}, "s43 commercial interests", false}, kActor).value();
  CHECK(area.status == MarkStatus::accepted);
  CHECK(area.kind == MarkKind::area);
  StoredMark page2 = withhold_page(f.store, doc, 1, "not relevant to the request", kActor).value();
  CHECK(page2.kind == MarkKind::whole_page);
  CHECK(withhold_page(f.store, doc, 1, "not relevant to the request", kActor).error().kind == ErrorKind::conflict);

  // Decisions: unknown mark, two selectors at once.
  CHECK(decide_marks(f.store, doc, Decision::accept, {{"mrk_nope"}, {}, {}, false}, kReviewer).error().kind ==
        ErrorKind::not_found);
  CHECK(decide_marks(f.store, doc, Decision::accept, {{}, std::string("term"), {}, true}, kReviewer).error().kind ==
        ErrorKind::invalid_input);
  // Bulk by a matched value works like a term.
  CHECK(decide_marks(f.store, doc, Decision::accept, {{}, {}, std::string("jane  ROE"), false}, kReviewer).value().changed.size() == 2);

  ReleaseResult r = release(f.store, doc, kReviewer).value();
  CHECK(r.marks == 4);
  const std::string text = pdftotext(f.fetch(r.redacted, "out.pdf"));
  CHECK_FALSE(contains(text, "Jane Roe"));
  CHECK_FALSE(contains(text, "minutes"));        // page 2 withheld
  CHECK_FALSE(contains(text, "Signature block"));  // under the area mark? (y 80-110 covers line 2-3)
  CHECK(contains(text, "Dear Sir"));
  const std::string csv = f.store.blobs->read_all(r.schedule_csv.sha256).value();
  CHECK(csv.find("2,not relevant to the request (page withheld),1") != std::string::npos);

  // Reject everything, then the reviewer may record that no redaction is needed.
  CHECK(decide_marks(f.store, doc, Decision::reject, {{area.id, page2.id}, {}, {}, false}, kReviewer).ok());
  CHECK(decide_marks(f.store, doc, Decision::reject, {{}, std::string("term"), {}, false}, kReviewer).value().changed.empty());
  ReviewState s = list_marks(f.store, doc, false, kReviewer).value();
  std::vector<std::string> accepted;
  for (const auto& m : s.marks) {
    if (m.status == MarkStatus::accepted) accepted.push_back(m.id);
  }
  CHECK(decide_marks(f.store, doc, Decision::reject, {accepted, {}, {}, false}, kReviewer).ok());
  CHECK(release(f.store, doc, kReviewer).error().kind == ErrorKind::conflict);
  REQUIRE(mark_no_redaction_needed(f.store, doc, kReviewer).ok());
  CHECK(f.store.catalog->get_document(doc).value().metadata.value("redaction_status", "") == "not-needed");
}

TEST_CASE("review: masked previews and text under quads", "[redaction][review]") {
  using detail::masked_preview;
  CHECK(masked_preview("Margaret Holloway") == "M******* H*******");
  CHECK(masked_preview("QQ 12 34 56 C") == "Q* ** ** 56 C");
  CHECK(masked_preview("07700 900123") == "***** ****23");
  CHECK(masked_preview("jo.smith@example.com") == "j*.s****@e******.c**");
  CHECK(detail::normalise_for_hash("Jane\nROE") == "janeroe");
  CHECK(detail::review_text_hash("00", "Jane Roe") == detail::review_text_hash("00", "jane\n roe"));
  CHECK(detail::review_text_hash("00", "Jane Roe") != detail::review_text_hash("01", "Jane Roe"));
}

TEST_CASE("review: encrypted, broken and non-PDF documents are refused and nothing is stored", "[redaction][review]") {
  Fixture f;
  ProposeOptions o;
  o.uk_pii = true;
  struct Case {
    const char* file;
    std::optional<ErrorKind> kind;  // nullopt: MuPDF repairs the file; nothing is found on it
  };
  for (const Case& c : {Case{"corpus/pdfs/libreoffice-writer-password.pdf", ErrorKind::unsupported},
                        Case{"corpus/scans/1555.007.jpg", ErrorKind::unsupported},
                        Case{"corpus/hostile/deep-pages.pdf", ErrorKind::invalid_input},
                        Case{"corpus/hostile/bad-xref.pdf", std::nullopt}}) {
    INFO(c.file);
    const std::string doc = f.add(test::data_path(c.file));
    auto proposed = propose_marks(f.store, doc, o, kActor);
    if (!c.kind) {
      REQUIRE(proposed.ok());
      CHECK(proposed->added == 0);
      continue;
    }
    REQUIRE_FALSE(proposed.ok());
    CHECK(proposed.error().kind == *c.kind);
    CHECK(proposed.error().message.find("ver") != std::string::npos);  // names the version
    ReviewState s = list_marks(f.store, doc, false, kActor).value();
    CHECK(s.marks.empty());
    CHECK_FALSE(s.version_id.has_value());
    CHECK(release(f.store, doc, kActor).error().kind == ErrorKind::conflict);
  }
}

TEST_CASE("review: a value accepted once but left visible elsewhere fails verification, nothing stored",
          "[redaction][review]") {
  Fixture f;
  fs::path pdf = f.dir.path() / "twice.pdf";
  test::write_text_pdf({"Minutes: Jane Roe opened the meeting.\nJane Roe closed it."}, pdf);
  const std::string doc = f.add(pdf);
  ProposeOptions o;
  o.terms = {{"Jane Roe", TermRole::third_party, {}}};
  REQUIRE(propose_marks(f.store, doc, o, kActor).value().added == 2);
  ReviewState s = list_marks(f.store, doc, false, kReviewer).value();
  REQUIRE(s.marks.size() == 2);
  REQUIRE(decide_marks(f.store, doc, Decision::accept, {{s.marks[0].id}, {}, {}, false}, kReviewer).ok());
  REQUIRE(decide_marks(f.store, doc, Decision::reject, {{s.marks[1].id}, {}, {}, false}, kReviewer).ok());
  const std::size_t versions_before = f.store.catalog->get_document(doc).value().versions.size();

  auto r = release(f.store, doc, kReviewer);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::corrupt);
  CHECK(r.error().message.find("text") != std::string::npos);
  CHECK(r.error().message.find(s.marks[0].id) != std::string::npos);  // the legend names the mark
  CHECK(r.error().message.find("Jane") == std::string::npos);         // never the value
  storage::Document after = f.store.catalog->get_document(doc).value();
  CHECK(after.versions.size() == versions_before);
  CHECK(after.metadata.value("redaction_status", "") == "in-review");
  const ReviewState unreleased = list_marks(f.store, doc, false, kReviewer).value();
  for (const auto& m : unreleased.marks) CHECK_FALSE(m.released_in);

  // Accepting the other occurrence too makes the release verifiable.
  REQUIRE(decide_marks(f.store, doc, Decision::accept, {{s.marks[1].id}, {}, {}, false}, kReviewer).ok());
  CHECK(release(f.store, doc, kReviewer).ok());
}
