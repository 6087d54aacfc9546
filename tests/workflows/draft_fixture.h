// Drafts on top of the case fixture: one mp-official case owned by carla (and a second case
// nobody asked colin about), a DraftService on the fixture's ManualClock, and a reader for
// PDFs' text with MuPDF.
#pragma once

#include <string>

#include "case_fixture.h"
#include "common/mupdf.h"
#include "common/pdf_text.h"
#include "workflows/draft_store.h"

namespace redbox::test {

struct DraftFixture : CaseFixture {
  DraftFixture() : drafts(*store, workflows::HolidayCalendar::built_in(), clock) {
    workflows::NewCase n;
    n.type = "mp-official";
    n.received = day("2026-03-02");
    n.team = "Health Policy";
    n.owner = "carla";
    n.mp = "Jane Smith MP";
    n.requester = {"Mr Arthur Dent", "155 Country Lane, Cottington", "arthur@example.org", "CT1 2AB"};
    kase = service->create(actor("ian"), n).value();
    n.requester = {"Ms Trillian Astra", "", "", "ZZ9 9ZZ"};
    other = service->create(actor("ian"), n).value();
  }

  workflows::DraftService drafts;
  workflows::Case kase;
  workflows::Case other;
};

// Every page's text of a PDF, pages separated by blank lines.
inline std::string pdf_text(const std::string& bytes) {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document_from_memory(ctx, bytes, "application/pdf");
  std::string out;
  for (int i = 0; i < mu::page_count(ctx, doc); ++i) {
    auto page = mu::load_page(ctx, doc, i);
    out += pdftext::extract(ctx, page.get()).text + "\n\n";
  }
  return out;
}

// The blame's authors, word by word, of one fragment: "word/author word/author ...".
inline std::string authored(const workflows::Blame& b, const std::string& fragment_id) {
  for (const auto& f : b.fragments) {
    if (f.fragment_id != fragment_id) continue;
    std::string s;
    for (const auto& w : f.words) s += (s.empty() ? "" : " ") + w.word + "/" + w.author;
    return s;
  }
  return "<no fragment " + fragment_id + ">";
}

}  // namespace redbox::test
