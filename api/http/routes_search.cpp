// GET /api/v1/search?q=TERMS[&limit=N]: ranked full-text search over stored documents' pages.
#include <charconv>

#include "api/http/routes.h"
#include "pipeline/search_index.h"

namespace redbox::api {

namespace {

std::size_t search_limit(const RequestContext& ctx) {
  auto text = ctx.query("limit");
  if (!text) return 20;
  std::size_t limit = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || ptr != text->data() + text->size() || limit < 1 || limit > 200) {
    fail(Error::invalid_input("limit must be a whole number from 1 to 200"));
  }
  return limit;
}

void search_documents(RequestContext& ctx) {
  auto q = ctx.query("q");
  if (!q || q->empty()) fail(Error::invalid_input("the search needs words to look for in the q parameter, e.g. ?q=housing"));
  pipeline::SearchOptions options;
  options.query = *q;
  options.limit = search_limit(ctx);
  auto results = pipeline::search(*ctx.store().catalog, options);
  if (!results) fail(results.error());
  // Results are personal data: the search is recorded before any is released.
  pipeline::record_search(*ctx.store().catalog, ctx.user.name, "http", *results).throw_if_error();
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& h : results->hits) hits.push_back(pipeline::to_json(h));
  ctx.send_json(200, {{"hits", hits}, {"count", results->hits.size()}});
}

}  // namespace

void add_search_routes(Router& router) { router.get("/api/v1/search", Action::document_search, search_documents); }

}  // namespace redbox::api
