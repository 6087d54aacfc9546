#include "redaction/detect_source.h"

namespace redbox::redaction {

std::vector<TextHit> DetectorHitSource::find(std::string_view text) const {
  std::vector<TextHit> hits;
  for (TextMatch& m : detectors_.find(text)) hits.push_back({m.begin, m.end, std::move(m.detector), std::move(m.reason_code)});
  return hits;
}

}  // namespace redbox::redaction
