// A formatted letter as PDF: paragraphs, headings, bulleted and numbered items, bold and
// italic runs, and (for a reviewer's copy) labels in the left margin beside each block and
// change marks on runs (inserted text underlined, deleted text struck through) with a bar in
// the margin beside blocks changed since the last review. A4, Base-14 fonts (Helvetica
// family, WinAnsi encoding: characters outside it are written as '?'), words wrapped with the
// fonts' real metrics, as many pages as needed, page numbers in the footer.
//
// Used by draft exports (workflows/drafts): the clean final letter (no labels, no change
// marks; deleted runs are simply absent) and the reviewer's copy.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace redbox::workflows::rich_pdf {

enum class Change { none, inserted, deleted };

struct Run {
  std::string text;  // UTF-8; spaces between words are part of the text
  bool bold = false;
  bool italic = false;
  Change change = Change::none;
};

enum class BlockKind { paragraph, heading, bullet_item, numbered_item };

struct Block {
  BlockKind kind = BlockKind::paragraph;
  std::vector<Run> runs;
  int number = 0;                           // for numbered_item: the number printed
  std::vector<std::string> margin_labels;   // e.g. author names; empty in a clean letter
  bool changed_since_review = false;        // draws a change bar in the margin
};

struct Document {
  std::string title;                        // PDF metadata /Title
  std::vector<std::string> header_lines;    // e.g. "Reviewer's copy - SAR-2026-0042 - version 7"
  std::vector<Block> blocks;
  std::string footer;                       // printed with "page N of M"
  bool wide_margin = false;                 // reserve a left margin wide enough for labels
};

// PDF bytes, or invalid_input naming what is wrong (e.g. an empty document).
Result<std::string> render(const Document& document);

}  // namespace redbox::workflows::rich_pdf
