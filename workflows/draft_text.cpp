#include "workflows/draft_text.h"

#include <cctype>

#include "common/error.h"

namespace redbox::workflows::draft_text {

namespace {

bool blank(std::string_view line) {
  for (char c : line) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "12. text" -> 12 and the text; -1 if the line is not a numbered item.
int numbered_prefix(std::string_view line, std::string_view& rest) {
  std::size_t i = 0;
  int n = 0;
  while (i < line.size() && i < 6 && std::isdigit(static_cast<unsigned char>(line[i]))) n = n * 10 + (line[i++] - '0');
  if (i == 0 || i + 1 >= line.size() || line[i] != '.' || line[i + 1] != ' ') return -1;
  rest = line.substr(i + 2);
  return n;
}

// Inline markup -> runs. Markers toggle only when a closing marker exists later in the text.
std::vector<rich_pdf::Run> inline_runs(std::string_view text) {
  std::vector<rich_pdf::Run> runs;
  bool bold = false, italic = false;
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    if (!runs.empty() && runs.back().bold == bold && runs.back().italic == italic) {
      runs.back().text += current;
    } else {
      runs.push_back({current, bold, italic, rich_pdf::Change::none});
    }
    current.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "**") == 0 && (bold || text.find("**", i + 2) != std::string_view::npos)) {
      flush();
      bold = !bold;
      i += 2;
      continue;
    }
    if (text[i] == '*' && (italic || text.find('*', i + 1) != std::string_view::npos)) {
      flush();
      italic = !italic;
      i += 1;
      continue;
    }
    current += text[i++];
  }
  flush();
  return runs;
}

}  // namespace

std::vector<rich_pdf::Block> parse(std::string_view markup) {
  std::vector<rich_pdf::Block> blocks;
  std::string paragraph;
  auto flush_paragraph = [&] {
    if (paragraph.empty()) return;
    rich_pdf::Block b;
    b.kind = rich_pdf::BlockKind::paragraph;
    b.runs = inline_runs(paragraph);
    blocks.push_back(std::move(b));
    paragraph.clear();
  };
  std::size_t pos = 0;
  while (pos <= markup.size()) {
    std::size_t nl = markup.find('\n', pos);
    std::string_view line = markup.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? markup.size() + 1 : nl + 1;
    if (blank(line)) {
      flush_paragraph();
      continue;
    }
    std::string_view t = trim(line);
    std::string_view rest;
    rich_pdf::Block b;
    if (t.size() > 2 && t[0] == '#' && t[1] == ' ') {
      b.kind = rich_pdf::BlockKind::heading;
      rest = trim(t.substr(2));
    } else if (t.size() > 2 && (t[0] == '-' || t[0] == '*') && t[1] == ' ') {
      b.kind = rich_pdf::BlockKind::bullet_item;
      rest = trim(t.substr(2));
    } else if (int n = numbered_prefix(t, rest); n >= 0) {
      b.kind = rich_pdf::BlockKind::numbered_item;
      b.number = n;
      rest = trim(rest);
    } else {
      if (!paragraph.empty()) paragraph += ' ';
      paragraph += t;
      continue;
    }
    flush_paragraph();
    b.runs = inline_runs(rest);
    blocks.push_back(std::move(b));
  }
  flush_paragraph();
  return blocks;
}

std::vector<Word> words(const std::vector<rich_pdf::Block>& blocks) {
  std::vector<Word> out;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    bool open = false;  // a word may continue across runs ("**Re**port")
    for (const auto& run : blocks[b].runs) {
      for (char c : run.text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
          open = false;
          continue;
        }
        if (!open) {
          out.push_back({std::string(), static_cast<int>(b), run.bold, run.italic});
          open = true;
        }
        out.back().text += c;
      }
    }
  }
  return out;
}

std::string plain(const std::vector<Word>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += ' ';
    s += w.text;
  }
  return s;
}

std::vector<std::uint64_t> word_hashes(const std::vector<Word>& words) {
  std::vector<std::uint64_t> out;
  out.reserve(words.size());
  for (const auto& w : words) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : w.text) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    out.push_back(h);
  }
  return out;
}

void check_text(std::string_view markup, std::string_view what, std::size_t max_bytes) {
  if (markup.size() > max_bytes) {
    fail(Error::too_large(std::string(what) + ": the text is " + std::to_string(markup.size()) + " bytes, over the limit of " +
                          std::to_string(max_bytes)));
  }
  for (std::size_t i = 0; i < markup.size();) {
    auto c = static_cast<unsigned char>(markup[i]);
    if (c == 0) fail(Error::invalid_input(std::string(what) + ": the text contains a NUL byte at offset " + std::to_string(i)));
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > markup.size()) {
      fail(Error::invalid_input(std::string(what) + ": the text is not valid UTF-8 (offset " + std::to_string(i) + ")"));
    }
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(markup[i + k]) >> 6) != 2) {
        fail(Error::invalid_input(std::string(what) + ": the text is not valid UTF-8 (offset " + std::to_string(i) + ")"));
      }
    }
    i += len;
  }
}

}  // namespace redbox::workflows::draft_text
