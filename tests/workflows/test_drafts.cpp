// Drafts: a three-contributor draft with blame after edits, moves and reverts; compare;
// access of contributors; templates; imports; PDF exports read back with MuPDF.
#include <catch2/catch.hpp>

#include <algorithm>

#include "draft_fixture.h"
#include "workflows/draft_export.h"
#include "workflows/draft_templates.h"

using namespace redbox;
using namespace redbox::workflows;
using redbox::test::authored;
using redbox::test::day;

namespace {

std::size_t count_audit(storage::Store& store, const std::string& action) {
  auto events = store.catalog->audit().events(0, 100000).value();
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const storage::AuditEvent& e) { return e.action == action; }));
}

// The draft the tests share: A by carla, B asked of colin, C asked of olive.
struct ThreeAuthors : test::DraftFixture {
  ThreeAuthors() {
    ref = kase.reference;
    drafts.create(actor("carla"), ref, "").value();
    a = drafts.add_fragment(actor("carla"), ref, {"Opening", "paragraph", "Thank you for your letter of 2 March about waiting times.", Provenance::written, {}, {}}).value().id;
    NewRequest rb;
    rb.contributor = "colin";
    rb.fragment_title = "Figures";
    rb.instructions = "Give the 2025 figures for the region.";
    rb.due = day("2026-03-06");
    req_b = drafts.request_contribution(actor("carla"), ref, rb).value();
    b = req_b.fragment_id;
    NewRequest rc = rb;
    rc.contributor = "olive";
    rc.fragment_title = "Policy";
    rc.instructions = "Say where the review stands.";
    req_c = drafts.request_contribution(actor("carla"), ref, rc).value();
    c = req_c.fragment_id;
    drafts.edit_fragment(actor("colin"), ref, b, "In 2025 there were 120 cases in the region.").value();
    drafts.edit_fragment(actor("olive"), ref, c, "The policy is under review and a decision is expected in the summer.").value();
  }
  std::string ref, a, b, c;
  ContributionRequest req_b, req_c;
};

}  // namespace

TEST_CASE("blame names the right author for every word after edits, moves and reverts", "[workflows][drafts]") {
  ThreeAuthors f;
  auto blame = f.drafts.blame(f.actor("carla"), f.ref).value();
  CHECK(authored(blame, f.a) ==
        "Thank/carla you/carla for/carla your/carla letter/carla of/carla 2/carla March/carla about/carla waiting/carla times./carla");
  CHECK(authored(blame, f.b) == "In/colin 2025/colin there/colin were/colin 120/colin cases/colin in/colin the/colin region./colin");

  // carla corrects colin's figure and adds words; olive rewrites part of carla's opening.
  f.drafts.edit_fragment(f.actor("carla"), f.ref, f.b, "In 2025 there were **135** cases in the whole region.").value();
  int after_carla = f.drafts.get(f.actor("carla"), f.ref).value().revision;
  f.drafts.edit_fragment(f.actor("carla"), f.ref, f.a, "Thank you for your letter of 2 March about hospital waiting times.").value();
  blame = f.drafts.blame(f.actor("carla"), f.ref).value();
  CHECK(authored(blame, f.b) ==
        "In/colin 2025/colin there/colin were/colin 135/carla cases/colin in/colin the/colin whole/carla region./colin");
  CHECK(authored(blame, f.a) ==
        "Thank/carla you/carla for/carla your/carla letter/carla of/carla 2/carla March/carla about/carla hospital/carla waiting/carla times./carla");

  // Move: the policy paragraph goes first; attribution is unchanged, the order is.
  f.drafts.move_fragment(f.actor("carla"), f.ref, f.c, 0).value();
  blame = f.drafts.blame(f.actor("carla"), f.ref).value();
  REQUIRE(blame.fragments.size() == 3);
  CHECK(blame.fragments[0].fragment_id == f.c);
  CHECK(authored(blame, f.c) ==
        "The/olive policy/olive is/olive under/olive review/olive and/olive a/olive decision/olive is/olive expected/olive in/olive the/olive summer./olive");

  // colin reverts carla's change with revert(): his words are his again, carla's are gone.
  auto versions = f.drafts.versions(f.actor("colin"), f.ref, f.b).value();
  REQUIRE(versions.size() == 3);  // empty placeholder by carla, colin's text, carla's edit
  f.drafts.revert_fragment(f.actor("colin"), f.ref, f.b, 2).value();
  blame = f.drafts.blame(f.actor("carla"), f.ref).value();
  CHECK(authored(blame, f.b) == "In/colin 2025/colin there/colin were/colin 120/colin cases/colin in/colin the/colin region./colin");
  for (const auto& frag : blame.fragments) {
    if (frag.fragment_id != f.b) continue;
    for (const auto& w : frag.words) CHECK(w.version == 2);
  }

  // A revert by hand: carla edits olive's text and then types it back exactly; olive is still
  // the author of every word (not carla, who typed it last).
  f.drafts.edit_fragment(f.actor("carla"), f.ref, f.c, "The policy has been reviewed.").value();
  CHECK(authored(f.drafts.blame(f.actor("carla"), f.ref).value(), f.c) ==
        "The/olive policy/olive has/carla been/carla reviewed./carla");
  f.drafts.edit_fragment(f.actor("carla"), f.ref, f.c, "The policy is under review and a decision is expected in the summer.").value();
  CHECK(authored(f.drafts.blame(f.actor("carla"), f.ref).value(), f.c) ==
        "The/olive policy/olive is/olive under/olive review/olive and/olive a/olive decision/olive is/olive expected/olive in/olive the/olive summer./olive");

  // Blame at an earlier revision still shows that revision's attribution.
  auto earlier = f.drafts.blame(f.actor("carla"), f.ref, after_carla).value();
  CHECK(authored(earlier, f.b) ==
        "In/colin 2025/colin there/colin were/colin 135/carla cases/colin in/colin the/colin whole/carla region./colin");
  CHECK(f.drafts.blame(f.actor("carla"), f.ref, 999).error().kind == ErrorKind::not_found);
  CHECK(f.drafts.blame(f.actor("carla"), f.ref).value().report().find("[colin v2 ") != std::string::npos);

  // Every change is an audit event; no audit event carries the text.
  CHECK(count_audit(*f.store, "draft.fragment.edit") == 6);
  CHECK(count_audit(*f.store, "draft.fragment.revert") == 1);
  CHECK(count_audit(*f.store, "draft.fragment.move") == 1);
  auto all_events = f.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : all_events) {
    CHECK(e.details.dump().find("waiting times") == std::string::npos);
  }
}

TEST_CASE("compare: added, removed, moved and edited fragments with word changes and authors", "[workflows][drafts]") {
  ThreeAuthors f;
  int before = f.drafts.get(f.actor("carla"), f.ref).value().revision;
  f.drafts.edit_fragment(f.actor("carla"), f.ref, f.b, "In 2025 there were 135 cases in the region.").value();
  auto d = f.drafts.add_fragment(f.actor("tess"), f.ref, {"Closing", "paragraph", "Yours sincerely,", Provenance::written, {}, {}}).value().id;
  f.drafts.remove_fragment(f.actor("carla"), f.ref, f.a).value();
  f.drafts.move_fragment(f.actor("carla"), f.ref, f.c, 0).value();
  int after = f.drafts.get(f.actor("carla"), f.ref).value().revision;

  auto cmp = f.drafts.compare(f.actor("carla"), f.ref, before, after).value();
  std::map<std::string, FragmentChange> by_id;
  for (const auto& ch : cmp.changes) by_id[ch.fragment_id] = ch;
  REQUIRE(by_id.size() == 4);
  CHECK(by_id[d].change == "added");
  CHECK(by_id[d].authors == std::vector<std::string>{"tess"});
  CHECK(by_id[f.a].change == "removed");
  CHECK(by_id[f.c].change == "moved");
  CHECK(*by_id[f.c].from_position == 2);
  CHECK(*by_id[f.c].to_position == 0);
  const auto& edit = by_id[f.b];
  CHECK(edit.change == "edited");
  CHECK(edit.authors == std::vector<std::string>{"carla"});
  std::vector<std::string> kinds;
  for (const auto& w : edit.words) kinds.push_back(w.kind + ":" + w.text);
  CHECK(kinds == std::vector<std::string>{"same:In 2025 there were", "removed:120", "inserted:135", "same:cases in the region."});
  CHECK(edit.words[2].authors == std::vector<std::string>{"carla"});

  // The B fragment was not moved although A was removed in front of it (relative order kept).
  auto json = cmp.to_json();
  CHECK(json["changes"].size() == 4);
  auto report = cmp.report();
  CHECK(report.find("+ added \"Closing\"") != std::string::npos);
  CHECK(report.find("- removed \"Opening\"") != std::string::npos);
  CHECK(report.find("> moved \"Policy\" from position 3 to 1") != std::string::npos);
  CHECK(report.find("~ edited \"Figures\" (version 2 -> 3) by carla") != std::string::npos);
  CHECK(report.find("[-120-]") != std::string::npos);
  CHECK(report.find("{+135+} (carla)") != std::string::npos);

  // Moved and edited at once; and comparing backwards swaps added and removed.
  f.drafts.edit_fragment(f.actor("olive"), f.ref, f.c, "The policy review ends in the summer.").value();
  f.drafts.move_fragment(f.actor("carla"), f.ref, f.c, 2).value();
  auto both = f.drafts.compare(f.actor("carla"), f.ref, after, f.drafts.get(f.actor("carla"), f.ref).value().revision).value();
  bool found = false;
  for (const auto& ch : both.changes) {
    if (ch.fragment_id == f.c) {
      CHECK(ch.change == "moved+edited");
      found = true;
    }
  }
  CHECK(found);
  auto back = f.drafts.compare(f.actor("carla"), f.ref, after, before).value();
  for (const auto& ch : back.changes) {
    if (ch.fragment_id == d) CHECK(ch.change == "removed");
    if (ch.fragment_id == f.a) CHECK(ch.change == "added");
  }
  CHECK(f.drafts.compare(f.actor("carla"), f.ref, after, after).value().changes.empty());
}

TEST_CASE("a contributor sees only the fragments they were asked for, and no other case", "[workflows][drafts]") {
  ThreeAuthors f;
  auto view = f.drafts.get(f.actor("colin"), f.ref).value();
  CHECK(view.access == "contributor");
  REQUIRE(view.fragments.size() == 1);
  CHECK(view.fragments[0].id == f.b);
  CHECK(view.context.reference == f.ref);
  CHECK(view.to_json().dump().find("Arthur") == std::string::npos);  // no requester details
  auto blame = f.drafts.blame(f.actor("colin"), f.ref).value();
  REQUIRE(blame.fragments.size() == 1);
  CHECK(blame.fragments[0].fragment_id == f.b);
  auto reqs = f.drafts.requests(f.actor("colin"), f.ref).value();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].contributor == "colin");

  std::size_t refused = count_audit(*f.store, "draft.refused");
  auto other_fragment = f.drafts.versions(f.actor("colin"), f.ref, f.c);
  REQUIRE_FALSE(other_fragment);
  CHECK(other_fragment.error().kind == ErrorKind::forbidden);
  auto edit_other = f.drafts.edit_fragment(f.actor("colin"), f.ref, f.a, "Hello.");
  REQUIRE_FALSE(edit_other);
  CHECK(edit_other.error().kind == ErrorKind::forbidden);
  CHECK(f.drafts.add_comment(f.actor("colin"), f.ref, {f.c, "", {}, {}, "I disagree"}).error().kind == ErrorKind::forbidden);
  CHECK(f.drafts.add_fragment(f.actor("colin"), f.ref, {"Mine", "paragraph", "text", Provenance::written, {}, {}}).error().kind == ErrorKind::forbidden);
  CHECK(f.drafts.accept(f.actor("colin"), f.ref, f.req_b.id, "").error().kind == ErrorKind::forbidden);
  // Another case's draft: no request, no access.
  f.drafts.create(f.actor("carla"), f.other.reference, "").value();
  auto other_case = f.drafts.get(f.actor("colin"), f.other.reference);
  REQUIRE_FALSE(other_case);
  CHECK(other_case.error().kind == ErrorKind::forbidden);
  // paul (a contributor asked for nothing) and rita (a reviewer not on the case) see nothing.
  CHECK(f.drafts.get(f.actor("paul"), f.ref).error().kind == ErrorKind::forbidden);
  CHECK(f.drafts.get(f.actor("rita"), f.ref).error().kind == ErrorKind::forbidden);
  CHECK(count_audit(*f.store, "draft.refused") == refused + 8);
  auto events = f.store->catalog->audit().events(0, 100000).value();
  auto last = std::find_if(events.rbegin(), events.rend(), [](const storage::AuditEvent& e) { return e.action == "draft.refused"; });
  CHECK(last->actor == "rita");
}

TEST_CASE("comments on fragments and spans: threaded, resolvable, with authors", "[workflows][drafts]") {
  ThreeAuthors f;
  auto top = f.drafts.add_comment(f.actor("carla"), f.ref, {f.b, "", 4, 5, "Is 120 the final figure?"}).value();
  CHECK(top.quote == "120");
  CHECK(top.author == "carla");
  auto reply = f.drafts.add_comment(f.actor("colin"), f.ref, {"", top.id, {}, {}, "Yes, confirmed by analysts."}).value();
  CHECK(reply.parent_id == top.id);
  auto again = f.drafts.add_comment(f.actor("carla"), f.ref, {"", reply.id, {}, {}, "Thanks."}).value();
  CHECK(again.parent_id == top.id);  // replies to replies stay in the thread
  f.drafts.add_comment(f.actor("olive"), f.ref, {f.c, "", {}, {}, "Check with the minister's office."}).value();
  CHECK(f.drafts.add_comment(f.actor("carla"), f.ref, {f.b, "", 3, 30, "bad span"}).error().kind == ErrorKind::invalid_input);

  auto threads = f.drafts.comments(f.actor("carla"), f.ref).value();
  REQUIRE(threads.size() == 2);
  CHECK(threads[0].replies.size() == 2);
  // colin sees only the thread on his fragment.
  auto colins = f.drafts.comments(f.actor("colin"), f.ref).value();
  REQUIRE(colins.size() == 1);
  CHECK(colins[0].id == top.id);
  // Resolving: the author or an editor; olive (a contributor) may not resolve carla's thread on B.
  CHECK(f.drafts.resolve_comment(f.actor("olive"), f.ref, top.id).error().kind == ErrorKind::forbidden);
  auto resolved = f.drafts.resolve_comment(f.actor("colin"), f.ref, top.id);
  CHECK(resolved.error().kind == ErrorKind::forbidden);  // not his comment, and contributors do not edit others'
  resolved = f.drafts.resolve_comment(f.actor("tess"), f.ref, top.id);
  REQUIRE(resolved);
  CHECK(resolved->resolved_by == "tess");
  CHECK(f.drafts.resolve_comment(f.actor("carla"), f.ref, top.id).error().kind == ErrorKind::conflict);
  CHECK(f.drafts.comments(f.actor("carla"), f.ref, false).value().size() == 1);
  CHECK(count_audit(*f.store, "draft.comment.add") == 4);
  CHECK(count_audit(*f.store, "draft.comment.resolve") == 1);
}

TEST_CASE("templates and pre-approved letters fill placeholders from the case, versioned", "[workflows][drafts]") {
  test::DraftFixture f;
  TemplateLibrary lib(*f.store->catalog);
  auto t1 = lib.save(f.actor("carla"), "mp-opening", "template", "MP opening",
                     "Dear {{mp}},\n\nThank you for your letter of {{received.long}} on behalf of {{requester.name}} (our reference {{reference}}).",
                     "first version").value();
  CHECK(t1.version == 1);
  auto t2 = lib.save(f.actor("carla"), "mp-opening", "template", "MP opening",
                     "Dear {{ mp }},\n\nThank you for writing on {{received.long}} on behalf of {{requester.name}}. We will reply by {{due.long}}.",
                     "reply date").value();
  CHECK(t2.version == 2);
  CHECK(lib.history("mp-opening").value().size() == 2);
  CHECK(lib.save(f.actor("carla"), "bad", "template", "", "Dear {{mp_name}}", "").error().kind == ErrorKind::invalid_input);
  CHECK(lib.save(f.actor("carla"), "approved", "letter", "", "Approved text.", "").error().kind == ErrorKind::forbidden);
  CHECK(lib.save(f.actor("colin"), "mine", "template", "", "Text.", "").error().kind == ErrorKind::forbidden);
  auto letter = lib.save(f.actor("tess"), "nhs-lines", "letter", "NHS lines", "The NHS is *independent* of {{team}}.", "cleared by press office").value();

  const std::string ref = f.kase.reference;
  f.drafts.create(f.actor("carla"), ref, "").value();
  auto latest = f.drafts.add_from_template(f.actor("carla"), ref, "mp-opening", std::nullopt).value();
  CHECK(latest.version.text ==
        "Dear Jane Smith MP,\n\nThank you for writing on 2 March 2026 on behalf of Mr Arthur Dent. We will reply by " +
            std::string(std::to_string(static_cast<unsigned>(f.kase.due.day())) + " " + month_name(f.kase.due) + " 2026."));
  CHECK(latest.version.provenance == Provenance::template_);
  CHECK(latest.version.source == nlohmann::json{{"template", "mp-opening"}, {"version", 2}});
  auto first = f.drafts.add_from_template(f.actor("carla"), ref, "mp-opening", 1).value();
  CHECK(first.version.text.find("(our reference " + ref + ")") != std::string::npos);
  auto approved = f.drafts.add_from_template(f.actor("carla"), ref, "nhs-lines", std::nullopt).value();
  CHECK(approved.version.provenance == Provenance::letter);
  CHECK(approved.version.text == "The NHS is *independent* of Health Policy.");
  // A placeholder the case has no value for is refused, naming it.
  lib.save(f.actor("carla"), "email-line", "template", "", "We will write to {{requester.email}}.", "").value();
  auto gap = f.drafts.add_from_template(f.actor("carla"), f.other.reference, "email-line", std::nullopt);
  REQUIRE_FALSE(gap);
  CHECK(gap.error().kind == ErrorKind::not_found);  // the other case has no draft yet
  f.drafts.create(f.actor("carla"), f.other.reference, "").value();
  gap = f.drafts.add_from_template(f.actor("carla"), f.other.reference, "email-line", std::nullopt);
  REQUIRE_FALSE(gap);
  CHECK(gap.error().kind == ErrorKind::invalid_input);
  CHECK(gap.error().message.find("{{requester.email}}") != std::string::npos);
  CHECK(count_audit(*f.store, "draft.template.save") == 4);
  (void)letter;
}

TEST_CASE("fragments imported from an attached document or e-mail keep the source linked", "[workflows][drafts]") {
  test::DraftFixture f;
  const std::string ref = f.kase.reference;
  auto dir = test::temp_dir();
  write_file_atomic(dir.path() / "note.txt", "Figures from the analysts:\n\n- 2024: 110\n- 2025: 120\n").throw_if_error();
  write_file_atomic(dir.path() / "mail.eml", "From: analyst@dept.example\nSubject: figures\n\nThe 2025 total is 120.\n").throw_if_error();
  storage::AddFileOptions text_opts;
  auto note = storage::add_file(*f.store, dir.path() / "note.txt", text_opts, "cli").value();
  storage::AddFileOptions mail_opts;
  mail_opts.source = "email";
  auto mail = storage::add_file(*f.store, dir.path() / "mail.eml", mail_opts, "cli").value();
  f.drafts.create(f.actor("carla"), ref, "").value();
  // Not attached to the case yet: refused.
  CHECK(f.drafts.import_document(f.actor("carla"), ref, note.id, "", std::nullopt).error().kind == ErrorKind::invalid_input);
  f.service->link_document(f.actor("carla"), ref, note.id, "contribution").value();
  f.service->link_document(f.actor("carla"), ref, mail.id, "contribution").value();
  auto from_doc = f.drafts.import_document(f.actor("carla"), ref, note.id, "Analysts' figures", std::nullopt).value();
  CHECK(from_doc.version.provenance == Provenance::document);
  CHECK(from_doc.version.source["document"] == note.id);
  CHECK(from_doc.version.source["version"] == note.versions.front().id);
  CHECK(from_doc.version.text.find("- 2025: 120") != std::string::npos);
  auto from_mail = f.drafts.import_document(f.actor("carla"), ref, mail.id, "", std::nullopt).value();
  CHECK(from_mail.version.provenance == Provenance::email);
  CHECK(from_mail.version.text == "The 2025 total is 120.\n");  // headers dropped
}

TEST_CASE("exports: the clean letter and the reviewer's copy as PDFs, read back with MuPDF", "[workflows][drafts]") {
  ThreeAuthors f;
  f.drafts.mark_reviewed(f.actor("tess"), f.ref).value();
  f.drafts.edit_fragment(f.actor("carla"), f.ref, f.b, "In 2025 there were 135 cases in the region.").value();
  f.drafts.add_fragment(f.actor("carla"), f.ref, {"Closing", "paragraph", "Yours sincerely,", Provenance::written, {}, {}}).value();

  auto final_pdf = f.drafts.export_pdf(f.actor("carla"), f.ref, "final").value();
  std::string text = test::pdf_text(final_pdf.pdf);
  CHECK(text.find("Thank you for your letter of 2 March") != std::string::npos);
  CHECK(text.find("135 cases") != std::string::npos);
  CHECK(text.find("120") == std::string::npos);           // the clean letter has no deleted text
  CHECK(text.find("colin") == std::string::npos);         // and no author labels
  CHECK(text.find("Yours sincerely,") != std::string::npos);

  auto review = f.drafts.export_pdf(f.actor("carla"), f.ref, "review").value();
  std::string rtext = test::pdf_text(review.pdf);
  CHECK(rtext.find("Reviewer's copy") != std::string::npos);
  CHECK(rtext.find("colin") != std::string::npos);        // authors in the margin
  CHECK(rtext.find("olive") != std::string::npos);
  CHECK(rtext.find("carla") != std::string::npos);
  CHECK(rtext.find("120") != std::string::npos);          // the removed figure, struck through
  CHECK(rtext.find("135") != std::string::npos);
  CHECK(rtext.find("since the last review") != std::string::npos);

  // Both stored as versions of one document linked to the draft.
  CHECK(final_pdf.document_id == review.document_id);
  auto doc = f.store->catalog->get_document(review.document_id).value();
  REQUIRE(doc.versions.size() == 2);
  CHECK(doc.metadata["draft"] == f.drafts.get(f.actor("carla"), f.ref).value().id);
  CHECK(doc.versions[0].metadata["export"] == "final");
  CHECK(doc.versions[1].metadata["export"] == "review");
  CHECK(doc.versions[1].media_type == "application/pdf");
  CHECK(count_audit(*f.store, "draft.export") == 2);
  // Contributors and reviewers do not export.
  CHECK(f.drafts.export_pdf(f.actor("colin"), f.ref, "final").error().kind == ErrorKind::forbidden);

  // The reviewer's copy's model: changed blocks flagged, inserted and deleted runs marked.
  ExportInput in;
  in.reference = f.ref;
  in.revision = 5;
  in.reviewed_revision = 3;
  in.fragments.push_back({"frg_1", "Same words here.", {"carla"}, std::string("Same words here.")});
  in.fragments.push_back({"frg_2", "There were 135 cases.", {"colin", "carla"}, std::string("There were 120 cases.")});
  auto model = reviewer_copy(in);
  REQUIRE(model.blocks.size() == 2);
  CHECK_FALSE(model.blocks[0].changed_since_review);
  CHECK(model.blocks[1].changed_since_review);
  CHECK(model.blocks[1].margin_labels == std::vector<std::string>{"colin", "carla"});
  bool deleted = false, inserted = false;
  for (const auto& r : model.blocks[1].runs) {
    deleted |= r.change == rich_pdf::Change::deleted && r.text.find("120") != std::string::npos;
    inserted |= r.change == rich_pdf::Change::inserted && r.text.find("135") != std::string::npos;
  }
  CHECK(deleted);
  CHECK(inserted);
}
