// OcrJob::run: validate every input, recognise the pages on a pool of workers (each with its
// own MuPDF context and Tesseract), then write the outputs atomically.
//
// Memory: a worker holds one rendered page at a time and finished pages keep only their words,
// so at most `jobs` page images (plus the output writer's one) are alive at once.
#include "ocr/ocr_job.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "common/files.h"
#include "common/leptonica.h"
#include "common/mupdf.h"
#include "ocr/detail/page_processor.h"
#include "ocr/detail/page_work.h"
#include "ocr/detail/pdf_output.h"
#include "ocr/detail/recognizer.h"
#include "ocr/detail/sources.h"

namespace redbox::ocr {
namespace {

using detail::PageWork;
using detail::Source;

struct Task {
  int source = 0;
  int page = 0;
};

void check_options(const OcrOptions& o) {
  if (o.inputs.empty()) fail(Error::invalid_input("no input files given"));
  if (o.jobs < 0 || o.jobs > 256) fail(Error::invalid_input("jobs must be between 0 (one per core) and 256"));
  if (o.languages.empty() || o.languages.find_first_of("/\\ \t") != std::string::npos)
    fail(Error::invalid_input("languages must look like 'eng' or 'eng+fra', got '" + o.languages + "'"));
  if (o.max_image_pixels == 0 || o.max_render_pixels == 0) fail(Error::invalid_input("pixel limits must be positive"));
}

// Opens every input; every bad file is reported (one line each), not just the first.
std::vector<Source> open_sources(const OcrOptions& o) {
  mu::Context ctx = mu::Context::create(o.worker_store_bytes);
  detail::SourceLimits limits{o.max_image_pixels, o.password};
  std::vector<Source> sources;
  std::optional<ErrorKind> first_kind;
  std::string messages;
  for (const auto& path : o.inputs) {
    try {
      sources.push_back(detail::open_source(ctx, path, limits));
    } catch (...) {
      Error e = capture_error();
      if (!first_kind) first_kind = e.kind;
      if (!messages.empty()) messages += '\n';
      messages += e.message;
    }
  }
  if (first_kind) fail(Error{*first_kind, messages});
  return sources;
}

int worker_count(const OcrOptions& o, std::size_t tasks) {
  int jobs = o.jobs;
  if (jobs == 0) jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(tasks, 1)));
}

// Recognises every page; pages come back in output order.
std::vector<PageWork> recognise_pages(const OcrOptions& o, const std::vector<Source>& sources, int workers) {
  std::vector<Task> tasks;
  for (std::size_t s = 0; s < sources.size(); ++s)
    for (int p = 0; p < sources[s].pages; ++p) tasks.push_back({static_cast<int>(s), p});
  std::vector<PageWork> pages(tasks.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards first_error, done and the callbacks
  std::optional<Error> first_error;
  int done = 0;
  const int total = static_cast<int>(tasks.size());

  auto worker = [&] {
    try {
      detail::PageProcessor processor(o, sources);
      for (std::size_t i = next++; i < tasks.size() && !stop; i = next++) {
        PageWork work = processor.process(tasks[i].source, tasks[i].page);
        work.result.page = static_cast<int>(i) + 1;
        std::lock_guard lock(mutex);
        pages[i] = std::move(work);
        ++done;
        if (o.on_page) o.on_page(pages[i].result);
        if (o.progress) o.progress(done, total);
      }
    } catch (...) {
      Error e = capture_error();
      std::lock_guard lock(mutex);
      if (!first_error) first_error = std::move(e);
      stop = true;
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers));
  for (int t = 1; t < workers; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (first_error) fail(*first_error);
  return pages;
}

void write_output(const std::filesystem::path& path, const std::string& bytes, std::vector<AtomicFile>& pending) {
  AtomicFile file = AtomicFile::create(path).value();
  file.write(bytes).throw_if_error();
  pending.push_back(std::move(file));
}

OcrResult run_job(const OcrOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  check_options(o);
  // Before the first Tesseract is created (see limit_tesseract_threads).
  detail::limit_tesseract_threads();
  lept::silence_messages();
  const std::vector<Source> sources = open_sources(o);
  std::size_t total_pages = 0;
  for (const Source& s : sources) total_pages += static_cast<std::size_t>(s.pages);

  OcrResult result;
  for (const Source& s : sources) result.warnings.insert(result.warnings.end(), s.warnings.begin(), s.warnings.end());
  result.jobs = worker_count(o, total_pages);
  std::vector<PageWork> pages = recognise_pages(o, sources, result.jobs);

  std::string pdf;
  if (!o.output_pdf.empty() || o.keep_pdf_bytes) {
    mu::Context ctx = mu::Context::create(o.worker_store_bytes);
    pdf = detail::write_searchable_pdf(ctx, sources, pages, o.password);
  }
  for (PageWork& w : pages) {
    if (w.result.ocred) ++result.pages_ocred;
    else ++result.pages_with_text;
    result.pages.push_back(std::move(w.result));
  }

  // Every output is complete in a temporary file before any of them is renamed into place;
  // an error before the commits removes the temporaries (AtomicFile's destructor).
  std::vector<AtomicFile> pending;
  if (!o.output_pdf.empty()) write_output(o.output_pdf, pdf, pending);
  if (o.text_path) write_output(*o.text_path, plain_text(result), pending);
  if (o.words_path) write_output(*o.words_path, words_json(result), pending);
  for (AtomicFile& f : pending) f.commit().throw_if_error();
  if (o.keep_pdf_bytes) result.pdf = std::move(pdf);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

Result<OcrResult> OcrJob::run() {
  return guard([&] { return run_job(options_); });
}

}  // namespace redbox::ocr
