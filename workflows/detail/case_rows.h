// Row-level access to the case tables (internal to workflows/): loading a case with its
// documents, links and participants, saving its mutable columns, and appending a history event
// together with its audit event. Callers run these inside Catalog::write / Catalog::read.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/sqlite.h"
#include "storage/catalog.h"
#include "workflows/case_store.h"

namespace redbox::workflows::detail {

// By id or reference; not_found naming what was asked for.
Case load_case(sql::Database& db, const std::string& id_or_reference);
std::string case_id_for(sql::Database& db, const std::string& id_or_reference);
void load_relations(sql::Database& db, Case& c);
void insert_case(sql::Database& db, const Case& c);
void save_case(sql::Database& db, const Case& c);

struct EventInput {
  std::string actor;
  std::string role;
  std::string action;        // "create", "transition:accept", "comment", "allocation.accept"...
  std::string from_stage;
  std::string to_stage;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
};
// One case_events row and one audit event ("case.<action head>", object the case id).
void add_event(storage::CatalogWriter& w, const Case& c, const EventInput& e);

void add_participant(sql::Database& db, const std::string& case_id, const std::string& user, const std::string& part,
                     const std::string& since);
void add_link(sql::Database& db, const std::string& a, const std::string& b, const std::string& kind,
              const std::string& created);
bool is_participant(sql::Database& db, const std::string& case_id, const std::string& user);

// Next number of a type's reference sequence for a year (1, 2, 3...).
std::uint64_t next_sequence(sql::Database& db, const std::string& type, int year);

}  // namespace redbox::workflows::detail
