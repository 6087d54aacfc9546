#include "pipeline/intake.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <map>
#include <set>

#include "common/files.h"
#include "common/media_type.h"
#include "common/sha256.h"
#include "ocr/ocr_job.h"
#include "pipeline/blank_pages.h"
#include "pipeline/detail/pdf_pages.h"
#include "pipeline/fields.h"
#include "pipeline/search_index.h"

namespace redbox::pipeline {
namespace {

namespace fs = std::filesystem;

// A file about to become a blob.
struct Output {
  fs::path file;
  std::string sha256;
  std::uint64_t size = 0;
  std::string media_type;
};

struct PlannedDocument {
  std::string role;                 // file, letter, stack, upload
  std::string file_name;
  std::optional<Output> original;   // absent for an upload (its original is stored already)
  std::optional<Output> searchable;
  std::optional<Output> text;
  std::optional<Output> words;
  int pages = 0;
  int original_pages = 0;           // pages of the original (more when damaged pages were left out)
  std::vector<std::string> warnings;  // pages the OCR engine left out, naming file and page
  int pages_ocred = 0;
  std::vector<std::string> page_texts;
  std::optional<int> letter;        // 1-based within the stack
  int letters = 0;
  std::vector<int> stack_pages;     // 1-based pages of the stack
  std::vector<int> blank_pages;     // for the stack: its separator pages, 1-based
};

// What an input resolves to before any work.
struct Source {
  fs::path path;             // readable bytes
  std::string display;       // for messages and results
  std::string file_name;     // the document's name
  std::string media_type;
  std::optional<storage::Document> existing;  // an upload being OCRed
};

std::string key_of(std::size_t index) { return std::to_string(index); }

// An error about an input, naming it once, by the path the user gave: engine messages already
// start with the file's name.
Error about_input(const Error& e, const std::string& display, const std::string& file_name) {
  if (!file_name.empty() && e.message.rfind(file_name, 0) == 0) {
    return Error{e.kind, display + e.message.substr(file_name.size())};
  }
  if (e.message.find(display) != std::string::npos) return e;
  return e.within(display);
}

nlohmann::json error_json(const Error& e) {
  return {{"code", std::string(to_string(e.kind))}, {"message", e.message}};
}

Output hash_output(const fs::path& file, std::string media_type) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(Error::io("cannot read " + file.string()));
  Sha256 hash;
  std::vector<char> buffer(1 << 16);
  std::uint64_t size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    hash.update(buffer.data(), got);
    size += got;
  }
  if (in.bad()) fail(Error::io("read error on " + file.string()));
  return {file, hash.finish_hex(), size, std::move(media_type)};
}

Output write_output(const fs::path& file, std::string_view bytes, std::string media_type) {
  write_file_atomic(file, bytes).throw_if_error();
  return hash_output(file, std::move(media_type));
}

std::string read_head(const fs::path& path, std::uint64_t& size) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail(Error::invalid_input(path.string() + " is a folder, not a file"));
  if (!fs::exists(path, ec)) fail(Error::not_found(path.string() + ": no such file"));
  size = fs::file_size(path, ec);
  if (ec) fail(Error::io("cannot read " + path.string() + ": " + ec.message()));
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(Error::io("cannot open " + path.string()));
  std::string head(8192, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

Source resolve(storage::Store& store, const IntakeInput& input) {
  Source s;
  if (!input.document_id.empty()) {
    auto doc = store.catalog->get_document(input.document_id);
    if (!doc) fail(doc.error());
    auto original = store.catalog->latest_version(input.document_id, storage::VersionKind::original);
    if (!original) fail(original.error());
    auto local = store.blobs->local_path(original->sha256);
    if (!local) fail(Error::unsupported("document " + input.document_id + ": the blob store has no local files"));
    s.path = *local;
    s.display = input.document_id;
    s.file_name = doc->file_name;
    s.media_type = original->media_type;
    s.existing = std::move(*doc);
  } else {
    s.path = input.path;
    s.display = input.path.string();
    s.file_name = input.path.filename().string();
    std::uint64_t size = 0;
    std::string head = read_head(input.path, size);
    if (size == 0) fail(Error::invalid_input(s.display + " is empty"));
    if (size > store.config.max_upload_bytes) {
      fail(Error::too_large(s.display + " is " + std::to_string(size) + " bytes, over the limit of " +
                            std::to_string(store.config.max_upload_bytes)));
    }
    s.media_type = sniff_media_type(head);
  }
  if (!is_page_media_type(s.media_type)) {
    fail(Error::unsupported(s.display + " is not a PDF or an image (its bytes look like " + s.media_type +
                            "); nothing was stored"));
  }
  return s;
}

// The pages of an OCR result, as a result of their own (for a letter of a stack).
ocr::OcrResult subset(const ocr::OcrResult& all, const std::vector<int>& pages) {
  ocr::OcrResult out;
  out.jobs = all.jobs;
  for (int p : pages) {
    const auto& page = all.pages.at(static_cast<std::size_t>(p));
    out.pages.push_back(page);
    (page.ocred ? out.pages_ocred : out.pages_with_text)++;
  }
  return out;
}

void fill_text(PlannedDocument& doc, const ocr::OcrResult& result, const fs::path& dir, const std::string& stem) {
  doc.pages = static_cast<int>(result.pages.size());
  doc.pages_ocred = result.pages_ocred;
  for (const auto& page : result.pages) doc.page_texts.push_back(page.text);
  doc.text = write_output(dir / (stem + ".txt"), ocr::plain_text(result), "text/plain");
  doc.words = write_output(dir / (stem + ".words.json"), ocr::words_json(result), "application/json");
}

std::string letter_name(const std::string& stack_name, int letter, int letters) {
  fs::path p(stack_name);
  return p.stem().string() + "-letter-" + std::to_string(letter) + "-of-" + std::to_string(letters) + ".pdf";
}

struct IntakeSettings {
  IntakeRequest request;
  FieldExtractor fields;
  BlankPageOptions blank;
};

// OCR (and splitting) of one input into temporary files; nothing stored yet.
std::vector<PlannedDocument> plan_input(const Source& source, const IntakeSettings& settings, const fs::path& dir,
                                        int threads, const std::function<void(int, int)>& progress) {
  ocr::OcrOptions options;
  options.inputs = {source.path};
  options.output_pdf = dir / "searchable.pdf";
  options.jobs = threads;
  options.languages = settings.request.languages;
  options.progress = progress;
  auto result = ocr::OcrJob(options).run();
  if (!result) fail(about_input(result.error(), source.display, source.path.filename().string()));
  const Output searchable = hash_output(options.output_pdf, "application/pdf");
  const int pages = static_cast<int>(result->pages.size());

  std::vector<PlannedDocument> docs;
  if (!settings.request.split_on_blank || source.existing) {
    PlannedDocument doc;
    doc.role = source.existing ? "upload" : "file";
    doc.file_name = source.file_name;
    if (!source.existing) doc.original = hash_output(source.path, source.media_type);
    doc.searchable = searchable;
    fill_text(doc, *result, dir, "document");
    doc.warnings = result->warnings;
    doc.original_pages = doc.pages + static_cast<int>(result->warnings.size());
    docs.push_back(std::move(doc));
    return docs;
  }

  // Split: the OCR above has already validated every page (pixel limits, encryption), so
  // rendering them small for the ink measure is safe.
  auto ink = measure_ink(source.path, settings.blank);
  if (!ink) fail(about_input(ink.error(), source.display, source.path.filename().string()));
  if (static_cast<int>(ink->size()) != pages) {
    // A page left out (undecodable) would shift every letter boundary after it.
    fail(Error::invalid_input(source.display + ": cannot split a stack with pages that cannot be read (" +
                              (result->warnings.empty() ? std::string("page count mismatch") : result->warnings.front()) +
                              "); ingest it without --split-on-blank"));
  }
  const auto letters = group_letters(*ink);
  if (letters.empty()) fail(Error::invalid_input(source.display + ": every page is blank; nothing to store"));

  PlannedDocument stack;
  stack.role = "stack";
  stack.file_name = source.file_name;
  stack.original = hash_output(source.path, source.media_type);
  stack.pages = pages;
  stack.original_pages = pages;
  stack.letters = static_cast<int>(letters.size());
  for (int i = 0; i < pages; ++i) {
    if ((*ink)[static_cast<std::size_t>(i)].blank) stack.blank_pages.push_back(i + 1);
  }
  docs.push_back(std::move(stack));

  const bool pdf_source = source.media_type == "application/pdf";
  for (std::size_t k = 0; k < letters.size(); ++k) {
    const auto& letter_pages = letters[k];
    const std::string stem = "letter-" + std::to_string(k + 1);
    PlannedDocument doc;
    doc.role = "letter";
    doc.letter = static_cast<int>(k + 1);
    doc.letters = static_cast<int>(letters.size());
    doc.file_name = letter_name(source.file_name, *doc.letter, doc.letters);
    for (int p : letter_pages) doc.stack_pages.push_back(p + 1);
    // A PDF stack's letter keeps its pages' original objects; an image stack's letter is its
    // page images as the searchable PDF embeds them (unchanged pixels).
    auto original = detail::extract_pdf_pages(pdf_source ? source.path : options.output_pdf, letter_pages);
    if (!original) fail(about_input(original.error(), source.display, source.path.filename().string()));
    doc.original = write_output(dir / (stem + ".original.pdf"), *original, "application/pdf");
    auto letter_searchable = detail::extract_pdf_pages(options.output_pdf, letter_pages);
    if (!letter_searchable) fail(about_input(letter_searchable.error(), source.display, "searchable.pdf"));
    doc.searchable = write_output(dir / (stem + ".searchable.pdf"), *letter_searchable, "application/pdf");
    fill_text(doc, subset(*result, letter_pages), dir, stem);
    doc.original_pages = doc.pages;
    docs.push_back(std::move(doc));
  }
  return docs;
}

std::vector<const Output*> outputs_of(const PlannedDocument& doc) {
  std::vector<const Output*> out;
  for (const auto* o : {&doc.original, &doc.searchable, &doc.text, &doc.words}) {
    if (*o) out.push_back(&**o);
  }
  return out;
}

storage::NewVersion new_version(storage::VersionKind kind, const Output& o, std::optional<int> pages = std::nullopt) {
  storage::NewVersion v;
  v.kind = kind;
  v.sha256 = o.sha256;
  v.size = o.size;
  v.media_type = o.media_type;
  v.page_count = pages;
  return v;
}

// Removes blobs a dead run of this input committed that the redo did not reproduce (so they are
// unique to that run) and that no version refers to. Runs under the catalog's write lock.
void remove_stale_blobs(storage::Store& store, const std::vector<std::string>& stale) {
  if (stale.empty()) return;
  Status s = store.catalog->write([&](storage::CatalogWriter& w) {
    auto referenced = w.db().prepare("SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1");
    for (const auto& sha : stale) {
      referenced.bind(1, sha);
      const bool used = referenced.step();
      referenced.reset();
      if (used || !store.blobs->contains(sha)) continue;
      if (Status r = store.blobs->remove(sha); !r) fail(r.error());
      spdlog::info("intake: removed blob {} left by an interrupted run", sha);
    }
  });
  if (!s) spdlog::warn("intake: could not remove blobs left by an interrupted run: {}", s.error().describe());
}

class IntakeRun {
 public:
  IntakeRun(JobContext& ctx, IntakeSettings settings) : ctx_(ctx), store_(ctx.store()), settings_(std::move(settings)) {}

  Result<nlohmann::json> run() {
    const auto& inputs = settings_.request.inputs;
    const nlohmann::json& checkpoint = ctx_.job().checkpoint;
    estimate_pages(checkpoint);
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const nlohmann::json* state = find_state(checkpoint, i);
      if (state != nullptr && finished_state(*state)) continue;
      pending.push_back(i);
    }
    // Several inputs are recognised at once (a folder of one-page letters would otherwise use
    // one core), sharing the OCR threads; they are stored one by one in input order.
    const int jobs = settings_.request.jobs > 0
                         ? settings_.request.jobs
                         : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (std::size_t at = 0; at < pending.size();) {
      if (ctx_.stopping()) return Error::conflict("intake stopped before input " + std::to_string(pending[at] + 1));
      const std::size_t window = std::min<std::size_t>(static_cast<std::size_t>(jobs), pending.size() - at);
      const int threads = std::max(1, jobs / static_cast<int>(window));
      std::vector<std::future<PlannedInput>> planning;
      for (std::size_t k = 0; k < window; ++k) {
        const std::size_t index = pending[at + k];
        const nlohmann::json* state = find_state(checkpoint, index);
        nlohmann::json previous = state != nullptr ? *state : nlohmann::json::object();
        planning.push_back(std::async(std::launch::async, [this, index, previous, threads] {
          return plan_one(index, previous, threads);
        }));
      }
      for (auto& f : planning) {
        PlannedInput planned = f.get();
        finish_one(planned);
      }
      at += window;
    }
    report("done");
    return result_from(checkpoint_now_);
  }

 private:
  // One input read and recognised into temporary files, not stored yet.
  struct PlannedInput {
    std::size_t index = 0;
    std::vector<std::string> stale;  // blobs a dead run of this input staged
    std::string label;
    std::optional<TempDir> tmp;
    std::optional<Source> source;
    std::vector<PlannedDocument> plan;
    Status status;
    int recognised = 0;              // pages counted into progress while recognising
    std::string duplicate_of;        // a document already holding the input's bytes
  };

  void report(const std::string& stage) {
    std::lock_guard lock(progress_mutex_);
    const std::int64_t done = done_pages_ + recognising_;
    ctx_.progress(done, std::max(done, total_pages_.load()), stage);
  }

  // Runs on a planning thread: touches only its own PlannedInput, thread-safe stores, and the
  // progress counters.
  PlannedInput plan_one(std::size_t index, const nlohmann::json& previous, int threads) {
    PlannedInput p;
    p.index = index;
    const IntakeInput& input = settings_.request.inputs[index];
    for (const auto& sha : previous.value("derived", nlohmann::json::array())) p.stale.push_back(sha.get<std::string>());
    p.label = input.document_id.empty() ? input.path.filename().string() : input.document_id;
    // Reading and recognising the input: any error here is this input's own (hostile file,
    // encrypted, not a document) and the batch goes on.
    p.status = guard([&] {
      auto tmp = TempDir::create("redbox-intake-");
      if (!tmp) fail(tmp.error());
      p.tmp.emplace(std::move(*tmp));
      p.source = resolve(store_, input);
      // A file stored before (a folder ingested again, a letter scanned in twice) is found by
      // its hash before any OCR is spent on it.
      if (!settings_.request.allow_duplicates && !p.source->existing) {
        p.duplicate_of = stored_original(hash_output(p.source->path, {}).sha256);
        if (!p.duplicate_of.empty()) return;
      }
      int last = 0;
      auto progress = [this, &p, &last](int done, int /*total*/) {
        recognising_ += done - last;
        p.recognised += done - last;
        last = done;
        report("OCR " + p.label);
      };
      p.plan = plan_input(*p.source, settings_, p.tmp->path(), threads, progress);
    });
    return p;
  }

  // The document whose original has these bytes, or "".
  std::string stored_original(const std::string& sha256) const {
    std::string id;
    Status s = store_.catalog->read([&](sql::Database& db) {
      auto q = db.prepare("SELECT document_id FROM versions WHERE sha256 = ? AND kind = 'original' ORDER BY num LIMIT 1");
      q.bind(1, sha256);
      if (q.step()) id = q.text(0);
    });
    if (!s) fail(s.error());
    return id;
  }

  // The SHA-256 of the input file itself in a plan ("" for a stored document's re-intake).
  static std::string input_sha256(const Source& source, const std::vector<PlannedDocument>& plan) {
    if (source.existing) return {};
    for (const auto& doc : plan)
      if (doc.role != "letter" && doc.original) return doc.original->sha256;
    return {};
  }

  void record_duplicate(const PlannedInput& p) {
    remove_stale_blobs(store_, p.stale);
    ctx_.commit([&](storage::CatalogWriter&, nlohmann::json& checkpoint) {
      if (!checkpoint.contains("inputs")) checkpoint["inputs"] = nlohmann::json::object();
      checkpoint["inputs"][key_of(p.index)] = {{"state", "duplicate"}, {"document", p.duplicate_of}};
      checkpoint_now_ = checkpoint;
    });
    total_pages_ -= estimates_[p.index];
    estimates_[p.index] = 0;
    report("already stored " + p.label);
  }

  // On the handler thread, in input order: stores a recognised input, or records its failure.
  void finish_one(PlannedInput& p) {
    recognising_ -= p.recognised;
    Status outcome = p.status;
    // The same bytes earlier in this batch are stored by now (inputs are stored in order).
    if (outcome && p.duplicate_of.empty() && !settings_.request.allow_duplicates) {
      auto earlier = guard([&] { return stored_original(input_sha256(*p.source, p.plan)); });
      if (!earlier) fail(earlier.error());
      p.duplicate_of = *earlier;
    }
    if (outcome && !p.duplicate_of.empty()) {
      record_duplicate(p);
      return;
    }
    if (outcome) {
      // Storing: a conflict (the file changed under us) is this input's; anything else is the
      // store's trouble and stops the job (it can be resumed).
      auto stored = guard([&] { store_plan(p.index, *p.source, p.plan, p.stale); });
      if (stored) return;
      if (stored.error().kind != ErrorKind::conflict) fail(stored.error());
      outcome = stored;
    }
    remove_stale_blobs(store_, p.stale);
    const Error& e = outcome.error();
    // The message may name the file (personal data): debug only; the job result carries it.
    spdlog::debug("intake job {}: input {} failed: {}", ctx_.job().id, p.index + 1, e.describe());
    ctx_.commit([&](storage::CatalogWriter&, nlohmann::json& checkpoint) {
      if (!checkpoint.contains("inputs")) checkpoint["inputs"] = nlohmann::json::object();
      checkpoint["inputs"][key_of(p.index)] = {{"state", "failed"}, {"error", error_json(e)}};
      checkpoint_now_ = checkpoint;
    });
    total_pages_ -= estimates_[p.index];
    estimates_[p.index] = 0;
    report("failed " + p.label);
  }

  // done, failed or duplicate: nothing left to do for the input.
  static bool finished_state(const nlohmann::json& state) {
    const std::string s = state.value("state", "");
    return s == "done" || s == "failed" || s == "duplicate";
  }

  static const nlohmann::json* find_state(const nlohmann::json& checkpoint, std::size_t index) {
    auto inputs = checkpoint.find("inputs");
    if (inputs == checkpoint.end() || !inputs->is_object()) return nullptr;
    auto it = inputs->find(key_of(index));
    return it == inputs->end() ? nullptr : &*it;
  }

  // Page totals for progress: counted cheaply up front; inputs that cannot be counted count 1.
  void estimate_pages(const nlohmann::json& checkpoint) {
    checkpoint_now_ = checkpoint;
    if (!checkpoint_now_.contains("inputs")) checkpoint_now_["inputs"] = nlohmann::json::object();
    const auto& inputs = settings_.request.inputs;
    estimates_.assign(inputs.size(), 1);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const nlohmann::json* state = find_state(checkpoint, i);
      if (state != nullptr && state->value("state", "") == "done") {
        estimates_[i] = state->value("pages", 1);
        done_pages_ += estimates_[i];
      } else if (state != nullptr && finished_state(*state)) {
        estimates_[i] = 0;
      } else if (inputs[i].document_id.empty()) {
        std::error_code ec;
        if (fs::is_regular_file(inputs[i].path, ec)) {
          std::uint64_t size = 0;
          auto head = guard([&] { return read_head(inputs[i].path, size); });
          if (head) {
            auto n = storage::count_pages(inputs[i].path, sniff_media_type(*head));
            if (n && *n > 0) estimates_[i] = *n;
          }
        }
      }
      total_pages_ += estimates_[i];
    }
    report("starting");
  }

  void store_plan(std::size_t index, const Source& source, const std::vector<PlannedDocument>& plan,
                  std::vector<std::string>& stale) {
    // 1. Record what is about to be committed, so a kill in the next step can be cleaned up.
    std::set<std::string> derived;
    std::optional<std::string> input_original;
    for (const auto& doc : plan) {
      for (const Output* o : outputs_of(doc)) {
        if (doc.role != "letter" && doc.original && &*doc.original == o) {
          input_original = o->sha256;
        } else {
          derived.insert(o->sha256);
        }
      }
    }
    std::erase_if(stale, [&](const std::string& sha) { return derived.contains(sha) || sha == input_original; });
    remove_stale_blobs(store_, stale);
    stale.clear();
    ctx_.commit([&](storage::CatalogWriter&, nlohmann::json& checkpoint) {
      if (!checkpoint.contains("inputs")) checkpoint["inputs"] = nlohmann::json::object();
      checkpoint["inputs"][key_of(index)] = {{"state", "staged"}, {"derived", derived}};
      checkpoint_now_ = checkpoint;
    });
    for (const auto& sha : derived) stale.push_back(sha);  // until the documents commit

    // 2. Commit the blobs (durable before any row refers to them).
    for (const auto& doc : plan) {
      for (const Output* o : outputs_of(doc)) {
        auto ref = store_.blobs->put_file(o->file);
        if (!ref) fail(ref.error().within(source.display));
        if (ref->sha256 != o->sha256) {
          fail(Error::conflict(source.display + " changed while it was being ingested; run the intake again"));
        }
      }
    }

    // 3. Documents, versions, fields, search rows and "done" in one transaction.
    const std::string actor = ctx_.job().created_by.empty() ? "system" : ctx_.job().created_by;
    int pages_stored = 0;
    ctx_.commit([&](storage::CatalogWriter& w, nlohmann::json& checkpoint) {
      pages_stored = 0;  // the transaction may be retried
      nlohmann::json documents = nlohmann::json::array();
      std::optional<storage::Document> stack;
      for (const auto& doc : plan) {
        nlohmann::json view = commit_document(w, source, doc, stack, actor);
        if (doc.role == "stack") continue;  // its pages are counted through its letters
        pages_stored += doc.pages;
        documents.push_back(std::move(view));
      }
      if (stack) documents.insert(documents.begin(), nlohmann::json{{"id", stack->id},
                                                                   {"file_name", stack->file_name},
                                                                   {"pages", plan.front().pages},
                                                                   {"role", "stack"}});
      if (!checkpoint.contains("inputs")) checkpoint["inputs"] = nlohmann::json::object();
      checkpoint["inputs"][key_of(index)] = {{"state", "done"}, {"documents", documents}, {"pages", pages_stored}};
      checkpoint_now_ = checkpoint;
    });
    stale.clear();
    total_pages_ += pages_stored - estimates_[index];
    estimates_[index] = pages_stored;
    done_pages_ += pages_stored;
    report("stored " + std::to_string(index + 1) + " of " + std::to_string(settings_.request.inputs.size()));
  }

  nlohmann::json commit_document(storage::CatalogWriter& w, const Source& source, const PlannedDocument& doc,
                                 std::optional<storage::Document>& stack, const std::string& actor) {
    const std::string full_text = [&] {
      std::string t;
      for (const auto& p : doc.page_texts) t += p + "\n\f";
      return t;
    }();
    nlohmann::json intake = {{"job", ctx_.job().id}, {"role", doc.role}, {"pages", doc.pages}};
    if (doc.role != "stack") intake["pages_ocred"] = doc.pages_ocred;
    if (!doc.warnings.empty()) intake["warnings"] = doc.warnings;
    nlohmann::json fields = doc.role == "stack" ? nlohmann::json::object() : settings_.fields.extract(full_text);

    std::string document_id;
    std::string original_version;
    if (source.existing) {
      document_id = source.existing->id;
      for (const auto& v : source.existing->versions) {
        if (v.kind == storage::VersionKind::original) original_version = v.id;
      }
      merge_metadata(w, document_id, {{"intake", intake}, {"fields", fields}}, doc.pages, actor);
    } else {
      storage::NewDocument nd;
      nd.file_name = doc.file_name;
      nd.source = doc.role == "stack" || doc.role == "letter" ? "scan-batch" : settings_.request.source;
      nd.batch_id = ctx_.job().id;
      if (doc.role == "stack") {
        intake["letters"] = doc.letters;
        intake["blank_pages"] = doc.blank_pages;
      }
      if (doc.role == "letter") {
        intake["letter"] = *doc.letter;
        intake["letters"] = doc.letters;
        intake["stack_pages"] = doc.stack_pages;
        if (stack) intake["stack_document"] = stack->id;
      }
      nd.metadata = {{"intake", intake}};
      if (!fields.empty()) nd.metadata["fields"] = fields;
      nd.original = new_version(storage::VersionKind::original, *doc.original, doc.original_pages);
      storage::Document created = w.create_document(nd, actor);
      document_id = created.id;
      original_version = created.versions.front().id;
      if (doc.role == "stack") {
        stack = created;
        return {};
      }
    }
    auto searchable = new_version(storage::VersionKind::searchable, *doc.searchable, doc.pages);
    searchable.derived_from = original_version;
    searchable.metadata = {{"ocr", {{"pages_ocred", doc.pages_ocred},
                                    {"pages_with_text", doc.pages - doc.pages_ocred},
                                    {"languages", settings_.request.languages}}}};
    w.add_version(document_id, searchable, actor);
    auto text = new_version(storage::VersionKind::derived, *doc.text, doc.pages);
    text.derived_from = original_version;
    text.metadata = {{"role", "text"}};
    storage::Version text_version = w.add_version(document_id, text, actor);
    auto words = new_version(storage::VersionKind::derived, *doc.words, doc.pages);
    words.derived_from = original_version;
    words.metadata = {{"role", "words"}};
    w.add_version(document_id, words, actor);
    unindex_document(w.db(), document_id);
    index_pages(w.db(), document_id, text_version.id, doc.page_texts);

    nlohmann::json view = {{"id", document_id}, {"file_name", doc.file_name}, {"pages", doc.pages}, {"role", doc.role}};
    if (doc.letter) view["letter"] = *doc.letter;
    if (!doc.warnings.empty()) view["warnings"] = doc.warnings;
    return view;
  }

  // An upload's document gets its intake metadata the way Catalog::update_metadata would
  // write it, but inside this transaction.
  static void merge_metadata(storage::CatalogWriter& w, const std::string& document_id, const nlohmann::json& patch,
                             int pages, const std::string& actor) {
    auto st = w.db().prepare("SELECT metadata FROM documents WHERE id = ?");
    if (!st.bind(1, document_id).step()) fail(Error::not_found("no document " + document_id));
    nlohmann::json metadata = nlohmann::json::parse(st.text(0), nullptr, false);
    if (!metadata.is_object()) metadata = nlohmann::json::object();
    metadata.merge_patch(patch);
    w.db()
        .prepare("UPDATE documents SET metadata = ?, page_count = coalesce(page_count, ?) WHERE id = ?")
        .bind(1, metadata.dump())
        .bind(2, pages)
        .bind(3, document_id)
        .run();
    storage::AuditEvent e;
    e.actor = actor;
    e.action = "document.metadata_update";
    e.object = document_id;
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& [key, value] : patch.items()) keys.push_back(key);
    e.details = {{"keys", keys}, {"via", "intake"}};
    w.audit(std::move(e));
  }

  nlohmann::json result_from(const nlohmann::json& checkpoint) const {
    nlohmann::json documents = nlohmann::json::array();
    nlohmann::json failed = nlohmann::json::array();
    nlohmann::json duplicates = nlohmann::json::array();
    std::int64_t pages = 0;
    const auto& inputs = settings_.request.inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string input = inputs[i].document_id.empty() ? inputs[i].path.string() : inputs[i].document_id;
      const nlohmann::json* state = find_state(checkpoint, i);
      if (state == nullptr) continue;
      if (state->value("state", "") == "done") {
        for (auto doc : state->value("documents", nlohmann::json::array())) {
          doc["input"] = input;
          documents.push_back(std::move(doc));
        }
        pages += state->value("pages", 0);
      } else if (state->value("state", "") == "failed") {
        failed.push_back({{"input", input}, {"error", state->value("error", nlohmann::json::object())}});
      } else if (state->value("state", "") == "duplicate") {
        duplicates.push_back({{"input", input}, {"document", state->value("document", "")}});
      }
    }
    return {{"documents", documents},
            {"failed", failed},
            {"duplicates", duplicates},
            {"pages", pages},
            {"batch_id", ctx_.job().id}};
  }

  JobContext& ctx_;
  storage::Store& store_;
  IntakeSettings settings_;
  nlohmann::json checkpoint_now_ = nlohmann::json::object();
  std::vector<std::int64_t> estimates_;  // handler thread only
  std::mutex progress_mutex_;            // JobContext::progress is called from planning threads
  std::atomic<std::int64_t> done_pages_{0};    // stored (or done before a resume)
  std::atomic<std::int64_t> recognising_{0};   // recognised by inputs not stored yet
  std::atomic<std::int64_t> total_pages_{0};
};

}  // namespace

nlohmann::json IntakeRequest::to_params() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& in : inputs) {
    if (!in.document_id.empty()) {
      list.push_back({{"document", in.document_id}});
    } else {
      std::error_code ec;
      fs::path absolute = fs::absolute(in.path, ec);
      list.push_back({{"path", (ec ? in.path : absolute).lexically_normal().string()}});
    }
  }
  return {{"inputs", list},
          {"split_on_blank", split_on_blank},
          {"jobs", jobs},
          {"languages", languages},
          {"source", source},
          {"allow_duplicates", allow_duplicates}};
}

Result<IntakeRequest> IntakeRequest::from_params(const nlohmann::json& params) {
  return guard([&] {
    IntakeRequest r;
    if (!params.is_object()) fail(Error::invalid_input("intake parameters must be a JSON object"));
    const auto& inputs = params.at("inputs");
    if (!inputs.is_array() || inputs.empty()) fail(Error::invalid_input("an intake job needs at least one input"));
    for (const auto& in : inputs) {
      IntakeInput input;
      if (in.contains("document")) {
        input.document_id = in.at("document").get<std::string>();
      } else {
        input.path = in.at("path").get<std::string>();
      }
      r.inputs.push_back(std::move(input));
    }
    r.split_on_blank = params.value("split_on_blank", false);
    r.jobs = params.value("jobs", 0);
    r.languages = params.value("languages", std::string("eng"));
    r.source = params.value("source", std::string("cli"));
    r.allow_duplicates = params.value("allow_duplicates", false);
    if (r.jobs < 0 || r.jobs > 64) fail(Error::invalid_input("jobs must be from 0 to 64"));
    if (r.languages.empty()) fail(Error::invalid_input("languages must not be empty"));
    return r;
  });
}

Result<std::vector<fs::path>> expand_intake_paths(const std::vector<std::string>& args) {
  return guard([&] {
    std::vector<fs::path> out;
    for (const auto& arg : args) {
      fs::path p(arg);
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        std::vector<fs::path> found;
        for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
          const std::string name = it->path().filename().string();
          if (!name.empty() && name[0] == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
          }
          if (it->is_regular_file(ec)) found.push_back(it->path());
        }
        if (ec) fail(Error::io("cannot list " + arg + ": " + ec.message()));
        if (found.empty()) fail(Error::invalid_input(arg + " is a folder with no files in it"));
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
      } else if (fs::exists(p, ec)) {
        out.push_back(p);
      } else {
        fail(Error::not_found(arg + ": no such file or folder"));
      }
    }
    return out;
  });
}

Result<nlohmann::json> run_intake(JobContext& ctx) {
  auto request = IntakeRequest::from_params(ctx.job().params);
  if (!request) return request.error();
  auto field_config = field_config_from(ctx.store().config.raw);
  if (!field_config) return field_config.error();
  auto fields = FieldExtractor::create(*field_config);
  if (!fields) return fields.error().within("config.json");
  auto blank = blank_page_options_from(ctx.store().config.raw);
  if (!blank) return blank.error();
  IntakeRun run(ctx, IntakeSettings{std::move(*request), std::move(*fields), *blank});
  return guard([&] { return run.run(); }).value();
}

void register_intake_handler(JobQueue& queue) { queue.register_handler(kIntakeJobKind, run_intake); }

Result<Job> submit_upload_intake(JobQueue& queue, const std::string& document_id, const std::string& actor) {
  IntakeRequest request;
  request.inputs.push_back({{}, document_id});
  request.source = "upload";
  request.jobs = 1;  // the server's job workers share the cores with its request threads
  return queue.submit(kIntakeJobKind, request.to_params(), actor);
}

IntakeSummary intake_summary(const nlohmann::json& result) {
  IntakeSummary s;
  if (!result.is_object()) return s;
  for (const auto& d : result.value("documents", nlohmann::json::array())) {
    IntakeDocument doc;
    doc.id = d.value("id", "");
    doc.file_name = d.value("file_name", "");
    doc.input = d.value("input", "");
    doc.pages = d.value("pages", 0);
    doc.role = d.value("role", "");
    if (d.contains("letter")) doc.letter = d.value("letter", 0);
    for (const auto& w : d.value("warnings", nlohmann::json::array())) {
      if (w.is_string()) doc.warnings.push_back(w.get<std::string>());
    }
    s.documents.push_back(std::move(doc));
  }
  for (const auto& f : result.value("failed", nlohmann::json::array())) {
    const auto& e = f.value("error", nlohmann::json::object());
    ErrorKind kind = ErrorKind::internal;
    const std::string code = e.value("code", "internal");
    for (ErrorKind k : {ErrorKind::invalid_input, ErrorKind::unauthorized, ErrorKind::forbidden, ErrorKind::not_found,
                        ErrorKind::conflict, ErrorKind::too_large, ErrorKind::unsupported, ErrorKind::corrupt,
                        ErrorKind::io, ErrorKind::internal}) {
      if (to_string(k) == code) kind = k;
    }
    s.failed.push_back({f.value("input", ""), Error{kind, e.value("message", "")}});
  }
  for (const auto& d : result.value("duplicates", nlohmann::json::array()))
    s.duplicates.push_back({d.value("input", ""), d.value("document", "")});
  s.pages = result.value("pages", 0);
  return s;
}

}  // namespace redbox::pipeline
