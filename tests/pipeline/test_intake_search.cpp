// Full-text search: FTS5 rows per page in the catalog, ranking, snippets, page numbers, the
// query language and its errors, and the audit record.
#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "pipeline/search_index.h"
#include "storage/store.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::pipeline;

namespace {

// A document whose original is the given bytes, with its pages indexed, in one transaction.
std::string add_indexed(storage::Store& store, const std::string& name, const std::vector<std::string>& pages) {
  std::string joined;
  for (const auto& p : pages) joined += p + "\f";
  auto blob = store.blobs->put(joined).value();
  std::string id;
  store.catalog
      ->write([&](storage::CatalogWriter& w) {
        storage::NewDocument nd;
        nd.file_name = name;
        nd.original.sha256 = blob.sha256;
        nd.original.size = blob.size;
        nd.original.media_type = "text/plain";
        auto doc = w.create_document(nd, "test");
        id = doc.id;
        index_pages(w.db(), doc.id, doc.versions.front().id, pages);
      })
      .throw_if_error();
  return id;
}

}  // namespace

TEST_CASE("intake search: ranked page hits with snippets", "[intake][search]") {
  auto dir = test::temp_dir();
  auto store = storage::init_store(dir.path() / "data").value();
  const std::string housing = add_indexed(
      store, "housing.pdf",
      {"Dear Minister, I write about the housing benefit of my constituent.",
       "The housing benefit claim was refused; housing officers did not reply. Housing, housing, housing.",
       "Yours sincerely"});
  const std::string roads = add_indexed(store, "roads.pdf", {"Potholes on the A40 near Oxford.", "Café opening hours"});

  SearchOptions q;
  q.query = "housing";
  auto r = search(*store.catalog, q).value();
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].document_id == housing);
  CHECK(r.hits[0].page == 2);  // more occurrences rank higher
  CHECK(r.hits[1].page == 1);
  CHECK(r.hits[0].score <= r.hits[1].score);
  CHECK(r.hits[0].file_name == "housing.pdf");
  CHECK_THAT(r.hits[0].snippet, Catch::Contains("[housing]") || Catch::Contains("[Housing]"));

  q.query = "\"housing benefit\" refused";
  r = search(*store.catalog, q).value();
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].page == 2);

  q.query = "potholes OR sincerely";
  r = search(*store.catalog, q).value();
  CHECK(r.hits.size() == 2);

  q.query = "hous* NOT refused";
  r = search(*store.catalog, q).value();
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].page == 1);

  q.query = "cafe";  // diacritics folded
  r = search(*store.catalog, q).value();
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].document_id == roads);
  CHECK(r.hits[0].page == 2);

  q.query = "A40-near";  // punctuation splits like the index does
  CHECK(search(*store.catalog, q).value().hits.size() == 1);

  q.query = "unicorns";
  CHECK(search(*store.catalog, q).value().hits.empty());

  q.query = "housing";
  q.limit = 1;
  CHECK(search(*store.catalog, q).value().hits.size() == 1);

  SECTION("re-indexing a document replaces its rows") {
    store.catalog
        ->write([&](storage::CatalogWriter& w) {
          unindex_document(w.db(), housing);
          index_pages(w.db(), housing, "ver_x", {"only potholes now"});
        })
        .throw_if_error();
    q.query = "housing";
    q.limit = 20;
    CHECK(search(*store.catalog, q).value().hits.empty());
  }
}

TEST_CASE("intake search: malformed queries are invalid_input with a reason", "[intake][search]") {
  for (const char* bad : {"\"unclosed phrase", "OR housing", "housing NOT", "housing AND OR roads", "", "   ",
                          "!!! ... ---"}) {
    CAPTURE(bad);
    auto fts = to_fts_query(bad);
    REQUIRE_FALSE(fts.ok());
    CHECK(fts.error().kind == ErrorKind::invalid_input);
    CHECK_FALSE(fts.error().message.empty());
  }
  // FTS5 syntax characters never reach FTS5 raw.
  CHECK(to_fts_query("NEAR(a b) col:x ^start").value() == "\"NEARa\" AND \"b\" AND \"col:x\" AND \"^start\"");
  CHECK(to_fts_query("a OR b").value() == "\"a\" OR \"b\"");
  CHECK(to_fts_query("pre*").value() == "\"pre\"*");
  CHECK_FALSE(to_fts_query(std::string(2000, 'a')).ok());
}

TEST_CASE("intake search: queries that FTS5 would reject never become a 500", "[intake][search]") {
  auto dir = test::temp_dir();
  auto store = storage::init_store(dir.path() / "data").value();
  add_indexed(store, "a.pdf", {"some text with col:x and NEAR words"});
  for (const char* q : {"col:x", "NEAR(", "a:b:c", "\"x\"\"y\"", "*", "AND", "-x", "x -y", "(((", "'"}) {
    CAPTURE(q);
    SearchOptions o;
    o.query = q;
    auto r = search(*store.catalog, o);
    if (!r.ok()) CHECK(r.error().kind == ErrorKind::invalid_input);
  }
}

TEST_CASE("intake search: searches are audited without the query text", "[intake][search]") {
  auto dir = test::temp_dir();
  auto store = storage::init_store(dir.path() / "data").value();
  add_indexed(store, "a.pdf", {"Mr Secretname wrote"});
  SearchOptions o;
  o.query = "Secretname";
  auto r = search(*store.catalog, o).value();
  REQUIRE(r.hits.size() == 1);
  record_search(*store.catalog, "alice", "test", r).throw_if_error();
  auto events = store.catalog->audit().events(0, 1000).value();
  REQUIRE_FALSE(events.empty());
  const auto& e = events.back();
  CHECK(e.action == "search.query");
  CHECK(e.actor == "alice");
  CHECK(e.details["hits"] == 1);
  CHECK(e.details["terms"] == 1);
  for (const auto& ev : events) CHECK(ev.details.dump().find("Secretname") == std::string::npos);
}
