// The draft service's shared operations (internal to workflows/): transactions with refusal
// auditing, views of a revision, adding and editing fragments, blame and comparison.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_store.h"

namespace redbox::workflows::detail {

// Runs fn in a catalog write transaction; a forbidden outcome is audited as draft.refused.
template <typename T, typename Fn>
Result<T> draft_write(storage::Store& store, const Actor& actor, const std::string& case_ref, const std::string& operation, Fn&& fn) {
  std::optional<T> out;
  Status s = store.catalog->write([&](storage::CatalogWriter& w) { out.emplace(fn(w)); });
  record_draft_refusal(*store.catalog, s, actor, case_ref, operation);
  if (!s) return s.error();
  return std::move(*out);
}

template <typename T, typename Fn>
Result<T> draft_read(storage::Store& store, const Actor& actor, const std::string& case_ref, const std::string& operation, Fn&& fn) {
  std::optional<T> out;
  Status s = store.catalog->read([&](sql::Database& db) { out.emplace(fn(db)); });
  record_draft_refusal(*store.catalog, s, actor, case_ref, operation);
  if (!s) return s.error();
  return std::move(*out);
}

Draft draft_view(sql::Database& db, const DraftScope& s, int revision);
std::optional<std::size_t> find_in_layout(sql::Database& db, const std::vector<std::int64_t>& layout, const std::string& fragment_id);

Fragment add_fragment_in(storage::CatalogWriter& w, DraftScope& s, const Actor& actor, const NewFragment& f);
Fragment edit_fragment_in(storage::CatalogWriter& w, DraftScope& s, const Actor& actor, const std::string& fragment_id, const std::string& text,
                          Provenance provenance, const nlohmann::json& source, std::optional<std::int64_t> attribution_from,
                          const std::string& action);

Blame blame_at(sql::Database& db, const DraftScope& s, int revision);
Comparison compare_revisions(sql::Database& db, const DraftScope& s, int from, int to);

}  // namespace redbox::workflows::detail
