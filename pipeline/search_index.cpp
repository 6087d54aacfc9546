#include "pipeline/search_index.h"

#include <algorithm>
#include <cctype>

namespace redbox::pipeline {
namespace {

constexpr std::size_t kMaxQueryBytes = 1000;
constexpr std::size_t kMaxTerms = 32;

struct Translated {
  std::string fts;
  std::size_t terms = 0;
};

bool is_operator(std::string_view token) { return token == "OR" || token == "AND" || token == "NOT"; }

// A word is worth a term if it holds a letter or digit (bytes >= 0x80 are UTF-8 letters for
// this purpose: the index's unicode61 tokenizer keeps them).
bool has_word_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) != 0;
  });
}

// Inside an FTS5 string, a double quote is written twice; our phrases never contain one, but
// the escaping keeps the function safe on its own.
std::string fts_phrase(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

Result<Translated> translate(std::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return Error::invalid_input("the search is too long (at most " + std::to_string(kMaxQueryBytes) + " characters)");
  }
  struct Token {
    std::string text;
    bool phrase = false;
    bool prefix = false;
  };
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < query.size()) {
    char c = query[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token t;
    if (c == '"') {
      std::size_t end = query.find('"', i + 1);
      if (end == std::string_view::npos) {
        return Error::invalid_input("the search has an unmatched double quote; close the phrase with another \"");
      }
      t.text = std::string(query.substr(i + 1, end - i - 1));
      t.phrase = true;
      i = end + 1;
      if (i < query.size() && query[i] == '*') {
        t.prefix = true;
        ++i;
      }
    } else {
      std::size_t end = i;
      while (end < query.size() && query[end] != ' ' && query[end] != '\t' && query[end] != '\n' &&
             query[end] != '\r' && query[end] != '"') {
        ++end;
      }
      t.text = std::string(query.substr(i, end - i));
      i = end;
      if (!t.text.empty() && t.text.back() == '*') {
        t.prefix = true;
        t.text.pop_back();
      }
    }
    // Parentheses are not part of the language; treat them as punctuation.
    std::erase_if(t.text, [](char ch) { return ch == '(' || ch == ')'; });
    if (!t.phrase && is_operator(t.text)) {
      tokens.push_back(t);
      continue;
    }
    for (char& ch : t.text) {
      if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
    }
    if (has_word_character(t.text)) tokens.push_back(t);
  }

  Translated out;
  bool expect_term = true;  // at the start and after an operator
  std::string pending_operator;
  for (const auto& t : tokens) {
    bool op = !t.phrase && is_operator(t.text);
    if (op) {
      if (expect_term) {
        return Error::invalid_input("'" + t.text + "' must stand between two search terms");
      }
      pending_operator = t.text;
      expect_term = true;
      continue;
    }
    if (++out.terms > kMaxTerms) {
      return Error::invalid_input("the search has too many terms (at most " + std::to_string(kMaxTerms) + ")");
    }
    if (!out.fts.empty()) out.fts += pending_operator.empty() ? " AND " : " " + pending_operator + " ";
    pending_operator.clear();
    out.fts += fts_phrase(t.text);
    if (t.prefix) out.fts += '*';
    expect_term = false;
  }
  if (out.terms == 0) return Error::invalid_input("the search has no words to look for");
  if (expect_term) return Error::invalid_input("the search ends with an operator; add a term after it");
  return out;
}

// Snippets span line breaks of the page text; shown on one line.
std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

void index_pages(sql::Database& db, const std::string& document_id, const std::string& version_id,
                 const std::vector<std::string>& pages) {
  auto insert = db.prepare("INSERT INTO search_pages (text, document_id, version_id, page) VALUES (?, ?, ?, ?)");
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (!has_word_character(pages[i])) continue;
    insert.bind(1, pages[i]).bind(2, document_id).bind(3, version_id).bind(4, static_cast<std::int64_t>(i + 1)).run();
    insert.reset();
  }
}

void unindex_document(sql::Database& db, const std::string& document_id) {
  db.prepare("DELETE FROM search_pages WHERE document_id = ?").bind(1, document_id).run();
}

Result<std::string> to_fts_query(std::string_view user_query) {
  auto t = translate(user_query);
  if (!t) return t.error();
  return t->fts;
}

Result<SearchResults> search(const storage::Catalog& catalog, const SearchOptions& options) {
  auto translated = translate(options.query);
  if (!translated) return translated.error();
  const auto limit = static_cast<std::int64_t>(std::clamp<std::size_t>(options.limit, 1, 200));
  SearchResults results;
  results.terms = translated->terms;
  Status s = catalog.read([&](sql::Database& db) {
    // The snippet is taken from column 0 (text): 12 tokens around the best match.
    auto st = db.prepare(
        "SELECT p.document_id, p.version_id, p.page, "
        "       snippet(search_pages, 0, ?, ?, '…', 12), bm25(search_pages), d.file_name "
        "FROM search_pages p JOIN documents d ON d.id = p.document_id "
        "WHERE search_pages MATCH ? ORDER BY bm25(search_pages), p.rowid LIMIT ?");
    st.bind(1, options.highlight_start).bind(2, options.highlight_end).bind(3, translated->fts).bind(4, limit);
    while (st.step()) {
      SearchHit hit;
      hit.document_id = st.text(0);
      hit.version_id = st.text(1);
      hit.page = static_cast<int>(st.int64(2));
      hit.snippet = one_line(st.text(3));
      hit.score = st.real(4);
      hit.file_name = st.text(5);
      results.hits.push_back(std::move(hit));
    }
  });
  if (!s) return s.error();
  return results;
}

Status record_search(storage::Catalog& catalog, const std::string& actor, const std::string& via,
                     const SearchResults& results) {
  storage::AuditEvent event;
  event.actor = actor;
  event.action = "search.query";
  event.object = "search";
  event.details = {{"via", via}, {"terms", results.terms}, {"hits", results.hits.size()}};
  return catalog.record(event);
}

nlohmann::json to_json(const SearchHit& hit) {
  return {{"document_id", hit.document_id}, {"version_id", hit.version_id}, {"file_name", hit.file_name},
          {"page", hit.page},               {"snippet", hit.snippet},       {"score", hit.score}};
}

}  // namespace redbox::pipeline
