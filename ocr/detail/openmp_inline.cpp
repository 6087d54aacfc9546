#include "ocr/detail/openmp_inline.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>

namespace redbox::ocr::detail {
namespace {

std::atomic<bool>& inline_flag() {
  static std::atomic<bool> on{std::getenv("REDBOX_LIBGOMP_SECTIONS") == nullptr};
  return on;
}

// The region this thread is running inline, if any. Saved and restored around each region, so a
// region opened inside another (not done by Tesseract) still gets its own numbering.
struct InlineRegion {
  bool active = false;
  unsigned next = 1;
  unsigned count = 0;
};
thread_local InlineRegion current;

template <class Fn>
Fn libgomp(const char* name) {
  // RTLD_NEXT: the definition after this executable's in the search order, libgomp's.
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

using ParallelSections = void (*)(void (*)(void*), void*, unsigned, unsigned, unsigned);
using SectionsNext = unsigned (*)();
using SectionsEnd = void (*)();

}  // namespace

bool inline_sections() { return inline_flag().load(std::memory_order_relaxed); }
void set_inline_sections(bool on) { inline_flag().store(on, std::memory_order_relaxed); }

}  // namespace redbox::ocr::detail

// The libgomp ABI (GCC's lowering of `#pragma omp parallel sections`): the region's body `fn`
// asks GOMP_sections_next for section numbers until it returns 0, then calls
// GOMP_sections_end_nowait. Names and signatures are fixed by libgomp (GOMP_4.0 / GOMP_1.0).
extern "C" {

// NOLINTBEGIN(readability-identifier-naming)
void GOMP_parallel_sections(void (*fn)(void*), void* data, unsigned num_threads, unsigned count, unsigned flags) {
  using namespace redbox::ocr::detail;
  static const auto real = libgomp<ParallelSections>("GOMP_parallel_sections");
  if (!inline_sections() && real != nullptr) {
    real(fn, data, num_threads, count, flags);
    return;
  }
  const InlineRegion outer = current;
  current = InlineRegion{true, 1, count};
  fn(data);
  current = outer;
}

unsigned GOMP_sections_next() {
  using namespace redbox::ocr::detail;
  if (current.active) return current.next <= current.count ? current.next++ : 0;
  static const auto real = libgomp<SectionsNext>("GOMP_sections_next");
  return real();
}

void GOMP_sections_end_nowait() {
  using namespace redbox::ocr::detail;
  if (current.active) return;
  static const auto real = libgomp<SectionsEnd>("GOMP_sections_end_nowait");
  real();
}
// NOLINTEND(readability-identifier-naming)

}  // extern "C"
