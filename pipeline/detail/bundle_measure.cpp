#include "pipeline/detail/bundle_measure.h"

#include <map>
#include <string>

#include "pipeline/detail/bundle_page_measure.h"

namespace redbox::pipeline::detail {
namespace {

// Pages handed to a thread at a time: small enough that the assembler soon has pages to copy,
// large enough that a thread seldom reopens a document (opening one, its xref and object
// streams, can cost as much as measuring a few dozen pages).
constexpr int kBatchPages = 40;
// Each measuring context caches fonts and images; the part being assembled is the memory that
// matters, so these stay small.
constexpr std::size_t kMeasureStoreBytes = 24u << 20;

}  // namespace

PageMeasurements::PageMeasurements(std::vector<const SourceInfo*> sources, unsigned threads)
    : sources_(std::move(sources)), result_(sources_.size()), measured_as_(sources_.size()),
      first_batch_(sources_.size()) {
  std::map<std::string, std::size_t> first_with_hash;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const auto [it, first] = first_with_hash.emplace(sources_[i]->sha256, i);
    measured_as_[i] = first || sources_[i]->sha256.empty() ? i : it->second;
    if (measured_as_[i] != i) continue;
    result_[i].resize(static_cast<std::size_t>(sources_[i]->pages));
    first_batch_[i] = batches_.size();
    for (int p = 0; p < sources_[i]->pages; p += kBatchPages)
      batches_.push_back({i, p, std::min(p + kBatchPages, sources_[i]->pages)});
  }
  done_.assign(batches_.size(), 0);
  const unsigned n = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(batches_.size())));
  try {
    for (unsigned t = 0; t < n && !batches_.empty(); ++t) threads_.emplace_back([this] { work(); });
  } catch (...) {
    stop_and_join();
    throw;
  }
}

PageMeasurements::~PageMeasurements() { stop_and_join(); }

void PageMeasurements::stop_and_join() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

PageGeometry PageMeasurements::get(std::size_t source, int page) {
  const std::size_t s = measured_as_.at(source);
  if (page < 0 || static_cast<std::size_t>(page) >= result_[s].size())
    fail(Error::internal("no page " + std::to_string(page + 1) + " in " + sources_[source]->display_name));
  const std::size_t b = first_batch_[s] + static_cast<std::size_t>(page / kBatchPages);
  std::unique_lock lock(mutex_);
  measured_.wait(lock, [&] { return done_[b] != 0 || error_.has_value(); });
  if (done_[b] == 0) fail(*error_);
  return result_[s][static_cast<std::size_t>(page)];
}

void PageMeasurements::work() {
  const SourceInfo* current = nullptr;
  try {
    mu::Context ctx = mu::Context::create(kMeasureStoreBytes);
    PageMeasurer measurer(ctx);
    std::optional<std::size_t> open_index;
    mu::PdfDocument open;
    while (!stop_) {
      const std::size_t b = next_.fetch_add(1);
      if (b >= batches_.size()) break;
      const Batch& batch = batches_[b];
      current = sources_[batch.source];
      if (open_index != batch.source) {
        open.reset();
        open = open_source_pdf(ctx, *current);
        open_index = batch.source;
      }
      for (int p = batch.first; p < batch.last && !stop_; ++p)
        result_[batch.source][static_cast<std::size_t>(p)] = measurer.measure(open.get(), p);
      if (stop_) break;
      {
        std::lock_guard lock(mutex_);
        done_[b] = 1;
      }
      measured_.notify_all();
    }
  } catch (...) {
    Error e = capture_error();
    if (current != nullptr && e.message.find(current->display_name) == std::string::npos)
      e = e.within(current->display_name);
    {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::move(e);
    }
    stop_ = true;
    measured_.notify_all();
  }
}

}  // namespace redbox::pipeline::detail
