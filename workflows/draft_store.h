// Draft replies built from attributed fragments (workflows/README.md, "Drafts").
//
// A case has at most one draft: an ordered list of fragments (sections or paragraphs). Each
// fragment has versions; a version has its text (draft_text.h markup), its author, time and
// provenance (written in Redbox, from a template or pre-approved letter, imported from a
// document or an e-mail, the source staying linked). Every change to the fragments (add, edit,
// revert, move, remove) makes a new draft revision that records the fragments in order, so
// any two revisions can be compared and blame computed at any revision.
//
// Attribution: when a version is written, its words are diffed (word_diff.h) against the
// fragment's previous version and unchanged words keep their author; a text equal to an
// earlier version's (a revert, by hand or with revert()) takes that version's attribution
// back. The per-word attribution is stored with the version, so blame is a lookup.
//
// Who may do what (a refusal is forbidden and a "draft.refused" audit event):
//   owner   the case owner, admins, team leaders and the CLI operator: everything, including
//           asking for contributions, accepting and returning them, marking reviewed, exports
//   editor  users who see the case (admin, intake, caseworker; participants who are not
//           contributors or reviewers only): add, edit, move, remove fragments; comment
//   reader  reviewers who take part in the case: read, blame, compare, comment
//   contributor  users asked for a fragment: only those fragments and the case summary; they
//           edit their fragment while the request is requested or returned, and submit it.
// Every change is an audit event in the same transaction ("draft.*"); texts are never logged.
//
// Thread-safety: DraftService holds references to the Store (thread-safe), an immutable
// calendar and a Clock; callable from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "storage/store.h"
#include "workflows/calendar.h"
#include "workflows/case_store.h"
#include "workflows/date.h"

namespace redbox::workflows {

enum class Provenance { written, template_, letter, document, email };
std::string_view to_string(Provenance p);
Result<Provenance> parse_provenance(std::string_view text);

struct FragmentVersion {
  std::int64_t vid = 0;          // database row id (attribution refers to it)
  std::string fragment_id;
  int num = 0;                   // 1, 2, 3... within the fragment
  std::string text;
  std::string author;
  std::string created;
  Provenance provenance = Provenance::written;
  nlohmann::json source = nlohmann::json::object();  // {"template","version"} or {"document","version"}
  int revision = 0;              // the draft revision that made it
  nlohmann::json to_json(bool with_text = true) const;
};

struct Fragment {
  std::string id;                // "frg_..."
  std::string title;
  std::string kind;              // section, paragraph
  int position = 0;              // 0-based in the draft at that revision
  FragmentVersion version;       // the version in the draft at that revision
  std::vector<std::string> authors;  // of the words of that version, in order of first word
  nlohmann::json to_json() const;
};

// The case context a draft shows (no requester details: contributors see it too).
struct DraftCaseContext {
  std::string case_id;
  std::string reference;
  std::string type;
  std::string topic;
  std::string stage;
  std::string owner;
  std::string mp;
  std::string due;
  nlohmann::json to_json() const;
};

struct Draft {
  std::string id;                // "drf_..."
  std::string title;
  int revision = 0;              // shown revision
  int latest_revision = 0;
  int reviewed_revision = 0;
  std::string access;            // owner, editor, reader, contributor
  DraftCaseContext context;
  std::vector<Fragment> fragments;  // contributors: only theirs
  nlohmann::json to_json() const;
};

struct NewFragment {
  std::string title;
  std::string kind = "paragraph";
  std::string text;
  Provenance provenance = Provenance::written;
  nlohmann::json source = nlohmann::json::object();
  std::optional<int> position;   // default: at the end
};

struct BlameWord {
  std::string word;
  std::string author;
  int version = 0;               // the fragment version that wrote it
  int revision = 0;              // the draft revision of that version
  std::string time;
  Provenance provenance = Provenance::written;
};

struct BlameFragment {
  std::string fragment_id;
  std::string title;
  int version = 0;
  std::vector<BlameWord> words;
};

struct Blame {
  int revision = 0;
  std::vector<BlameFragment> fragments;
  nlohmann::json to_json() const;
  // One line per run of words by the same author: "[author v3 2026-03-02T10:00:00Z] words...".
  std::string report() const;
};

struct WordSegment {
  std::string kind;              // same, inserted, removed
  std::string text;
  std::vector<std::string> authors;  // inserted: who wrote them; removed: who edited in between
};

struct FragmentChange {
  std::string fragment_id;
  std::string title;
  std::string change;            // added, removed, moved, edited, moved+edited
  std::optional<int> from_position, to_position;
  std::optional<int> from_version, to_version;
  std::vector<std::string> authors;  // of the versions in between (added: of the fragment's words)
  std::vector<WordSegment> words;    // edited: word-level differences; added/removed: the whole text
  nlohmann::json to_json() const;
};

struct Comparison {
  int from = 0;
  int to = 0;
  std::vector<FragmentChange> changes;  // in the order of the later revision, removed ones after
  nlohmann::json to_json() const;
  std::string report() const;      // readable text
};

// Contribution requests.
enum class RequestState { requested, overdue, submitted, accepted, returned };
std::string_view to_string(RequestState s);

struct ContributionRequest {
  std::string id;                // "req_..."
  std::string fragment_id;
  std::string fragment_title;
  std::string contributor;
  std::string requested_by;
  std::string instructions;
  Date due;
  RequestState state = RequestState::requested;  // overdue computed from due and today
  std::string created;
  std::string updated;
  std::string note;              // the owner's note on return or acceptance
  nlohmann::json to_json() const;
};

struct NewRequest {
  std::string contributor;
  std::string instructions;
  Date due;
  std::string fragment_id;       // an existing fragment, or:
  std::string fragment_title;    // a new empty fragment with this title at the end
};

struct DraftComment {
  std::string id;                // "cmt_..."
  std::string fragment_id;
  std::string parent_id;
  int fragment_version = 0;
  std::optional<int> start_word, end_word;  // a span of words [start, end) of that version
  std::string quote;             // the words of the span (empty for the whole fragment)
  std::string author;
  std::string text;
  std::string created;
  std::string resolved;
  std::string resolved_by;
  std::vector<DraftComment> replies;
  nlohmann::json to_json() const;
};

struct NewComment {
  std::string fragment_id;
  std::string parent_id;         // a reply
  std::optional<int> start_word, end_word;
  std::string text;
};

struct ExportResult {
  std::string kind;              // final, review
  int revision = 0;
  std::string document_id;
  storage::Version version;
  std::string pdf;               // the bytes (also stored)
};

class DraftService {
 public:
  DraftService(storage::Store& store, const HolidayCalendar& calendar, const Clock& clock = SystemClock::instance());

  Result<Draft> create(const Actor& actor, const std::string& case_ref, const std::string& title);
  // The draft at a revision (default latest); a contributor sees only their fragments.
  Result<Draft> get(const Actor& actor, const std::string& case_ref, std::optional<int> revision = std::nullopt) const;

  Result<Fragment> add_fragment(const Actor& actor, const std::string& case_ref, const NewFragment& fragment);
  Result<Fragment> edit_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id, const std::string& text,
                                 Provenance provenance = Provenance::written, const nlohmann::json& source = nlohmann::json::object());
  // A new version with the text and attribution of version `to`.
  Result<Fragment> revert_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id, int to);
  Result<Draft> move_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id, int position);
  Result<Draft> remove_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id);
  Result<std::vector<FragmentVersion>> versions(const Actor& actor, const std::string& case_ref, const std::string& fragment_id) const;

  // Fragments from the library or a document.
  Result<Fragment> add_from_template(const Actor& actor, const std::string& case_ref, const std::string& template_id,
                                     std::optional<int> template_version, std::optional<int> position = std::nullopt);
  // Imports a document's text (text/plain or a PDF's text layer; an e-mail document gets the
  // email provenance), linking the document version.
  Result<Fragment> import_document(const Actor& actor, const std::string& case_ref, const std::string& document_id, const std::string& title,
                                   std::optional<int> position = std::nullopt);

  Result<Blame> blame(const Actor& actor, const std::string& case_ref, std::optional<int> revision = std::nullopt) const;
  Result<Comparison> compare(const Actor& actor, const std::string& case_ref, int from, int to) const;

  // Contribution requests.
  Result<ContributionRequest> request_contribution(const Actor& actor, const std::string& case_ref, const NewRequest& request);
  Result<std::vector<ContributionRequest>> requests(const Actor& actor, const std::string& case_ref) const;
  // The contributor hands in their fragment (optionally with a last text).
  Result<ContributionRequest> submit(const Actor& actor, const std::string& case_ref, const std::string& request_id,
                                     const std::optional<std::string>& text);
  Result<ContributionRequest> accept(const Actor& actor, const std::string& case_ref, const std::string& request_id, const std::string& note);
  Result<ContributionRequest> return_request(const Actor& actor, const std::string& case_ref, const std::string& request_id,
                                             const std::string& note);

  // Comments.
  Result<DraftComment> add_comment(const Actor& actor, const std::string& case_ref, const NewComment& comment);
  Result<DraftComment> resolve_comment(const Actor& actor, const std::string& case_ref, const std::string& comment_id);
  // Threads (top-level comments with their replies) on the fragments the actor may see.
  Result<std::vector<DraftComment>> comments(const Actor& actor, const std::string& case_ref, bool include_resolved = true) const;

  // The current revision becomes the "last review" the reviewer's copy shows changes since.
  Result<Draft> mark_reviewed(const Actor& actor, const std::string& case_ref);
  // kind "final" (clean letter) or "review" (authors in the margin, changes since the last
  // review); stored as a version of the draft's export document.
  Result<ExportResult> export_pdf(const Actor& actor, const std::string& case_ref, const std::string& kind);

  Date today() const;
  storage::Store& store() const { return store_; }
  const HolidayCalendar& calendar() const { return calendar_; }
  const Clock& clock() const { return clock_; }

 private:
  storage::Store& store_;
  const HolidayCalendar& calendar_;
  const Clock& clock_;
};

}  // namespace redbox::workflows
