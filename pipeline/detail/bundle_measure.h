// Measuring every page to be stamped (its bounds and whether what it draws reaches the stamp
// band, see bundle_page_measure.h) on background threads while the parts are assembled.
// Measuring means running each page's content through MuPDF, about half the cost of a stamped
// bundle; assembling only copies objects. So the two overlap: the threads measure the sources
// in the order the bundle needs them and the assembler waits only for a page not measured yet.
// Each thread has its own MuPDF context and opens the sources itself.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "pipeline/detail/bundle_sources.h"
#include "pipeline/detail/bundle_stamp.h"

namespace redbox::pipeline::detail {

class PageMeasurements {
 public:
  // Starts measuring sources (give them in the order their pages will be asked for) on
  // `threads` background threads (at least one). Sources with the same SHA-256 (the same
  // attachment in two e-mails) are measured once.
  PageMeasurements(std::vector<const SourceInfo*> sources, unsigned threads);
  PageMeasurements(const PageMeasurements&) = delete;
  PageMeasurements& operator=(const PageMeasurements&) = delete;
  // Stops the threads (at their next page) and waits for them.
  ~PageMeasurements();

  // Page `page` of sources[source], waiting until it is measured. Throws the measuring error
  // (naming the file and page) if measuring stopped before reaching it.
  PageGeometry get(std::size_t source, int page);

 private:
  struct Batch {
    std::size_t source;
    int first;
    int last;  // exclusive
  };
  void work();
  void stop_and_join();

  std::vector<const SourceInfo*> sources_;
  std::vector<std::vector<PageGeometry>> result_;  // [measured source][page]
  std::vector<std::size_t> measured_as_;           // per source: whose measurements it uses
  std::vector<std::size_t> first_batch_;           // per measured source
  std::vector<Batch> batches_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable measured_;
  std::vector<char> done_;      // per batch; under mutex_
  std::optional<Error> error_;  // the first error; under mutex_
  std::vector<std::thread> threads_;
};

}  // namespace redbox::pipeline::detail
