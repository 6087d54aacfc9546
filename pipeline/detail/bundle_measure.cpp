#include "pipeline/detail/bundle_measure.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "pipeline/detail/bundle_page_measure.h"

namespace redbox::pipeline::detail {
namespace {

// Pages handed to a thread at a time: a short document goes to one thread whole (opening a
// document, its xref and object streams, can cost as much as measuring a few dozen pages); a
// long one is shared in batches.
constexpr int kBatchPages = 150;
// Each measuring context caches fonts and images; the part being assembled is the memory that
// matters, so these stay small.
constexpr std::size_t kMeasureStoreBytes = 24u << 20;

struct Batch {
  std::size_t source;
  int first;
  int last;  // exclusive
};

}  // namespace

std::vector<std::vector<PageGeometry>> measure_sources(const std::vector<const SourceInfo*>& sources, unsigned threads) {
  std::vector<std::vector<PageGeometry>> result(sources.size());
  std::vector<Batch> batches;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    result[i].resize(static_cast<std::size_t>(sources[i]->pages));
    for (int p = 0; p < sources[i]->pages; p += kBatchPages) batches.push_back({i, p, std::min(p + kBatchPages, sources[i]->pages)});
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::optional<Error> first_error;

  auto work = [&] {
    const SourceInfo* current = nullptr;
    try {
      mu::Context ctx = mu::Context::create(kMeasureStoreBytes);
      PageMeasurer measurer(ctx);
      std::optional<std::size_t> open_index;
      mu::PdfDocument open;
      while (!failed) {
        const std::size_t b = next.fetch_add(1);
        if (b >= batches.size()) break;
        const Batch& batch = batches[b];
        current = sources[batch.source];
        if (open_index != batch.source) {
          open.reset();
          open = open_source_pdf(ctx, *sources[batch.source]);
          open_index = batch.source;
        }
        for (int p = batch.first; p < batch.last; ++p)
          result[batch.source][static_cast<std::size_t>(p)] = measurer.measure(open.get(), p);
      }
    } catch (...) {
      Error e = capture_error();
      if (current != nullptr && e.message.find(current->display_name) == std::string::npos) e = e.within(current->display_name);
      std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::move(e);
      failed = true;
    }
  };

  const unsigned n = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(batches.size())));
  if (n <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  if (first_error) fail(*first_error);
  return result;
}

}  // namespace redbox::pipeline::detail
