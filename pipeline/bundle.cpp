// BundleJob: inspect inputs, then fill parts page by page (each checked on its real written
// size), then the index, manifest and package. See bundle.h and BUNDLES.md.
#include "pipeline/bundle.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/files.h"
#include "common/mupdf.h"
#include "common/sha256.h"
#include "pipeline/detail/bundle_index.h"
#include "pipeline/detail/bundle_measure.h"
#include "pipeline/detail/bundle_package.h"
#include "pipeline/detail/bundle_part.h"
#include "pipeline/detail/bundle_sources.h"
#include "pipeline/detail/bundle_stamp.h"

namespace redbox::pipeline {

Result<std::string> format_stamp(const std::string& pattern, int page, const std::string& reference) {
  std::string out;
  bool has_page = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') return Error::invalid_input("stamp pattern: unmatched '}' in \"" + pattern + "\"");
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    if (close == std::string::npos) return Error::invalid_input("stamp pattern: unclosed '{' in \"" + pattern + "\"");
    const std::string field = pattern.substr(i + 1, close - i - 1);
    i = close;
    if (field == "ref") {
      out += reference;
    } else if (field == "page") {
      out += std::to_string(page);
      has_page = true;
    } else if (field.starts_with("page:")) {
      const std::string spec = field.substr(5);
      if (spec.empty() || spec.size() > 2 || spec.find_first_not_of("0123456789") != std::string::npos)
        return Error::invalid_input("stamp pattern: {" + field + "}: use {page:06} (zero-padded width up to 99)");
      const int width = std::stoi(spec);
      std::string digits = std::to_string(page);
      if (static_cast<int>(digits.size()) < width) digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
      out += digits;
      has_page = true;
    } else {
      return Error::invalid_input("stamp pattern: unknown field {" + field + "} (known: {page}, {page:06}, {ref})");
    }
  }
  if (!has_page) return Error::invalid_input("stamp pattern \"" + pattern + "\" has no {page} field");
  for (char c : out)
    if (static_cast<unsigned char>(c) < 0x20) return Error::invalid_input("stamp pattern has control characters");
  return out;
}

namespace {

using detail::kCoverDocument;
using detail::kIndexDocument;
using detail::PartPage;

std::string two_digits(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

// A folder inside the output folder for files being written; removed unless released.
class StagingDir {
 public:
  explicit StagingDir(const std::filesystem::path& parent) {
    std::string templ = (parent / ".redbox-bundle-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr)
      fail(Error::io("output folder " + parent.string() + " is not writable: " + std::strerror(errno)));
    path_ = templ;
  }
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  ~StagingDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void validate(const BundleOptions& o) {
  if (o.documents.empty()) fail(Error::invalid_input("a bundle needs at least one document"));
  if (o.output_dir.empty()) fail(Error::invalid_input("no output folder given"));
  if (o.reference.empty() || o.reference.size() > 100 ||
      o.reference.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos ||
      o.reference.front() == '.' || o.reference.front() == '-')
    fail(Error::invalid_input("bundle reference \"" + o.reference +
                              "\" must be 1-100 letters, digits, '.', '_' or '-' (it names the files)"));
  if (!o.stamp_pattern.empty()) {
    auto s = format_stamp(o.stamp_pattern, 1, o.reference);
    if (!s) fail(s.error());
  }
  if (o.max_part_pages < 0) fail(Error::invalid_input("--max-part-pages must not be negative"));
  if (o.max_part_bytes != 0 && o.max_part_bytes < 4096)
    fail(Error::invalid_input("--max-part-size must be at least 4 KiB"));
  if (o.reencode_dpi < 36 || o.reencode_dpi > 600) fail(Error::invalid_input("re-encoding dpi must be 36-600"));
  if (o.zip_password && o.zip_password->empty()) fail(Error::invalid_input("the ZIP password is empty"));
  std::error_code ec;
  if (!std::filesystem::is_directory(o.output_dir, ec)) {
    std::filesystem::create_directories(o.output_dir, ec);
    if (ec) fail(Error::io("cannot create output folder " + o.output_dir.string() + ": " + ec.message()));
  }
  if (::access(o.output_dir.c_str(), W_OK | X_OK) != 0)
    fail(Error::io("output folder " + o.output_dir.string() + " is not writable"));
}

void move_into_place(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) fail(Error::io("cannot move " + to.filename().string() + " into place: " + ec.message()));
}

class Bundler {
 public:
  Bundler(const BundleOptions& options, const std::function<void(const BundleProgress&)>& progress)
      : o_(options), progress_(progress), ctx_(mu::Context::create(64u << 20)), helvetica_(ctx_) {}

  BundleResult run();

 private:
  void inspect();
  void plan_pages();
  detail::StampText stamp_for(int global) const;
  void start_measuring();
  detail::PageGeometry geometry_for(const PartPage& p);
  pdf_document* source(int document);
  void release_sources_before(int document);
  std::vector<detail::IndexRow> index_rows(bool with_parts) const;
  std::vector<detail::OutlineEntry> outline_for(const std::vector<PartPage>& pages) const;
  detail::PartMetadata metadata_for(int part) const;
  std::string describe_page(const PartPage& p) const;
  // Builds a part from pages_[start...] with at most max_pages pages; writes it to path.
  std::vector<PartPage> build_part(std::size_t start, std::size_t max_pages, std::uint64_t budget,
                                   const std::filesystem::path& path, int part_number, detail::WrittenFile& written,
                                   std::uint64_t& estimated, std::unique_ptr<detail::PartBuilder>& builder);
  void write_parts();
  void finish();

  const BundleOptions& o_;
  const std::function<void(const BundleProgress&)>& progress_;
  mu::Context ctx_;
  detail::Helvetica helvetica_;
  std::optional<detail::SourceInfo> cover_;
  std::vector<detail::SourceInfo> docs_;
  std::vector<PartPage> pages_;          // every page of the bundle, in order
  std::set<int> reencode_;               // bundle pages whose images are downsampled to fit
  // Measured in the background while parts are assembled (when stamping); the cover letter is
  // source 0 when there is one, then the documents.
  std::unique_ptr<detail::PageMeasurements> measurements_;
  std::vector<std::string> index_contents_;
  std::map<int, std::unique_ptr<detail::OpenSource>> open_;  // sources with pages in the part being built
  std::string seed_;                     // hash of inputs and options: the PDFs' /ID
  std::int64_t created_ = 0;
  // Real size / estimate, learnt from written parts; starts high because the estimate leaves
  // out dictionaries (measured 1.25 on the corpus), and an overshoot costs a rebuild.
  double ratio_ = 1.3;
  std::unique_ptr<StagingDir> staging_;
  struct WrittenPart {
    std::filesystem::path path;
    std::vector<PartPage> pages;
    std::string sha256;  // hashed as written
  };
  std::vector<WrittenPart> parts_;
  std::unique_ptr<detail::PartBuilder> first_part_;  // kept in memory when part 1 holds the index
  BundleResult result_;
};

void Bundler::inspect() {
  if (o_.cover) cover_ = detail::inspect_source(ctx_, BundleDocument{*o_.cover, "Cover letter", ""});
  for (const auto& d : o_.documents) docs_.push_back(detail::inspect_source(ctx_, d));

  std::int64_t newest = cover_ ? cover_->mtime : 0;
  for (const auto& d : docs_) newest = std::max(newest, d.mtime);
  created_ = o_.created ? std::chrono::duration_cast<std::chrono::seconds>(o_.created->time_since_epoch()).count() : newest;
  result_.created = format_utc(TimePoint(std::chrono::seconds(created_)));
  result_.reference = o_.reference;

  Sha256 h;
  auto add = [&h](const std::string& s) {
    h.update(s);
    h.update("\n", 1);
  };
  add("redbox-bundle/1");
  add(o_.reference);
  add(o_.stamp_pattern);
  add(std::to_string(o_.page_of_total) + std::to_string(o_.index) + std::to_string(o_.max_part_bytes) + "/" +
      std::to_string(o_.max_part_pages) + "/" + std::to_string(o_.reencode_dpi) + "/" + std::to_string(created_));
  if (cover_) add(cover_->sha256);
  for (const auto& d : docs_) add(d.sha256 + d.title + d.date);
  seed_ = h.finish_hex();
}

void Bundler::plan_pages() {
  int global = 0;
  if (cover_)
    for (int i = 0; i < cover_->pages; ++i) pages_.push_back({++global, kCoverDocument, i, 0});
  result_.cover_pages = cover_ ? cover_->pages : 0;
  result_.index_pages = o_.index ? detail::index_page_count(docs_.size()) : 0;
  for (int i = 0; i < result_.index_pages; ++i) pages_.push_back({++global, kIndexDocument, i, 0});
  for (std::size_t d = 0; d < docs_.size(); ++d) {
    BundleDocumentEntry e;
    e.title = docs_[d].title;
    e.date = docs_[d].date;
    e.source = docs_[d].display_name;
    e.pages = docs_[d].pages;
    e.first_page = global + 1;
    for (int i = 0; i < docs_[d].pages; ++i) pages_.push_back({++global, static_cast<int>(d), i, 0});
    e.last_page = global;
    result_.documents.push_back(std::move(e));
  }
  result_.total_pages = global;
  for (auto& e : result_.documents) {
    if (o_.stamp_pattern.empty()) continue;
    e.first_stamp = *format_stamp(o_.stamp_pattern, e.first_page, o_.reference);
    e.last_stamp = *format_stamp(o_.stamp_pattern, e.last_page, o_.reference);
  }
}

detail::StampText Bundler::stamp_for(int global) const {
  detail::StampText t;
  if (!o_.stamp_pattern.empty()) t.right = *format_stamp(o_.stamp_pattern, global, o_.reference);
  if (o_.page_of_total) t.centre = "Page " + std::to_string(global) + " of " + std::to_string(result_.total_pages);
  return t;
}

void Bundler::start_measuring() {
  std::vector<const detail::SourceInfo*> sources;  // in the order the bundle needs them
  if (cover_) sources.push_back(&*cover_);
  for (const auto& d : docs_) sources.push_back(&d);
  // Measuring runs beside the assembly (this thread): one measuring thread per other core.
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  measurements_ = std::make_unique<detail::PageMeasurements>(std::move(sources), std::clamp(cores - 1, 1u, 3u));
}

detail::PageGeometry Bundler::geometry_for(const PartPage& p) {
  const std::size_t offset = cover_ ? 1 : 0;
  const std::size_t source = p.document == kCoverDocument ? 0 : offset + static_cast<std::size_t>(p.document);
  return measurements_->get(source, p.source_page);
}

pdf_document* Bundler::source(int document) {
  auto it = open_.find(document);
  if (it == open_.end()) {
    const auto& info = document == kCoverDocument ? *cover_ : docs_[static_cast<std::size_t>(document)];
    it = open_.emplace(document, std::make_unique<detail::OpenSource>(ctx_, info)).first;
  }
  return it->second->get();
}

void Bundler::release_sources_before(int document) {
  for (auto it = open_.begin(); it != open_.end();) it = it->first < document ? open_.erase(it) : std::next(it);
}

std::vector<detail::IndexRow> Bundler::index_rows(bool with_parts) const {
  std::vector<detail::IndexRow> rows;
  for (const auto& e : result_.documents) {
    detail::IndexRow r;
    r.title = e.title;
    r.date = e.date;
    r.pages = e.pages;
    r.range = e.first_stamp.empty() ? "pp. " + std::to_string(e.first_page) + "-" + std::to_string(e.last_page)
                                    : e.first_stamp + " - " + e.last_stamp;
    // Same width with and without the real numbers, so part 1's size barely moves.
    r.part = with_parts ? (e.first_part == e.last_part ? two_digits(e.first_part)
                                                       : two_digits(e.first_part) + "-" + two_digits(e.last_part))
                        : "00";
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<detail::OutlineEntry> Bundler::outline_for(const std::vector<PartPage>& pages) const {
  std::vector<detail::OutlineEntry> out;
  int last_document = -100;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const PartPage& p = pages[i];
    if (p.document == last_document) continue;
    last_document = p.document;
    std::string title = p.document == kCoverDocument   ? "Cover letter"
                        : p.document == kIndexDocument ? "Index of documents"
                                                       : docs_[static_cast<std::size_t>(p.document)].title;
    if (p.source_page > 0) title += " (continued)";
    out.push_back({title, static_cast<int>(i)});
  }
  return out;
}

detail::PartMetadata Bundler::metadata_for(int part) const {
  return {o_.reference + " part " + two_digits(part), created_, seed_ + "/part/" + std::to_string(part)};
}

std::string Bundler::describe_page(const PartPage& p) const {
  const std::string where = p.document == kCoverDocument   ? "the cover letter " + cover_->display_name
                            : p.document == kIndexDocument ? "the index"
                                                           : docs_[static_cast<std::size_t>(p.document)].display_name;
  return "page " + std::to_string(p.source_page + 1) + " of " + where;
}

std::vector<PartPage> Bundler::build_part(std::size_t start, std::size_t max_pages, std::uint64_t budget,
                                          const std::filesystem::path& path, int part_number,
                                          detail::WrittenFile& written, std::uint64_t& estimated,
                                          std::unique_ptr<detail::PartBuilder>& builder) {
  builder = std::make_unique<detail::PartBuilder>(ctx_, helvetica_);
  detail::PartBuilder& part = *builder;
  const double ratio = ratio_;
  bool full = false;
  for (std::size_t g = start; g < pages_.size() && part.pages().size() < max_pages; ++g) {
    const PartPage& p = pages_[g];
    const detail::StampText stamp = stamp_for(p.global);
    if (p.document == kIndexDocument) {
      part.add_generated_page(detail::kIndexMediaBox, index_contents_[static_cast<std::size_t>(p.source_page)], p, stamp);
    } else {
      pdf_document* src = source(p.document);
      detail::PageGeometry geometry;
      if (!stamp.right.empty() || !stamp.centre.empty()) geometry = geometry_for(p);
      part.add_source_page(src, p, geometry, stamp);
      if (reencode_.contains(p.global)) {
        const std::string what = describe_page(p);
        const int images = part.reencode_last_page(o_.reencode_dpi, what);
        if (images > 0 && std::find(result_.reencoded_pages.begin(), result_.reencoded_pages.end(), what) == result_.reencoded_pages.end()) {
          result_.reencoded_pages.push_back(what);
          spdlog::debug("bundle: {} re-encoded ({} images downsampled to {} dpi) to fit the part limit", what, images,
                       o_.reencode_dpi);
        }
      }
    }
    if (budget != 0 && part.pages().size() > 1 &&
        static_cast<double>(part.estimated_bytes()) * ratio > static_cast<double>(budget)) {
      part.drop_last(1);  // this page starts the next part
      full = true;
      break;
    }
  }
  if (part.pages().size() >= max_pages && start + part.pages().size() < pages_.size()) full = true;
  // Prefer to cut where a document starts, if that keeps the part at least half full.
  if (full) {
    const auto& ps = part.pages();
    for (std::size_t i = ps.size() - 1; i > 0; --i) {
      if (ps[i].document != ps[i - 1].document) {
        if (i * 2 >= ps.size() && ps[i].document != kIndexDocument) part.drop_last(static_cast<int>(ps.size() - i));
        break;
      }
    }
  }
  estimated = part.estimated_bytes();
  std::vector<PartPage> pages = part.pages();
  written = part.write(path, outline_for(pages), metadata_for(part_number));
  return pages;
}

void Bundler::write_parts() {
  const std::size_t page_limit = o_.max_part_pages > 0 ? static_cast<std::size_t>(o_.max_part_pages) : pages_.size();
  std::size_t start = 0;
  BundleProgress progress{0, result_.total_pages, 0};
  while (start < pages_.size()) {
    const int number = static_cast<int>(parts_.size()) + 1;
    // Part 1's index is rewritten with the real part numbers at the end: leave it room.
    std::uint64_t budget = o_.max_part_bytes;
    if (budget != 0 && number == 1 && o_.index) budget = budget > 8192 ? budget - 2048 : budget;
    const std::filesystem::path path = staging_->path() / ("part-" + std::to_string(number) + ".pdf");
    release_sources_before(pages_[start].document < 0 ? -100 : pages_[start].document);
    std::size_t max_pages = page_limit;
    for (int attempt = 0;; ++attempt) {
      detail::WrittenFile file;
      std::uint64_t estimated = 0;
      std::unique_ptr<detail::PartBuilder> builder;
      std::vector<PartPage> pages = build_part(start, max_pages, budget, path, number, file, estimated, builder);
      const std::uint64_t written = file.bytes;
      if (budget == 0 || written <= budget) {
        ratio_ = std::clamp(static_cast<double>(written) / static_cast<double>(std::max<std::uint64_t>(estimated, 1)), 0.2, 1.5);
        spdlog::debug("bundle part {}: {} pages, {} bytes (estimated {})", number, pages.size(), written, estimated);
        start += pages.size();
        progress.pages_done = static_cast<int>(start);
        progress.parts_written = number;
        parts_.push_back({path, std::move(pages), std::move(file.sha256)});
        if (number == 1 && o_.index) first_part_ = std::move(builder);  // its index is completed at the end
        break;
      }
      if (pages.size() == 1) {
        const PartPage& alone = pages.front();
        // One page alone over the limit: downsample its images and try once more.
        if (alone.document != kIndexDocument && !reencode_.contains(alone.global)) {
          reencode_.insert(alone.global);
          spdlog::debug("bundle part {}: {} alone is {} bytes; re-encoding its images", number, describe_page(alone), written);
          continue;
        }
        fail(Error::too_large(describe_page(alone) + " alone is " + std::to_string(written) +
                              " bytes written" + (alone.document != kIndexDocument ? " even with its images downsampled to " +
                              std::to_string(o_.reencode_dpi) + " dpi" : std::string()) +
                              ", over the part size limit of " + std::to_string(budget) + " bytes"));
      }
      // Too big: learn from the real size and retry with fewer pages.
      ratio_ = std::max(ratio_, static_cast<double>(written) / static_cast<double>(std::max<std::uint64_t>(estimated, 1)));
      std::uint64_t excess = written - budget, removed = 0;
      std::size_t keep = pages.size();
      while (keep > 1 && removed < excess) removed += static_cast<std::uint64_t>(static_cast<double>(pages[--keep].estimated_bytes) * ratio_);
      max_pages = std::min(keep, pages.size() - 1);
      spdlog::debug("bundle part {}: {} bytes over {}; retrying with {} pages (attempt {})", number, written, budget,
                    max_pages, attempt + 1);
    }
    if (progress_) progress_(progress);
  }
  open_.clear();
}

void Bundler::finish() {
  const int count = static_cast<int>(parts_.size());
  const std::string of = "-of-" + two_digits(count);
  std::vector<std::pair<std::string, std::filesystem::path>> files;  // final name -> staged path
  std::string index_sha256;

  for (int i = 0; i < count; ++i) {
    for (const auto& p : parts_[static_cast<std::size_t>(i)].pages) {
      if (p.document < 0) continue;
      auto& e = result_.documents[static_cast<std::size_t>(p.document)];
      if (e.first_part == 0) e.first_part = i + 1;
      e.last_part = i + 1;
    }
  }

  if (o_.index) {
    index_contents_ = detail::index_page_contents(helvetica_, o_.reference, index_rows(true));
    std::map<int, std::string> by_page;
    for (int i = 0; i < result_.index_pages; ++i) by_page[result_.cover_pages + i] = index_contents_[static_cast<std::size_t>(i)];
    auto& first = parts_.front();
    const std::filesystem::path rewritten = staging_->path() / "part-1-final.pdf";
    const detail::WrittenFile final_part = first_part_->rewrite_generated_pages(rewritten, by_page);
    first_part_.reset();
    if (o_.max_part_bytes != 0 && final_part.bytes > o_.max_part_bytes)
      fail(Error::internal("part 1 grew over the size limit when its index was completed"));
    first.path = rewritten;
    first.sha256 = final_part.sha256;

    // The index on its own, stamped with the same numbers as in part 1.
    detail::PartBuilder index_pdf(ctx_, helvetica_);
    for (const auto& p : pages_)
      if (p.document == kIndexDocument)
        index_pdf.add_generated_page(detail::kIndexMediaBox, index_contents_[static_cast<std::size_t>(p.source_page)], p, stamp_for(p.global));
    const std::filesystem::path index_path = staging_->path() / "index.pdf";
    index_sha256 = index_pdf.write(index_path, {{"Index of documents", 0}}, {o_.reference + " index", created_, seed_ + "/index"}).sha256;
  }

  std::vector<BundleFile> manifest_files;
  // The hashes were taken as the files were written (the same bytes; no second read).
  auto describe_file = [&](const std::string& name, const std::filesystem::path& path, const std::vector<PartPage>& pages,
                           const std::string& sha256) {
    BundleFile f;
    f.name = name;
    f.bytes = std::filesystem::file_size(path);
    f.sha256 = sha256;
    f.pages = static_cast<int>(pages.size());
    if (!o_.stamp_pattern.empty() && !pages.empty()) {
      f.first_stamp = stamp_for(pages.front().global).right;
      f.last_stamp = stamp_for(pages.back().global).right;
    }
    return f;
  };
  for (int i = 0; i < count; ++i) {
    const auto& part = parts_[static_cast<std::size_t>(i)];
    const std::string name = o_.reference + "-part-" + two_digits(i + 1) + of + ".pdf";
    BundleFile f = describe_file(name, part.path, part.pages, part.sha256);
    result_.parts.push_back(f);
    manifest_files.push_back(f);
    files.emplace_back(name, part.path);
  }
  if (o_.index) {
    std::vector<PartPage> index_pages;
    for (const auto& p : pages_)
      if (p.document == kIndexDocument) index_pages.push_back(p);
    const std::string name = o_.reference + "-index.pdf";
    const auto path = staging_->path() / "index.pdf";
    manifest_files.push_back(describe_file(name, path, index_pages, index_sha256));
    files.emplace_back(name, path);
  }
  const bool encrypted = o_.zip && o_.zip_password.has_value();
  const auto readme_path = staging_->path() / "README.txt";
  const std::string readme = detail::readme_text(result_, encrypted);
  if (auto s = write_file_atomic(readme_path, readme); !s) fail(s.error());
  manifest_files.push_back({"README.txt", readme.size(), sha256_hex(readme), 0, "", ""});
  files.emplace_back("README.txt", readme_path);
  const auto manifest_path = staging_->path() / "manifest.json";
  if (auto s = write_file_atomic(manifest_path, detail::manifest_json(result_, manifest_files)); !s) fail(s.error());
  files.emplace_back("manifest.json", manifest_path);

  std::optional<std::filesystem::path> staged_zip;
  if (o_.zip) {
    staged_zip = staging_->path() / "package.zip";
    detail::write_zip(*staged_zip, files, created_, o_.zip_password);
  }
  if (!o_.zip || o_.zip_keeps_files) {
    // The manifest goes last: its presence marks a complete bundle.
    for (const auto& [name, path] : files) {
      const auto to = o_.output_dir / name;
      move_into_place(path, to);
      result_.outputs.push_back(to);
    }
  }
  if (staged_zip) {
    const auto zip_path = o_.output_dir / (o_.reference + ".zip");
    move_into_place(*staged_zip, zip_path);
    result_.zip_path = zip_path;
    result_.outputs.push_back(zip_path);
  }
  if (auto s = fsync_directory(o_.output_dir); !s) fail(s.error());
}

BundleResult Bundler::run() {
  validate(o_);
  inspect();
  plan_pages();
  if (o_.index) index_contents_ = detail::index_page_contents(helvetica_, o_.reference, index_rows(false));
  staging_ = std::make_unique<StagingDir>(o_.output_dir);
  if (!o_.stamp_pattern.empty() || o_.page_of_total) start_measuring();
  write_parts();
  measurements_.reset();  // every page is measured by now; the threads have ended
  finish();
  return std::move(result_);
}

}  // namespace

Result<BundleResult> BundleJob::run() {
  return guard([&] {
    Bundler bundler(options_, progress_);
    return bundler.run();
  });
}

}  // namespace redbox::pipeline
