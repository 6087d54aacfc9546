// Text with word geometry from MuPDF structured text, for any page MuPDF can open.
//
// MuPDF has no word API: its structured text gives blocks, lines and characters. This helper
// builds words from the characters of each line, splitting on whitespace, and keeps the line
// and block structure plus the plain text in MuPDF's reading order (block by block, line by
// line). Used by OCR (born-digital pages are not OCRed) and by redaction (find the words to
// black out).
//
// Coordinates are MuPDF page space: points, origin at the top-left of the page as displayed
// (after /Rotate), y growing downwards; the same space fz_search_page and fz_bound_page use.
//
// Thread-safety: pure functions; use each Context on its own thread only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/mupdf.h"

namespace redbox::pdftext {

struct Word {
  std::string text;  // UTF-8, no whitespace
  fz_rect box{};     // union of the characters' boxes
  fz_quad quad{};    // quad from the first character's left edge to the last one's right edge
  int line = 0;      // index into PageText::lines
};

struct Line {
  fz_rect box{};
  int block = 0;       // blocks are numbered from 0 in reading order
  int first_word = 0;  // index into PageText::words
  int word_count = 0;
};

struct PageText {
  fz_rect bounds{};         // the page's bounds (fz_bound_page)
  std::vector<Word> words;  // reading order
  std::vector<Line> lines;
  std::string text;             // lines joined by '\n', blocks separated by a blank line
  std::size_t visible_chars = 0;  // characters that are not whitespace or U+FFFD
};

// Reads the words of an already built structured-text page (image blocks are skipped).
PageText from_stext(fz_stext_page* stext);

// Builds the structured text of page (whitespace preserved, no images) and reads its words.
// Throws redbox::Failure (invalid_input) naming the page when MuPDF cannot interpret it.
PageText extract(const mu::Context& ctx, fz_page* page);

}  // namespace redbox::pdftext
