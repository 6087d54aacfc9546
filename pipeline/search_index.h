// Full-text search over every stored document's text: one SQLite FTS5 row per page
// (`search_pages` in the catalog database, created by the catalog's migrations), ranked with
// BM25, with a snippet and the page number of each hit.
//
// Pages are indexed inside the same catalog transaction that stores the document's text
// version (intake's JobContext::commit), so a document is findable exactly when it exists.
//
// Queries use a small, forgiving language that never reaches FTS5's own syntax unchecked:
//   words                 every word must appear on the page (AND)
//   "a phrase"            the words next to each other
//   word*                 prefix
//   a OR b, a NOT b       operators in capitals, between two terms
// Punctuation inside a word splits it the way the index does ("TO2026/00123" finds the page with
// that reference). Malformed queries (unmatched quote, dangling operator, nothing to look for)
// are invalid_input with a message that says what to fix.
//
// Search results are personal data: callers check the caller's rights and record every search
// with record_search() (never the query text).
//
// Thread-safety: free functions over a Catalog (which is thread-safe).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/sqlite.h"
#include "storage/catalog.h"

namespace redbox::pipeline {

// Adds one row per page (page numbers from 1) for a document's text version. Call inside a
// catalog write transaction (CatalogWriter::db()). Empty pages are not indexed.
void index_pages(sql::Database& db, const std::string& document_id, const std::string& version_id,
                 const std::vector<std::string>& pages);

// Removes every indexed page of a document (before re-indexing it).
void unindex_document(sql::Database& db, const std::string& document_id);

// The user's query as an FTS5 expression; invalid_input naming the problem.
Result<std::string> to_fts_query(std::string_view user_query);

struct SearchOptions {
  std::string query;
  std::size_t limit = 20;          // clamped to [1, 200]
  std::string highlight_start = "[";
  std::string highlight_end = "]";
};

struct SearchHit {
  std::string document_id;
  std::string version_id;      // the text version the page came from
  std::string file_name;
  int page = 0;                // 1-based
  std::string snippet;         // a few words around the match, matches between the highlight marks
  double score = 0;            // BM25: lower is better (SQLite's convention)
};

struct SearchResults {
  std::vector<SearchHit> hits;  // best first
  std::size_t terms = 0;        // how many terms the query had (for the audit record)
};

Result<SearchResults> search(const storage::Catalog& catalog, const SearchOptions& options);

// "search.query" audit event: who searched, through what, how many terms and hits; never the
// query text (it may be a person's name).
Status record_search(storage::Catalog& catalog, const std::string& actor, const std::string& via,
                     const SearchResults& results);

nlohmann::json to_json(const SearchHit& hit);

}  // namespace redbox::pipeline
