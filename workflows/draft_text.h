// The text of a draft fragment: a small, documented markup, parsed into the blocks and runs of
// rich_pdf.h, and the word tokens that attribution ("blame") and comparison work on.
//
// Markup (one fragment version's text):
//   - blocks are separated by a blank line; consecutive lines of a paragraph are joined by a space
//   - "# Title" on its own line is a heading
//   - "- item" (or "* item") lines are bulleted items, one per line
//   - "1. item" lines are numbered items (the number written is printed)
//   - inline: **bold**, *italic*; an unmatched marker is kept as a literal character
// Words are the whitespace-separated pieces of the text with the markup removed, so making a
// word bold does not change who wrote it.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/rich_pdf.h"

namespace redbox::workflows::draft_text {

// Blocks with runs (no change marks, no labels).
std::vector<rich_pdf::Block> parse(std::string_view markup);

struct Word {
  std::string text;       // no whitespace, no markup
  int block = 0;          // index into parse()'s blocks
  bool bold = false;
  bool italic = false;
};

std::vector<Word> words(const std::vector<rich_pdf::Block>& blocks);
inline std::vector<Word> words(std::string_view markup) { return words(parse(markup)); }

// Plain text of the words joined by single spaces (previews, reports).
std::string plain(const std::vector<Word>& words);

// A 64-bit hash per word (FNV-1a of its text) for the diff.
std::vector<std::uint64_t> word_hashes(const std::vector<Word>& words);

// Checks a fragment text: valid UTF-8, no NUL, at most max_bytes; invalid_input naming the
// fragment otherwise.
void check_text(std::string_view markup, std::string_view what, std::size_t max_bytes = 1 << 20);

}  // namespace redbox::workflows::draft_text
