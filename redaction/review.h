// Redaction in the store: marks are data until released.
//
//   propose_marks     detectors / terms / regexes run over the document's text layer (the
//                     `searchable` version when one exists, else the original) and every match is
//                     stored as a PROPOSED mark (page, quads, detector, reason, author).
//   add_area_mark,    a person's own marks (accepted by their author unless asked to propose).
//   withhold_page
//   decide_marks      accept / reject, by mark ID or in bulk (one detector, one term, all).
//   list_marks        the marks with masked previews; with include_text the text under each mark
//                     is re-read from the source version (an audited view of unredacted content).
//   release           applies the ACCEPTED marks to the exact source version (run_redact_job),
//                     verification must pass, and stores in ONE catalog transaction: the `redacted`
//                     version (pair_of and derived_from = source), the redaction log and the
//                     requester schedule (CSV, PDF) as `derived` versions of it, the marks'
//                     released_in, document metadata redaction_status = "released", audit events.
//   mark_no_redaction_needed   reviewer's decision that nothing needs redacting:
//                     redaction_status = "not-needed".
//
// Marks never hold the text they cover: a salted hash (for bulk decisions by term or value, and
// to prove at release that the geometry still covers the proposed text) and a masked preview.
// Nothing here writes document text to the audit log or to logs.
//
// Every operation takes the open Store and the acting user's name (recorded in the catalog and
// the audit log); access control is the caller's (API policy; the CLI acts as operator "cli").
// Thread-safety: operations may run concurrently; each uses its own MuPDF context and catalog
// transactions. release re-checks in its transaction that the marks did not change meanwhile.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "redaction/detect_terms.h"
#include "redaction/marks.h"
#include "redaction/redaction_log.h"
#include "redaction/verify.h"
#include "storage/store.h"

namespace redbox::redaction {

enum class MarkStatus { proposed, accepted, rejected };
std::string_view to_string(MarkStatus status);
std::optional<MarkStatus> parse_mark_status(std::string_view text);

// The document metadata key the bundle helper reads, and its values.
inline constexpr const char* kRedactionStatusKey = "redaction_status";
inline constexpr const char* kStatusInReview = "in-review";
inline constexpr const char* kStatusReleased = "released";
inline constexpr const char* kStatusNotNeeded = "not-needed";

struct StoredMark {
  std::string id;  // "mrk_..."
  std::string document_id;
  std::string version_id;  // the version whose geometry the quads refer to
  int page = 0;            // 0-based
  MarkKind kind = MarkKind::text;
  std::vector<Quad> quads;
  std::string detector;  // detector name, "manual" for a person's marks
  std::string reason;
  std::optional<std::string> text_hash;  // text marks: SHA-256(salt || normalised text)
  std::optional<std::string> preview;    // text marks: masked, e.g. "J*** S****"
  std::vector<std::string> term_hashes;  // hashes of the term-list entries this match belongs to
  MarkStatus status = MarkStatus::proposed;
  std::string author;
  TimePoint created;
  std::optional<std::string> decided_by;
  std::optional<TimePoint> decided;
  std::optional<std::string> released_in;  // the last redacted version this mark was applied to
  std::optional<std::string> text;         // only from list_marks(include_text)

  nlohmann::json to_json() const;  // page 1-based; "text" only when filled
};

struct ReviewState {
  std::string document_id;
  std::optional<std::string> version_id;  // none before the first mark
  std::string redaction_status;           // "" when never reviewed
  std::vector<StoredMark> marks;          // oldest first
  int proposed = 0, accepted = 0, rejected = 0;
  nlohmann::json to_json() const;
};

struct ProposeOptions {
  bool uk_pii = false;                // all built-in UK detectors
  std::vector<TermEntry> terms;       // names of the data subject and third parties
  std::vector<std::string> regexes;   // free RE2 patterns
  std::string reason;                 // default reason code; empty: the detectors' default
};

struct ProposeResult {
  std::string version_id;
  int pages = 0;
  int found = 0;       // matches with page geometry
  int added = 0;       // new proposed marks
  int duplicates = 0;  // already stored (proposing twice adds nothing)
  std::map<std::string, int> by_detector;  // added marks per detector
  std::vector<PageNote> page_notes;        // pages that cannot be (fully) searched
  nlohmann::json to_json() const;
};

struct AreaRequest {
  int page = 0;  // 0-based
  Rect rect;     // MuPDF page space (points, origin top-left)
  std::string reason;
  bool proposed = false;  // true: store as proposed instead of accepted by its author
};

enum class Decision { accept, reject };

// Which marks a decision applies to. Explicit IDs change any mark; the bulk selectors apply to
// marks still PROPOSED (so "reject the two false positives, then accept all" works).
struct MarkSelector {
  std::vector<std::string> mark_ids;
  std::optional<std::string> detector;
  std::optional<std::string> term;  // a term-list name or a matched value (compared by hash)
  bool all = false;
};

struct DecisionResult {
  std::vector<std::string> changed;  // mark IDs whose status changed
  int unchanged = 0;                 // selected but already in that state
  nlohmann::json to_json() const;
};

struct ReleaseResult {
  storage::Version source;
  storage::Version redacted;
  storage::Version log;
  storage::Version schedule_csv;
  storage::Version schedule_pdf;
  int marks = 0;
  int pages = 0;
  int pages_with_marks = 0;
  std::vector<int> rasterised_pages;
  VerifyReport verification;
  nlohmann::json to_json() const;
};

Result<ProposeResult> propose_marks(storage::Store& store, const std::string& document_id,
                                    const ProposeOptions& options, const std::string& actor);
Result<StoredMark> add_area_mark(storage::Store& store, const std::string& document_id, const AreaRequest& area,
                                 const std::string& actor);
Result<StoredMark> withhold_page(storage::Store& store, const std::string& document_id, int page,
                                 const std::string& reason, const std::string& actor);
Result<DecisionResult> decide_marks(storage::Store& store, const std::string& document_id, Decision decision,
                                    const MarkSelector& selector, const std::string& actor);
// Audited: "redaction.marks.view", or "redaction.marks.view_text" with include_text.
Result<ReviewState> list_marks(storage::Store& store, const std::string& document_id, bool include_text,
                               const std::string& actor);
Status mark_no_redaction_needed(storage::Store& store, const std::string& document_id, const std::string& actor);
struct ReleaseOptions {
  bool label = false;  // print each mark's reason code in white inside boxes large enough for it
};

// conflict (409) while marks are undecided or none is accepted; corrupt when verification fails
// (naming page and mark IDs); nothing is stored unless everything succeeded.
Result<ReleaseResult> release(storage::Store& store, const std::string& document_id, const std::string& actor,
                              const ReleaseOptions& options = {});

}  // namespace redbox::redaction
