#include "redaction/review.h"

#include <algorithm>
#include <set>

#include "common/files.h"
#include "common/ids.h"
#include "common/mupdf.h"
#include "redaction/detail/review_db.h"
#include "redaction/detail/review_text.h"
#include "redaction/detect.h"
#include "redaction/page_text.h"
#include "redaction/reasons.h"
#include "redaction/redact_job.h"
#include "redaction/schedule_pdf.h"

namespace redbox::redaction {

std::string_view to_string(MarkStatus status) {
  switch (status) {
    case MarkStatus::proposed: return "proposed";
    case MarkStatus::accepted: return "accepted";
    case MarkStatus::rejected: return "rejected";
  }
  return "proposed";
}

std::optional<MarkStatus> parse_mark_status(std::string_view text) {
  if (text == "proposed") return MarkStatus::proposed;
  if (text == "accepted") return MarkStatus::accepted;
  if (text == "rejected") return MarkStatus::rejected;
  return std::nullopt;
}

nlohmann::json StoredMark::to_json() const {
  nlohmann::json rects = nlohmann::json::array();
  for (const Quad& q : quads) {
    Rect r = q.bounds();
    rects.push_back({r.x0, r.y0, r.x1, r.y1});
  }
  nlohmann::json j = {{"id", id},
                      {"version", version_id},
                      {"page", page + 1},
                      {"kind", std::string(redaction::to_string(kind))},
                      {"rects", rects},
                      {"quads", detail::quads_to_json(quads)},
                      {"detector", detector},
                      {"reason", reason},
                      {"status", std::string(redaction::to_string(status))},
                      {"author", author},
                      {"created", format_utc(created)}};
  j["preview"] = preview ? nlohmann::json(*preview) : nlohmann::json(nullptr);
  j["decided_by"] = decided_by ? nlohmann::json(*decided_by) : nlohmann::json(nullptr);
  j["decided"] = decided ? nlohmann::json(format_utc(*decided)) : nlohmann::json(nullptr);
  j["released_in"] = released_in ? nlohmann::json(*released_in) : nlohmann::json(nullptr);
  j["term_matched"] = !term_hashes.empty();
  if (text) j["text"] = *text;
  return j;
}

nlohmann::json ReviewState::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : marks) list.push_back(m.to_json());
  return {{"document", document_id},
          {"version", version_id ? nlohmann::json(*version_id) : nlohmann::json(nullptr)},
          {"redaction_status", redaction_status},
          {"counts", {{"proposed", proposed}, {"accepted", accepted}, {"rejected", rejected}}},
          {"marks", list}};
}

nlohmann::json ProposeResult::to_json() const {
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : page_notes) notes.push_back({{"page", n.page + 1}, {"note", n.note}});
  return {{"version", version_id}, {"pages", pages},          {"found", found},        {"added", added},
          {"duplicates", duplicates}, {"by_detector", by_detector}, {"page_notes", notes}};
}

nlohmann::json DecisionResult::to_json() const { return {{"changed", changed}, {"unchanged", unchanged}}; }

namespace {

nlohmann::json version_json(const storage::Version& v) {
  return {{"id", v.id}, {"kind", std::string(storage::to_string(v.kind))}, {"sha256", v.sha256}, {"size", v.size}};
}

}  // namespace

nlohmann::json ReleaseResult::to_json() const {
  nlohmann::json raster = nlohmann::json::array();
  for (int p : rasterised_pages) raster.push_back(p + 1);
  return {{"source", version_json(source)},
          {"redacted", version_json(redacted)},
          {"log", version_json(log)},
          {"schedule_csv", version_json(schedule_csv)},
          {"schedule_pdf", version_json(schedule_pdf)},
          {"marks", marks},
          {"pages", pages},
          {"pages_with_marks", pages_with_marks},
          {"rasterised_pages", raster},
          {"verification",
           {{"passed", verification.passed()},
            {"pages_checked", verification.pages_checked},
            {"marks_checked", verification.marks_checked},
            {"streams_scanned", verification.streams_scanned},
            {"strings_scanned", verification.strings_scanned}}}};
}

namespace {

namespace fs = std::filesystem;
using storage::Store;
using storage::Version;
using storage::VersionKind;

storage::Document load_document(Store& store, const std::string& document_id) {
  if (!is_id(document_id, "doc")) fail(Error::not_found("no document " + document_id));
  return store.catalog->get_document(document_id).value();
}

// The version whose text layer marks refer to: the newest searchable version (a scan's invisible
// OCR text), else the original.
Version text_layer_version(const storage::Document& doc) {
  const Version* original = nullptr;
  const Version* searchable = nullptr;
  for (const Version& v : doc.versions) {
    if (v.kind == VersionKind::original) original = &v;
    if (v.kind == VersionKind::searchable) searchable = &v;  // oldest first: the last is the newest
  }
  const Version* chosen = searchable != nullptr ? searchable : original;
  if (chosen == nullptr) fail(Error::corrupt("document " + doc.id + " has no original version"));
  return *chosen;
}

const Version& version_of(const storage::Document& doc, const std::string& version_id) {
  for (const Version& v : doc.versions) {
    if (v.id == version_id) return v;
  }
  fail(Error::corrupt("document " + doc.id + " has no version " + version_id + " (named by its redaction review)"));
}

// A verified copy of a version's bytes in a private temporary folder, named by the version ID
// (never the document's file name, which may itself be personal data).
struct SourceCopy {
  TempDir dir;
  fs::path path;
};

SourceCopy copy_source(Store& store, const Version& v) {
  if (v.media_type != "application/pdf") {
    fail(Error::unsupported("version " + v.id + " is " + (v.media_type.empty() ? "of unknown type" : v.media_type) +
                            "; only PDF versions can be redacted (OCR a scan into a searchable PDF first)"));
  }
  SourceCopy copy{TempDir::create("redbox-review-").value(), {}};
  copy.path = copy.dir.path() / (v.id + ".pdf");
  if (Status s = store.blobs->copy_to_file(v.sha256, copy.path); !s.ok()) fail(s.error().within("version " + v.id));
  return copy;
}

void check_reason(const std::string& reason) {
  const auto& codes = default_reason_codes();
  if (std::find(codes.begin(), codes.end(), reason) == codes.end()) {
    fail(Error::invalid_input("reason code '" + reason + "' is not in the reason code list (see redaction/reasons)"));
  }
}

struct PageGeometry {
  int pages = 0;
  Rect bounds;  // of the requested page
};

PageGeometry page_geometry(const fs::path& pdf, int page) {
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document(ctx, pdf);
  PageGeometry g;
  g.pages = mu::page_count(ctx, doc);
  if (page < 0 || page >= g.pages) {
    fail(Error::invalid_input("page " + std::to_string(page + 1) + " does not exist: the document has " +
                              std::to_string(g.pages) + " page(s)"));
  }
  mu::Page p = mu::load_page(ctx, doc, page);
  fz_rect r = ctx.call("measuring page " + std::to_string(page + 1), [&] { return fz_bound_page(ctx, p.get()); });
  g.bounds = {r.x0, r.y0, r.x1, r.y1};
  return g;
}

std::string read_salt_or_new(Store& store, const std::string& document_id) {
  std::string salt;
  store.catalog->read([&](sql::Database& db) {
    if (auto r = detail::load_review(db, document_id)) salt = r->salt;
  }).throw_if_error();
  return salt.empty() ? random_hex(16) : salt;
}

storage::AuditEvent event(const std::string& actor, std::string action, const std::string& object,
                          nlohmann::json details) {
  storage::AuditEvent e;
  e.actor = actor;
  e.action = std::move(action);
  e.object = object;
  e.details = std::move(details);
  return e;
}

// Adds one mark a person drew (area or whole page).
StoredMark add_manual_mark(Store& store, const std::string& document_id, int page, MarkKind kind,
                           const std::optional<Rect>& rect, const std::string& reason, bool proposed,
                           const std::string& actor) {
  check_reason(reason);
  storage::Document doc = load_document(store, document_id);
  std::string review_version;
  store.catalog->read([&](sql::Database& db) {
    if (auto r = detail::load_review(db, document_id)) review_version = r->version_id;
  }).throw_if_error();
  const Version source = review_version.empty() ? text_layer_version(doc) : version_of(doc, review_version);
  SourceCopy copy = copy_source(store, source);
  PageGeometry g = page_geometry(copy.path, page);
  Rect area = g.bounds;
  if (rect) {
    if (rect->empty()) fail(Error::invalid_input("the rectangle has no area (need x1 > x0 and y1 > y0)"));
    area = {std::max(rect->x0, g.bounds.x0), std::max(rect->y0, g.bounds.y0), std::min(rect->x1, g.bounds.x1),
            std::min(rect->y1, g.bounds.y1)};
    if (area.empty()) fail(Error::invalid_input("the rectangle lies outside page " + std::to_string(page + 1)));
  }
  const std::string salt = read_salt_or_new(store, document_id);
  StoredMark m;
  m.id = new_id("mrk");
  m.document_id = document_id;
  m.version_id = source.id;
  m.page = page;
  m.kind = kind;
  m.quads = {Quad::from_rect(area)};
  m.detector = "manual";
  m.reason = reason;
  m.status = proposed ? MarkStatus::proposed : MarkStatus::accepted;
  m.author = actor;
  store.catalog->write([&](storage::CatalogWriter& w) {
    detail::ensure_review(w.db(), document_id, source.id, salt, actor, w.now());
    m.created = w.now();
    if (!detail::insert_mark(w.db(), m)) {
      fail(Error::conflict("an identical mark already exists on page " + std::to_string(page + 1)));
    }
    auto e = w.audit(event(actor, kind == MarkKind::whole_page ? "redaction.marks.withhold_page" : "redaction.marks.add_area",
                           document_id,
                           {{"mark", m.id}, {"version", source.id}, {"page", page + 1}, {"reason", reason},
                            {"status", std::string(to_string(m.status))}}));
    if (!proposed) {
      detail::record_decision(w.db(), m.id, MarkStatus::accepted, actor, w.now(), e.seq);
      m.decided_by = actor;
      m.decided = w.now();
    }
    detail::patch_document_metadata(w, document_id, {{kRedactionStatusKey, kStatusInReview}}, actor);
  }).throw_if_error();
  return m;
}

}  // namespace

Result<ProposeResult> propose_marks(Store& store, const std::string& document_id, const ProposeOptions& options,
                                    const std::string& actor) {
  return guard([&]() -> ProposeResult {
    if (!options.uk_pii && options.terms.empty() && options.regexes.empty()) {
      fail(Error::invalid_input("nothing to look for: give --detect uk-pii, --terms FILE or --regex RE"));
    }
    storage::Document doc = load_document(store, document_id);
    const Version source = text_layer_version(doc);

    DetectorOptions d;
    d.uk_pii = options.uk_pii;
    d.terms = options.terms;
    d.regexes = options.regexes;
    if (!options.reason.empty()) d.default_reason = options.reason;
    const DetectorSet detectors = DetectorSet::compile(d).value();
    // One single-term set per term-list entry, to record which entries each term match belongs
    // to (bulk decisions by term), as hashes.
    const std::string salt = read_salt_or_new(store, document_id);
    std::vector<std::pair<std::string, DetectorSet>> term_sets;
    for (const TermEntry& t : options.terms) {
      DetectorOptions one;
      one.uk_pii = false;
      one.enabled = {"term"};
      one.terms = {t};
      one.default_reason = d.default_reason;
      term_sets.emplace_back(detail::review_text_hash(salt, t.text), DetectorSet::compile(one).value());
    }

    SourceCopy copy = copy_source(store, source);
    ProposeResult result;
    result.version_id = source.id;
    std::vector<StoredMark> found;
    try {
      mu::Context ctx = mu::Context::create();
      mu::Document pdf = mu::open_document(ctx, copy.path);
      result.pages = mu::page_count(ctx, pdf);
      for (int p = 0; p < result.pages; ++p) {
        mu::Page page = mu::load_page(ctx, pdf, p);
        PageText text = PageText::extract(ctx, page.get());
        if (text.searchability() == Searchability::not_searchable || text.searchability() == Searchability::partly) {
          result.page_notes.push_back({p, std::string(to_string(text.searchability())) +
                                              ": text drawn as curves, scanned without OCR or without Unicode mapping "
                                              "cannot be found; review the page and use area marks or withholding"});
        }
        for (const TextMatch& match : detectors.find(text.text())) {
          std::vector<Mark> marks =
              text.marks_for(p, {TextHit{match.begin, match.end, match.detector, match.reason_code}}, d.default_reason, actor);
          if (marks.empty()) continue;
          const Mark& mk = marks.front();
          StoredMark m;
          m.id = new_id("mrk");
          m.document_id = document_id;
          m.version_id = source.id;
          m.page = p;
          m.kind = MarkKind::text;
          m.quads = mk.quads;
          m.detector = mk.source;
          m.reason = mk.reason;
          m.text_hash = detail::review_text_hash(salt, mk.text);
          m.preview = detail::masked_preview(mk.text);
          if (m.detector == "term") {
            for (const auto& [hash, set] : term_sets) {
              for (const TextMatch& tm : set.find(mk.text)) {
                if (tm.begin == 0 && tm.end == mk.text.size()) {
                  m.term_hashes.push_back(hash);
                  break;
                }
              }
            }
          }
          m.status = MarkStatus::proposed;
          m.author = actor;
          found.push_back(std::move(m));
        }
      }
    } catch (const Failure& f) {
      throw Failure(f.error().within("document " + document_id + ", version " + source.id));
    }
    result.found = static_cast<int>(found.size());

    store.catalog->write([&](storage::CatalogWriter& w) {
      result.added = 0;
      result.duplicates = 0;
      result.by_detector.clear();
      detail::ensure_review(w.db(), document_id, source.id, salt, actor, w.now());
      for (StoredMark& m : found) {
        m.created = w.now();
        if (detail::insert_mark(w.db(), m)) {
          ++result.added;
          ++result.by_detector[m.detector];
        } else {
          ++result.duplicates;
        }
      }
      nlohmann::json detectors_used = nlohmann::json::array();
      for (const auto& name : detectors.detector_names()) detectors_used.push_back(name);
      w.audit(event(actor, "redaction.marks.propose", document_id,
                    {{"version", source.id},
                     {"detectors", detectors_used},
                     {"terms", options.terms.size()},
                     {"regexes", options.regexes.size()},
                     {"added", result.added},
                     {"duplicates", result.duplicates},
                     {"by_detector", result.by_detector}}));
      if (result.added > 0) detail::patch_document_metadata(w, document_id, {{kRedactionStatusKey, kStatusInReview}}, actor);
    }).throw_if_error();
    return result;
  });
}

Result<StoredMark> add_area_mark(Store& store, const std::string& document_id, const AreaRequest& area,
                                 const std::string& actor) {
  return guard([&] {
    return add_manual_mark(store, document_id, area.page, MarkKind::area, area.rect, area.reason, area.proposed, actor);
  });
}

Result<StoredMark> withhold_page(Store& store, const std::string& document_id, int page, const std::string& reason,
                                 const std::string& actor) {
  return guard([&] {
    return add_manual_mark(store, document_id, page, MarkKind::whole_page, std::nullopt, reason, false, actor);
  });
}

Result<DecisionResult> decide_marks(Store& store, const std::string& document_id, Decision decision,
                                    const MarkSelector& selector, const std::string& actor) {
  return guard([&]() -> DecisionResult {
    const int selectors = (selector.mark_ids.empty() ? 0 : 1) + (selector.detector ? 1 : 0) + (selector.term ? 1 : 0) +
                          (selector.all ? 1 : 0);
    if (selectors != 1) fail(Error::invalid_input("choose the marks with exactly one of: mark IDs, a detector, a term, all"));
    load_document(store, document_id);
    const MarkStatus target = decision == Decision::accept ? MarkStatus::accepted : MarkStatus::rejected;
    DecisionResult result;
    store.catalog->write([&](storage::CatalogWriter& w) {
      result = {};
      auto review = detail::load_review(w.db(), document_id);
      if (!review) fail(Error::not_found("document " + document_id + " has no redaction marks"));
      std::vector<StoredMark> marks = detail::load_marks(w.db(), document_id);
      std::optional<std::string> term_hash;
      if (selector.term) term_hash = detail::review_text_hash(review->salt, *selector.term);
      std::vector<const StoredMark*> chosen;
      if (!selector.mark_ids.empty()) {
        for (const std::string& id : selector.mark_ids) {
          auto it = std::find_if(marks.begin(), marks.end(), [&](const StoredMark& m) { return m.id == id; });
          if (it == marks.end()) {
            std::string message = "document " + document_id;
            message += " has no mark " + id;
            fail(Error::not_found(message));
          }
          if (it->version_id != review->version_id) {
            fail(Error::conflict("mark " + id + " belongs to version " + it->version_id +
                                 ", not the version under review (" + review->version_id + ")"));
          }
          chosen.push_back(&*it);
        }
      } else {
        for (const StoredMark& m : marks) {
          if (m.version_id != review->version_id || m.status != MarkStatus::proposed) continue;
          bool match = selector.all || (selector.detector && m.detector == *selector.detector) ||
                       (term_hash && (m.text_hash == term_hash ||
                                      std::find(m.term_hashes.begin(), m.term_hashes.end(), *term_hash) != m.term_hashes.end()));
          if (match) chosen.push_back(&m);
        }
      }
      std::set<std::string> seen;
      for (const StoredMark* m : chosen) {
        if (!seen.insert(m->id).second) continue;
        if (m->status == target) ++result.unchanged;
        else result.changed.push_back(m->id);
      }
      if (result.changed.empty()) return;
      nlohmann::json how;
      if (!selector.mark_ids.empty()) how = {{"marks", "by id"}};
      else if (selector.detector) how = {{"detector", *selector.detector}};
      else if (term_hash) how = {{"term_sha256", *term_hash}};
      else how = {{"all_proposed", true}};
      auto e = w.audit(event(actor, decision == Decision::accept ? "redaction.marks.accept" : "redaction.marks.reject",
                             document_id,
                             {{"version", review->version_id}, {"selector", how}, {"marks", result.changed},
                              {"count", result.changed.size()}}));
      for (const std::string& id : result.changed) detail::record_decision(w.db(), id, target, actor, w.now(), e.seq);
    }).throw_if_error();
    return result;
  });
}

Result<ReviewState> list_marks(Store& store, const std::string& document_id, bool include_text,
                               const std::string& actor) {
  return guard([&]() -> ReviewState {
    storage::Document doc = load_document(store, document_id);
    ReviewState state;
    state.document_id = document_id;
    store.catalog->read([&](sql::Database& db) {
      if (auto r = detail::load_review(db, document_id)) state.version_id = r->version_id;
      state.marks = detail::load_marks(db, document_id);
      state.redaction_status = detail::document_redaction_status(db, document_id);
    }).throw_if_error();
    for (const auto& m : state.marks) {
      if (state.version_id && m.version_id != *state.version_id) continue;
      if (m.status == MarkStatus::proposed) ++state.proposed;
      if (m.status == MarkStatus::accepted) ++state.accepted;
      if (m.status == MarkStatus::rejected) ++state.rejected;
    }
    // The audit record comes first: a view of unredacted text that cannot be recorded does not
    // happen.
    store.catalog->record(event(actor, include_text ? "redaction.marks.view_text" : "redaction.marks.view", document_id,
                                {{"marks", state.marks.size()}, {"text", include_text}}))
        .throw_if_error();
    if (!include_text) return state;
    std::set<std::string> versions;
    for (const auto& m : state.marks) {
      if (m.kind == MarkKind::text) versions.insert(m.version_id);
    }
    for (const std::string& vid : versions) {
      SourceCopy copy = copy_source(store, version_of(doc, vid));
      mu::Context ctx = mu::Context::create();
      mu::Document pdf = mu::open_document(ctx, copy.path);
      const int pages = mu::page_count(ctx, pdf);
      std::optional<PageText> text;
      int loaded = -1;
      for (auto& m : state.marks) {
        if (m.version_id != vid || m.kind != MarkKind::text || m.page >= pages) continue;
        if (loaded != m.page) {
          mu::Page page = mu::load_page(ctx, pdf, m.page);
          text = PageText::extract(ctx, page.get());
          loaded = m.page;
        }
        m.text = detail::text_under(*text, m.quads);
      }
    }
    return state;
  });
}

Status mark_no_redaction_needed(Store& store, const std::string& document_id, const std::string& actor) {
  return guard([&] {
    load_document(store, document_id);
    store.catalog->write([&](storage::CatalogWriter& w) {
      int live = 0;
      if (auto review = detail::load_review(w.db(), document_id)) {
        for (const auto& m : detail::load_marks(w.db(), document_id)) {
          if (m.version_id == review->version_id && m.status != MarkStatus::rejected) ++live;
        }
      }
      if (live > 0) {
        fail(Error::conflict("document " + document_id + " has " + std::to_string(live) +
                             " proposed or accepted mark(s); reject them before deciding no redaction is needed"));
      }
      w.audit(event(actor, "redaction.not_needed", document_id, nlohmann::json::object()));
      detail::patch_document_metadata(w, document_id, {{kRedactionStatusKey, kStatusNotNeeded}}, actor);
    }).throw_if_error();
  });
}

namespace {

// The redaction log as stored: the engine's log plus, per mark, its ID and who accepted it when.
nlohmann::json stored_log(const RedactionLog& log, const std::vector<StoredMark>& accepted,
                          const std::string& document_id, const Version& source) {
  nlohmann::json j = log.to_json();
  j["document"] = document_id;
  j["source_version"] = {{"id", source.id}, {"kind", std::string(storage::to_string(source.kind))}};
  auto& marks = j["marks"];
  for (std::size_t i = 0; i < marks.size() && i < accepted.size(); ++i) {
    const StoredMark& m = accepted[i];
    marks[i]["mark_id"] = m.id;
    marks[i]["proposed"] = format_utc(m.created);
    marks[i]["reviewer"] = m.decided_by ? nlohmann::json(*m.decided_by) : nlohmann::json(nullptr);
    marks[i]["decided"] = m.decided ? nlohmann::json(format_utc(*m.decided)) : nlohmann::json(nullptr);
    if (m.text_hash) marks[i]["review_text_sha256"] = *m.text_hash;  // under the review's own salt
  }
  return j;
}

Version add_derived(storage::CatalogWriter& w, const std::string& document_id, const storage::BlobRef& blob,
                    const std::string& media_type, const std::string& derived_from, const std::string& purpose,
                    const std::string& actor) {
  storage::NewVersion v;
  v.kind = VersionKind::derived;
  v.sha256 = blob.sha256;
  v.size = blob.size;
  v.media_type = media_type;
  v.derived_from = derived_from;
  v.metadata = {{"purpose", purpose}};
  return w.add_version(document_id, v, actor);
}

}  // namespace

Result<ReleaseResult> release(Store& store, const std::string& document_id, const std::string& actor,
                              const ReleaseOptions& options) {
  return guard([&]() -> ReleaseResult {
    storage::Document doc = load_document(store, document_id);
    std::optional<detail::ReviewRow> review;
    std::vector<StoredMark> marks;
    store.catalog->read([&](sql::Database& db) {
      review = detail::load_review(db, document_id);
      marks = detail::load_marks(db, document_id);
    }).throw_if_error();
    if (!review) fail(Error::conflict("document " + document_id + " has no redaction marks to release"));
    std::vector<StoredMark> accepted;
    int proposed = 0;
    for (const StoredMark& m : marks) {
      if (m.version_id != review->version_id) continue;
      if (m.status == MarkStatus::proposed) ++proposed;
      if (m.status == MarkStatus::accepted) accepted.push_back(m);
    }
    if (proposed > 0) {
      fail(Error::conflict("document " + document_id + " still has " + std::to_string(proposed) +
                           " proposed mark(s) awaiting a decision; accept or reject them before release"));
    }
    if (accepted.empty()) {
      fail(Error::conflict("document " + document_id +
                           " has no accepted marks; if nothing needs redacting, record that with no-redaction-needed"));
    }
    const Version source = version_of(doc, review->version_id);
    SourceCopy copy = copy_source(store, source);

    // Re-derive each text mark's value from the source (marks hold only its hash), proving the
    // geometry still covers exactly what was proposed; verification then looks for that value.
    std::vector<Mark> engine_marks;
    try {
      mu::Context ctx = mu::Context::create();
      mu::Document pdf = mu::open_document(ctx, copy.path);
      const int pages = mu::page_count(ctx, pdf);
      std::optional<PageText> text;
      int loaded = -1;
      for (const StoredMark& m : accepted) {
        if (m.page >= pages) fail(Error::corrupt("mark " + m.id + " names page " + std::to_string(m.page + 1) + ", which version " + source.id + " does not have"));
        Mark e;
        e.page = m.page;
        e.kind = m.kind;
        e.quads = m.quads;
        e.source = m.detector;
        e.reason = m.reason;
        e.author = m.author;
        if (m.kind == MarkKind::text) {
          if (loaded != m.page) {
            mu::Page page = mu::load_page(ctx, pdf, m.page);
            text = PageText::extract(ctx, page.get());
            loaded = m.page;
          }
          e.text = detail::text_under(*text, m.quads);
          if (!m.text_hash || detail::review_text_hash(review->salt, e.text) != *m.text_hash) {
            fail(Error::corrupt("mark " + m.id + " on page " + std::to_string(m.page + 1) +
                                ": the text under its quads is not the text that was proposed; propose again"));
          }
        }
        engine_marks.push_back(std::move(e));
      }
    } catch (const Failure& f) {
      throw Failure(f.error().within("document " + document_id + ", version " + source.id));
    }

    RedactOptions o;
    o.input = copy.path;
    o.output = copy.dir.path() / "redacted.pdf";
    o.extra_marks = engine_marks;
    o.author = actor;
    o.label = options.label;
    auto redacted = run_redact_job(o);
    if (!redacted) {
      std::string legend;
      for (std::size_t i = 0; i < accepted.size() && i < 50; ++i) {
        legend += "\n  mark " + std::to_string(i + 1) + " = " + accepted[i].id;
      }
      fail(Error{redacted.error().kind, "release of " + document_id + " failed: " + redacted.error().message +
                                            (legend.empty() ? "" : "\nmark numbers above:" + legend)});
    }
    RedactResult& r = redacted.value();

    const std::string log_json = stored_log(r.log, accepted, document_id, source).dump(2) + "\n";
    const std::string schedule_csv = r.log.schedule_csv();
    const std::string schedule = schedule_pdf(r.log, "Schedule of redactions").value();
    const storage::BlobRef pdf_blob = store.blobs->put_file(o.output).value();
    const storage::BlobRef log_blob = store.blobs->put(log_json).value();
    const storage::BlobRef csv_blob = store.blobs->put(schedule_csv).value();
    const storage::BlobRef schedule_blob = store.blobs->put(schedule).value();

    ReleaseResult result;
    result.source = source;
    result.marks = static_cast<int>(accepted.size());
    result.pages = r.pages;
    result.pages_with_marks = r.pages_with_marks;
    result.rasterised_pages = r.rasterised_pages;
    result.verification = r.verification;
    nlohmann::json raster = nlohmann::json::array();
    for (int p : r.rasterised_pages) raster.push_back(p + 1);

    store.catalog->write([&](storage::CatalogWriter& w) {
      // The marks must be exactly those redacted: a decision taken meanwhile means run again.
      auto now_review = detail::load_review(w.db(), document_id);
      std::set<std::string> now_accepted;
      int now_proposed = 0;
      for (const StoredMark& m : detail::load_marks(w.db(), document_id)) {
        if (!now_review || m.version_id != now_review->version_id) continue;
        if (m.status == MarkStatus::accepted) now_accepted.insert(m.id);
        if (m.status == MarkStatus::proposed) ++now_proposed;
      }
      std::set<std::string> used;
      for (const StoredMark& m : accepted) used.insert(m.id);
      if (!now_review || now_review->version_id != review->version_id || now_proposed > 0 || now_accepted != used) {
        fail(Error::conflict("the marks of document " + document_id + " changed while it was being redacted; release again"));
      }
      storage::NewVersion v;
      v.kind = VersionKind::redacted;
      v.sha256 = pdf_blob.sha256;
      v.size = pdf_blob.size;
      v.media_type = "application/pdf";
      v.page_count = r.pages;
      v.derived_from = source.id;
      v.pair_of = source.id;
      v.metadata = {{"redaction",
                     {{"marks", accepted.size()},
                      {"pages_with_marks", r.pages_with_marks},
                      {"labels", options.label},
                      {"rasterised_pages", raster},
                      {"verification",
                       {{"passed", r.verification.passed()},
                        {"pages_checked", r.verification.pages_checked},
                        {"marks_checked", r.verification.marks_checked},
                        {"streams_scanned", r.verification.streams_scanned},
                        {"strings_scanned", r.verification.strings_scanned}}}}}};
      result.redacted = w.add_version(document_id, v, actor);
      result.log = add_derived(w, document_id, log_blob, "application/json", result.redacted.id, "redaction-log", actor);
      result.schedule_csv = add_derived(w, document_id, csv_blob, "text/csv", result.redacted.id, "redaction-schedule-csv", actor);
      result.schedule_pdf = add_derived(w, document_id, schedule_blob, "application/pdf", result.redacted.id,
                                        "redaction-schedule-pdf", actor);
      for (const StoredMark& m : accepted) detail::set_released_in(w.db(), m.id, result.redacted.id);
      w.audit(event(actor, "redaction.release", document_id,
                    {{"source_version", source.id},
                     {"redacted_version", result.redacted.id},
                     {"log_version", result.log.id},
                     {"schedule_csv_version", result.schedule_csv.id},
                     {"schedule_pdf_version", result.schedule_pdf.id},
                     {"marks", accepted.size()},
                     {"pages_with_marks", r.pages_with_marks},
                     {"rasterised_pages", raster},
                     {"verification_passed", r.verification.passed()}}));
      detail::patch_document_metadata(w, document_id,
                                      {{kRedactionStatusKey, kStatusReleased}, {"redacted_version", result.redacted.id}},
                                      actor);
    }).throw_if_error();
    return result;
  });
}

}  // namespace redbox::redaction
