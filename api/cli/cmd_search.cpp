// redbox search "terms" [--limit N]: full-text search over every stored document's pages.
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "pipeline/search_index.h"

namespace redbox::cli {
namespace {

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] search TERMS... [--limit N]\n"
    "\n"
    "Searches the text of every stored document (OCR text of scans, the text of born-digital\n"
    "files) and prints the best-matching pages first: document ID, page, file name and a\n"
    "snippet with the matches [in brackets].\n"
    "\n"
    "  TERMS      words that must all appear on the page; \"a phrase\" in quotes; word* for a\n"
    "             prefix; OR / NOT (in capitals) between two terms. Several arguments are\n"
    "             joined with spaces.\n"
    "  --limit N  at most N hits (default 20, at most 200).\n"
    "\n"
    "Every search is recorded in the audit log (who, when, how many hits; not the terms).\n"
    "Exit codes: 0 (also with no hits), 2 malformed search.\n";

int run_search(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed = ArgParser().option("limit").parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (parsed.positionals().empty()) fail(Error::invalid_input("search needs the words to look for (see --help)"));
  std::string query;
  for (const auto& p : parsed.positionals()) query += (query.empty() ? "" : " ") + p;
  std::int64_t limit = parsed.get_int("limit").value_or(20);
  if (limit < 1 || limit > 200) fail(Error::invalid_input("--limit must be from 1 to 200"));
  // Check the query before touching the data folder, so a typo is reported as such.
  if (auto fts = pipeline::to_fts_query(query); !fts) fail(fts.error());

  storage::Store store = open_data_folder(ctx.global);
  pipeline::SearchOptions options;
  options.query = query;
  options.limit = static_cast<std::size_t>(limit);
  auto results = pipeline::search(*store.catalog, options);
  if (!results) fail(results.error());
  pipeline::record_search(*store.catalog, kCliActor, "cli", *results).throw_if_error();

  if (ctx.global.json) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : results->hits) hits.push_back(pipeline::to_json(h));
    ctx.out << nlohmann::json{{"hits", hits}}.dump() << "\n";
    return 0;
  }
  if (results->hits.empty()) {
    ctx.out << "no matches\n";
    return 0;
  }
  for (const auto& h : results->hits) {
    ctx.out << h.document_id << "  page " << h.page << "  " << h.file_name << "\n    " << h.snippet << "\n";
  }
  return 0;
}

const Registrar reg({"search", "full-text search over stored documents", kUsage, run_search});

}  // namespace
}  // namespace redbox::cli
