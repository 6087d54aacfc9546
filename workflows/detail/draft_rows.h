// Row-level access to the draft tables (internal to workflows/): who may do what on a case's
// draft, loading versions and revision layouts, writing a version with its attribution and a
// new revision with its audit event. Callers run these inside Catalog::write / Catalog::read.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "storage/catalog.h"
#include "workflows/case_store.h"
#include "workflows/draft_store.h"

namespace redbox::workflows::detail {

enum class DraftAccess { none, contributor, reader, editor, owner };
std::string_view to_string(DraftAccess a);

struct DraftRow {
  std::string id;
  std::string title;
  int revision = 0;
  int reviewed_revision = 0;
};

struct DraftScope {
  Case kase;
  DraftRow draft;                     // id empty when the case has no draft yet
  DraftAccess access = DraftAccess::none;
  std::set<std::string> fragments;    // contributor: the fragments asked of them
  std::set<std::string> editable;     // contributor: fragments with an open request (requested/returned)
  bool may_see(const std::string& fragment_id) const { return access > DraftAccess::contributor || fragments.count(fragment_id) > 0; }
  bool may_edit(const std::string& fragment_id) const { return access >= DraftAccess::editor || editable.count(fragment_id) > 0; }
};

// Loads the case (not_found) and the actor's access; forbidden unless at least `needed`
// (a contributor passes when needed is contributor). require_draft: not_found when no draft.
DraftScope open_scope(sql::Database& db, const Actor& actor, const std::string& case_ref, DraftAccess needed, bool require_draft = true);
void require_fragment_visible(const DraftScope& s, const Actor& actor, const std::string& fragment_id);
void require_fragment_editable(const DraftScope& s, const Actor& actor, const std::string& fragment_id);

DraftCaseContext case_context(const Case& c);

// The fragments (version vids in order) of a revision; not_found if there is no such revision.
std::vector<std::int64_t> layout_at(sql::Database& db, const std::string& draft_id, int revision);
FragmentVersion load_version(sql::Database& db, std::int64_t vid);
std::vector<std::int64_t> load_attribution(sql::Database& db, std::int64_t vid);
FragmentVersion version_by_num(sql::Database& db, const std::string& fragment_id, int num);
int latest_version_num(sql::Database& db, const std::string& fragment_id);
// Fragment id -> (title, kind).
std::pair<std::string, std::string> fragment_meta(sql::Database& db, const std::string& draft_id, const std::string& fragment_id);

// Writes a new version of a fragment at draft revision `revision` (attribution from the
// previous version, or an earlier version with the same text); returns its vid.
std::int64_t insert_version(sql::Database& db, const std::string& fragment_id, const std::string& text, const std::string& author,
                            const std::string& now, Provenance provenance, const nlohmann::json& source, int revision,
                            std::optional<std::int64_t> attribution_from = std::nullopt);

// Records revision draft.revision+1 with this layout, bumps the draft, and audits
// "draft.<action>" with the details (never text).
int next_revision(storage::CatalogWriter& w, DraftRow& draft, const Case& c, const std::string& actor, const std::string& action,
                  const std::string& fragment_id, const std::vector<std::int64_t>& layout, nlohmann::json details = nlohmann::json::object());

// Audits a draft change that makes no revision (comments, requests, reviews).
void audit_draft(storage::CatalogWriter& w, const Case& c, const std::string& draft_id, const std::string& actor, const std::string& action,
                 nlohmann::json details = nlohmann::json::object());

// A forbidden outcome is recorded as "draft.refused" (outside the rolled-back transaction).
void record_draft_refusal(storage::Catalog& catalog, const Status& outcome, const Actor& actor, const std::string& case_ref,
                          const std::string& operation);

std::string encode_attribution(const std::vector<std::int64_t>& vids);
std::vector<std::int64_t> decode_attribution(const std::string& bytes);

}  // namespace redbox::workflows::detail
