// The seam between the detectors (detect.h: plain text in, TextMatch out) and the remover
// (marks.h: TextHitSource). A DetectorHitSource runs a compiled DetectorSet over each page's text
// and hands its matches to page_text.h, which turns them into marks with quads.
//
// Thread-safety: immutable; find() may run on several documents' threads at once (DetectorSet
// is shared read-only).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "redaction/detect.h"
#include "redaction/marks.h"

namespace redbox::redaction {

class DetectorHitSource final : public TextHitSource {
 public:
  explicit DetectorHitSource(DetectorSet detectors) : detectors_(std::move(detectors)) {}
  std::vector<TextHit> find(std::string_view text) const override;

 private:
  DetectorSet detectors_;
};

}  // namespace redbox::redaction
