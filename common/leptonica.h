// RAII ownership of Leptonica objects. Leptonica's destroy functions take a pointer to the
// pointer and null it; these deleters adapt them to std::unique_ptr.
#pragma once

#include <leptonica/allheaders.h>

#include <memory>

namespace redbox::lept {

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
struct PixaDeleter {
  void operator()(PIXA* p) const { pixaDestroy(&p); }
};
struct BoxDeleter {
  void operator()(BOX* p) const { boxDestroy(&p); }
};
struct BoxaDeleter {
  void operator()(BOXA* p) const { boxaDestroy(&p); }
};
struct NumaDeleter {
  void operator()(NUMA* p) const { numaDestroy(&p); }
};

using Pix = std::unique_ptr<PIX, PixDeleter>;
using Pixa = std::unique_ptr<PIXA, PixaDeleter>;
using Box = std::unique_ptr<BOX, BoxDeleter>;
using Boxa = std::unique_ptr<BOXA, BoxaDeleter>;
using Numa = std::unique_ptr<NUMA, NumaDeleter>;

// Leptonica prints errors to stderr by default; Redbox reports errors itself.
void silence_messages();

}  // namespace redbox::lept
