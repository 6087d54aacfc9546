// SQL of the review store (tables created by the "redaction review" migration in
// storage/detail/catalog_schema.cpp). Called only inside Catalog::write / Catalog::read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/sqlite.h"
#include "redaction/review.h"
#include "storage/catalog.h"

namespace redbox::redaction::detail {

struct ReviewRow {
  std::string document_id;
  std::string version_id;
  std::string salt;  // 32 hex characters
};

std::optional<ReviewRow> load_review(sql::Database& db, const std::string& document_id);
// Creates the review row on first use with new_salt. An existing review keeps its salt (conflict
// if the caller hashed with another: a concurrent first proposal won the race); its version moves
// to version_id only when no mark of the old version is still proposed or accepted (conflict
// otherwise: those marks' geometry belongs to the old version).
ReviewRow ensure_review(sql::Database& db, const std::string& document_id, const std::string& version_id,
                        const std::string& new_salt, const std::string& actor, TimePoint now);

std::vector<StoredMark> load_marks(sql::Database& db, const std::string& document_id);
// False when an identical mark (same version, page, kind, detector, quads) already exists.
bool insert_mark(sql::Database& db, const StoredMark& mark);
void record_decision(sql::Database& db, const std::string& mark_id, MarkStatus status, const std::string& actor,
                     TimePoint now, std::int64_t audit_seq);
void set_released_in(sql::Database& db, const std::string& mark_id, const std::string& version_id);

// Merges patch into the document's metadata with the same semantics and audit event as
// Catalog::update_metadata, inside the caller's transaction.
void patch_document_metadata(storage::CatalogWriter& w, const std::string& document_id, const nlohmann::json& patch,
                             const std::string& actor);
std::string document_redaction_status(sql::Database& db, const std::string& document_id);

nlohmann::json quads_to_json(const std::vector<Quad>& quads);
std::vector<Quad> quads_from_json(const nlohmann::json& j);

}  // namespace redbox::redaction::detail
