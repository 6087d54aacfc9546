#include "redaction/detail/review_text.h"

#include <cctype>

#include "common/sha256.h"

namespace redbox::redaction::detail {

std::string normalise_for_hash(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isspace(c) != 0) continue;
    out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
  }
  return out;
}

std::string review_text_hash(const std::string& salt, std::string_view text) {
  return sha256_hex(salt + normalise_for_hash(text));
}

std::string masked_preview(std::string_view text) {
  constexpr std::size_t kMaxPreview = 40;
  std::size_t last_digits_from = text.size();
  int digits_seen = 0;
  for (std::size_t i = text.size(); i-- > 0 && digits_seen < 2;) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      ++digits_seen;
      last_digits_from = i;
    }
  }
  std::string out;
  bool word_start = true;
  for (std::size_t i = 0; i < text.size() && out.size() < kMaxPreview; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {  // a non-ASCII letter: masked, continuation bytes dropped
      if ((c & 0xC0) == 0xC0) out += '*';
      word_start = false;
      continue;
    }
    if (std::isalpha(c) != 0) {
      out += word_start ? static_cast<char>(c) : '*';
      word_start = false;
    } else if (std::isdigit(c) != 0) {
      out += i >= last_digits_from ? static_cast<char>(c) : '*';
      word_start = false;
    } else {
      out += std::isspace(c) != 0 ? ' ' : static_cast<char>(c);
      word_start = true;
    }
  }
  return out;
}

std::string text_under(const PageText& page, const std::vector<Quad>& quads) {
  std::vector<Rect> areas;
  areas.reserve(quads.size());
  for (const Quad& q : quads) areas.push_back(q.bounds());
  const std::string& text = page.text();
  std::string out;
  bool gap = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::vector<Quad> q = page.quads_for(i, i + 1);
    bool inside = false;
    if (!q.empty()) {
      Rect r = q.front().bounds();
      float cx = (r.x0 + r.x1) / 2, cy = (r.y0 + r.y1) / 2;
      for (const Rect& a : areas) {
        if (cx >= a.x0 && cx <= a.x1 && cy >= a.y0 && cy <= a.y1) {
          inside = true;
          break;
        }
      }
    }
    if (inside) {
      if (gap && !out.empty()) out += ' ';
      gap = false;
      out += text[i];
    } else if (!out.empty()) {
      gap = true;
    }
  }
  return out;
}

}  // namespace redbox::redaction::detail
