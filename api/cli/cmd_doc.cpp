// redbox doc add|list|show|get: documents from the command line.
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/cli/args.h"
#include "api/cli/command.h"
#include "api/cli/data_folder.h"
#include "api/http/document_access.h"
#include "api/http/views.h"
#include "common/clock.h"

namespace redbox::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: redbox [--data DIR] [--json] doc add FILE... [--recursive] [--source SOURCE]\n"
    "       redbox [--data DIR] [--json] doc list [--limit N] [--cursor CURSOR]\n"
    "       redbox [--data DIR] [--json] doc show ID\n"
    "       redbox [--data DIR] doc get ID [--version VERSION] -o FILE\n"
    "\n"
    "doc add    stores each FILE as a new document (its exact bytes become the 'original'\n"
    "           version) and prints the document ID and SHA-256 of each. A file that cannot\n"
    "           be added (missing, unreadable, a folder, empty, over the upload limit) is\n"
    "           reported; the others are still added, and the exit code is that of the\n"
    "           first failure. --source records where the files came from (default: cli).\n"
    "           A folder is refused unless --recursive (-r) is given: then every regular\n"
    "           file below it is added, in path order (symbolic links are not followed).\n"
    "doc list   newest first, N per page (default 50, at most 500); pass the printed\n"
    "           cursor to --cursor for the next page.\n"
    "doc show   a document's metadata and versions.\n"
    "doc get    writes a version's bytes to FILE, verified against its SHA-256 and written\n"
    "           atomically (FILE appears complete or not at all). VERSION is original\n"
    "           (default), searchable, redacted, derived or a version ID (ver_...).\n"
    "           Every download is recorded in the audit log.\n"
    "\n"
    "The CLI acts as the local operator \"cli\" (see redbox user --help).\n"
    "Exit codes: 2 bad usage, 4 unknown ID or file, 6 over the upload limit, 8 stored\n"
    "data failed verification, 9 I/O error.\n";

struct AddFailure {
  std::string file;
  Error error;
};

// Lets the bulk add hold more blob temporaries open at once (larger groups, fewer durability
// barriers; storage sizes its groups from this limit). Best effort: the hard limit stays.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = std::min<rlim_t>(limit.rlim_max, 16384);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = wanted;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The arguments with each folder replaced by the regular files below it, sorted by path. Links
// are not followed (a link to /etc must not add /etc); an unreadable folder is an io error.
std::vector<std::string> files_below_folders(const std::vector<std::string>& arguments) {
  std::vector<std::string> out;
  for (const auto& a : arguments) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(a, ec))) {
      out.push_back(a);
      continue;
    }
    std::vector<std::string> below;
    fs::recursive_directory_iterator it(a, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && !it->is_symlink(ec)) below.push_back(it->path().string());
    }
    if (ec) fail(Error::io("reading the folder " + a + ": " + ec.message()));
    std::sort(below.begin(), below.end());
    out.insert(out.end(), below.begin(), below.end());
  }
  return out;
}

// All files go to the store in one storage::add_files_each call: groups with one durable commit
// per group (see storage/README.md), which is what makes adding thousands of scanned letters
// fast. A file that cannot be added gets its own error; the others are still added.
int doc_add(CommandContext& ctx, const ParsedArgs& parsed) {
  std::vector<std::string> files(parsed.positionals().begin() + 1, parsed.positionals().end());
  if (files.empty()) fail(Error::invalid_input("doc add needs at least one FILE (see --help)"));
  if (parsed.has("recursive")) files = files_below_folders(files);
  storage::Store store = open_data_folder(ctx.global);
  storage::AddFileOptions options;
  options.source = parsed.get_or("source", "cli");
  options.max_bytes = store.config.max_upload_bytes;
  raise_open_file_limit();

  nlohmann::json added = nlohmann::json::array();
  std::vector<AddFailure> failures;
  auto report_added = [&](const storage::Document& doc, const std::string& file) {
    if (!ctx.global.json) {  // one line, no JSON view: thousands of files are added at a time
      std::string_view sha256;
      for (const auto& v : doc.versions) {
        if (v.kind == storage::VersionKind::original) sha256 = v.sha256;
      }
      ctx.out << doc.id << "  " << sha256 << "  " << file << "\n";
      return;
    }
    nlohmann::json view = api::to_json(doc);
    view["path"] = file;
    added.push_back(std::move(view));
  };
  auto report_failed = [&](const std::string& file, const Error& problem) {
    if (!ctx.global.json) ctx.err << "redbox: error: " << problem.message << "\n";
    failures.push_back({file, problem});
  };

  // Folders are refused here; everything else goes to storage, which reports missing,
  // unreadable and oversized files itself. Results are printed in argument order.
  std::vector<fs::path> paths;
  std::vector<std::size_t> argument_of;  // paths[i] is files[argument_of[i]]
  std::vector<std::size_t> folders;      // arguments that are folders
  paths.reserve(files.size());
  argument_of.reserve(files.size());
  for (std::size_t a = 0; a < files.size(); ++a) {
    std::error_code ec;
    if (fs::is_directory(fs::path(files[a]), ec)) {
      folders.push_back(a);
      continue;
    }
    paths.emplace_back(files[a]);
    argument_of.push_back(a);
  }
  std::size_t next_folder = 0;
  auto report_folders_before = [&](std::size_t argument) {
    for (; next_folder < folders.size() && folders[next_folder] < argument; ++next_folder) {
      const std::string& file = files[folders[next_folder]];
      report_failed(file, Error::invalid_input(file + " is a folder, not a file (--recursive adds the files in it)"));
    }
  };
  storage::add_files_each(store, paths, options, kCliActor, [&](std::size_t i, Result<storage::Document> doc) {
    report_folders_before(argument_of[i]);
    const std::string& file = files[argument_of[i]];
    if (doc.ok()) {
      report_added(*doc, file);
    } else {
      report_failed(file, doc.error());
    }
  });
  report_folders_before(files.size());
  if (ctx.global.json) {
    nlohmann::json failed = nlohmann::json::array();
    for (const auto& f : failures) {
      failed.push_back({{"path", f.file},
                        {"error", {{"code", std::string(to_string(f.error.kind))}, {"message", f.error.message}}}});
    }
    ctx.out << nlohmann::json{{"added", added}, {"failed", failed}}.dump() << "\n";
  }
  return failures.empty() ? 0 : exit_code(failures.front().error.kind);
}

int doc_list(CommandContext& ctx, const ParsedArgs& parsed) {
  if (parsed.positionals().size() != 1) fail(Error::invalid_input("doc list takes no positional arguments"));
  std::int64_t limit = parsed.get_int("limit").value_or(50);
  if (limit < 1 || limit > 500) fail(Error::invalid_input("--limit must be from 1 to 500"));
  storage::Store store = open_data_folder(ctx.global);
  auto page = store.catalog->list_documents(static_cast<std::size_t>(limit), parsed.get("cursor"));
  if (!page.ok()) fail(page.error());
  if (ctx.global.json) {
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& d : page->documents) docs.push_back(api::to_json(d));
    ctx.out << nlohmann::json{{"documents", docs},
                              {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nullptr}}
                   .dump()
            << "\n";
    return 0;
  }
  for (const auto& d : page->documents) {
    std::uint64_t size = 0;
    for (const auto& v : d.versions) {
      if (v.kind == storage::VersionKind::original) size = v.size;
    }
    ctx.out << d.id << "  " << format_utc(d.received) << "  " << size << "  " << d.media_type << "  " << d.file_name
            << "\n";
  }
  if (page->next_cursor) ctx.out << "more: redbox doc list --cursor " << *page->next_cursor << "\n";
  return 0;
}

int doc_show(CommandContext& ctx, const ParsedArgs& parsed) {
  if (parsed.positionals().size() != 2) fail(Error::invalid_input("doc show needs exactly one document ID"));
  storage::Store store = open_data_folder(ctx.global);
  storage::Document doc = api::find_document(*store.catalog, parsed.positionals()[1]).value();
  if (ctx.global.json) {
    ctx.out << api::to_json(doc).dump() << "\n";
    return 0;
  }
  ctx.out << "document   " << doc.id << "\n"
          << "file name  " << doc.file_name << "\n"
          << "media type " << doc.media_type << "\n"
          << "source     " << doc.source << "\n"
          << "received   " << format_utc(doc.received) << "\n";
  if (doc.page_count) ctx.out << "pages      " << *doc.page_count << "\n";
  ctx.out << "versions:\n";
  for (const auto& v : doc.versions) {
    ctx.out << "  " << v.id << "  " << storage::to_string(v.kind) << "  " << v.size << " bytes  sha256 " << v.sha256
            << "  " << format_utc(v.created) << " by " << v.created_by << "\n";
  }
  return 0;
}

int doc_get(CommandContext& ctx, const ParsedArgs& parsed) {
  if (parsed.positionals().size() != 2) fail(Error::invalid_input("doc get needs exactly one document ID"));
  auto output = parsed.get("output");
  if (!output || output->empty()) fail(Error::invalid_input("doc get needs -o FILE"));
  std::error_code ec;
  if (fs::is_directory(*output, ec)) fail(Error::invalid_input(*output + " is a folder; give a file name to -o"));
  storage::Store store = open_data_folder(ctx.global);
  const std::string& id = parsed.positionals()[1];
  storage::Version version = api::resolve_version(*store.catalog, id, parsed.get_or("version", "original")).value();
  // Verify first so that a corrupt blob is reported before anything is audited or written.
  if (Status s = store.blobs->verify(version.sha256); !s.ok()) {
    if (s.error().kind == ErrorKind::not_found) {
      fail(Error::corrupt("version " + version.id + " refers to blob " + version.sha256 + ", which is missing"));
    }
    fail(s.error());
  }
  api::record_download(*store.catalog, version, kCliActor, "cli").throw_if_error();
  store.blobs->copy_to_file(version.sha256, *output).throw_if_error();
  if (ctx.global.json) {
    ctx.out << nlohmann::json{{"document_id", id}, {"version", api::to_json(version)}, {"output", *output}}.dump()
            << "\n";
  } else {
    ctx.out << "wrote " << version.size << " bytes (" << storage::to_string(version.kind) << ", sha256 "
            << version.sha256 << ") to " << *output << "\n";
  }
  return 0;
}

int run_doc(CommandContext& ctx, const std::vector<std::string>& args) {
  ParsedArgs parsed =
      ArgParser().option("source").flag("recursive", "r").option("limit").option("cursor").option("version").option("output", "o").parse(args);
  if (parsed.help()) {
    ctx.out << kUsage;
    return 0;
  }
  if (parsed.positionals().empty()) fail(Error::invalid_input("doc needs a subcommand: add, list, show or get (see --help)"));
  const std::string& sub = parsed.positionals()[0];
  auto only = [&](std::initializer_list<const char*> allowed_options) {
    for (const char* opt : {"source", "limit", "cursor", "version", "output"}) {
      bool ok = false;
      for (const char* a : allowed_options) ok = ok || std::string_view(a) == opt;
      if (!ok && parsed.has(opt)) fail(Error::invalid_input("doc " + sub + " does not take --" + opt));
    }
  };
  if (sub == "add") {
    only({"source"});
    return doc_add(ctx, parsed);
  }
  if (sub == "list") {
    only({"limit", "cursor"});
    return doc_list(ctx, parsed);
  }
  if (sub == "show") {
    only({});
    return doc_show(ctx, parsed);
  }
  if (sub == "get") {
    only({"version", "output"});
    return doc_get(ctx, parsed);
  }
  fail(Error::invalid_input("unknown doc subcommand '" + sub + "' (use add, list, show or get)"));
}

const Registrar reg({"doc", "add, list, show and download documents", kUsage, run_doc});

}  // namespace
}  // namespace redbox::cli
