// The plain-text and words-JSON serialisations of an OCR result.
#include <cmath>
#include <nlohmann/json.hpp>

#include "ocr/ocr_job.h"

namespace redbox::ocr {
namespace {

// Two decimals: a hundredth of a point is far below print resolution and keeps files small.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

nlohmann::json box_json(const std::array<double, 4>& b) {
  return nlohmann::json::array({round2(b[0]), round2(b[1]), round2(b[2]), round2(b[3])});
}

}  // namespace

std::string words_json(const OcrResult& result) {
  nlohmann::json pages = nlohmann::json::array();
  for (const PageResult& p : result.pages) {
    nlohmann::json words = nlohmann::json::array();
    for (const Word& w : p.words)
      words.push_back({{"text", w.text}, {"box", box_json(w.box)}, {"confidence", round2(w.confidence)}, {"line", w.line}});
    nlohmann::json lines = nlohmann::json::array();
    for (const Line& l : p.lines)
      lines.push_back({{"box", box_json(l.box)}, {"block", l.block}, {"first_word", l.first_word}, {"word_count", l.word_count}});
    pages.push_back({{"page", p.page},
                     {"source", p.source},
                     {"source_page", p.source_page},
                     {"width", round2(p.width)},
                     {"height", round2(p.height)},
                     {"ocred", p.ocred},
                     {"orientation", p.orientation},
                     {"skew", round2(p.skew_degrees)},
                     {"dpi", round2(p.dpi)},
                     {"recognition_dpi", round2(p.recognition_dpi)},
                     {"downsampled", p.downsampled},
                     {"words", std::move(words)},
                     {"lines", std::move(lines)}});
  }
  nlohmann::json doc = {{"units", "pt"}, {"origin", "top-left"}, {"pages", std::move(pages)}};
  // Invalid UTF-8 from a damaged text layer is replaced rather than failing the whole job.
  return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string plain_text(const OcrResult& result) {
  std::string out;
  for (std::size_t i = 0; i < result.pages.size(); ++i) {
    if (i > 0) out += '\f';
    out += result.pages[i].text;
    if (!result.pages[i].text.empty()) out += '\n';
  }
  return out;
}

}  // namespace redbox::ocr
