// A page's text in reading order with the quad of every byte, so that a [begin, end) match in
// the plain text (from a literal search or a detector) maps back to page regions to redact.
//
// Built from MuPDF's structured text: blocks in MuPDF's order, lines separated by '\n'. Each
// character's UTF-8 bytes share the character's quad; the separators MuPDF or this code inserts
// between lines have no quad.
//
// Thread-safety: a PageText is a plain value; extraction needs the calling thread's Context.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/mupdf.h"
#include "redaction/marks.h"

namespace redbox::redaction {

enum class Searchability {
  searchable,      // text extracted with Unicode for (nearly) every glyph
  partly,          // some glyphs have no Unicode mapping: parts of the page cannot be found by search
  not_searchable,  // the page shows content but has no extractable text (curves, scans without
                   // OCR, fonts without mapping): only area marks, whole-page withholding or OCR help
  blank,           // nothing drawn at all
};

std::string_view to_string(Searchability s);

class PageText {
 public:
  // Extracts the text of a loaded page.
  static PageText extract(const mu::Context& ctx, fz_page* page);

  const std::string& text() const { return text_; }
  Searchability searchability() const { return searchability_; }
  std::size_t char_count() const { return chars_; }
  std::size_t unmapped_count() const { return unmapped_; }

  // The quads covering text()[begin, end): consecutive characters on one line are merged into one
  // quad. Empty if the range holds only separators.
  std::vector<Quad> quads_for(std::size_t begin, std::size_t end) const;

  // Marks for hits found in text(): one text mark per hit with its quads and matched text.
  std::vector<Mark> marks_for(int page, const std::vector<TextHit>& hits, const std::string& default_reason,
                              const std::string& author) const;

 private:
  struct Slot {
    Quad quad;
    int line = -1;  // -1: a separator with no quad
  };
  std::string text_;
  std::vector<Slot> slots_;  // one per byte of text_
  std::size_t chars_ = 0;
  std::size_t unmapped_ = 0;
  Searchability searchability_ = Searchability::blank;
};

}  // namespace redbox::redaction
