// Measuring every page to be stamped (its bounds and the bounding box of what it draws, see
// bundle_stamp.h) before the parts are assembled, on several threads. Measuring means running
// each page's content through MuPDF, which is most of the cost of stamping; assembling a part
// only copies objects. Each thread has its own MuPDF context and opens the sources itself.
#pragma once

#include <vector>

#include "pipeline/detail/bundle_sources.h"
#include "pipeline/detail/bundle_stamp.h"

namespace redbox::pipeline::detail {

// result[i][p] is page p of sources[i]. threads <= 1 measures on the calling thread. The first
// error (naming the file and page) is thrown after every thread has stopped.
std::vector<std::vector<PageGeometry>> measure_sources(const std::vector<const SourceInfo*>& sources, unsigned threads);

}  // namespace redbox::pipeline::detail
