#include "redaction/marks.h"

#include <algorithm>
#include <cctype>

namespace redbox::redaction {

Rect Quad::bounds() const {
  Rect r{std::min({ul.x, ur.x, ll.x, lr.x}), std::min({ul.y, ur.y, ll.y, lr.y}),
         std::max({ul.x, ur.x, ll.x, lr.x}), std::max({ul.y, ur.y, ll.y, lr.y})};
  return r;
}

Rect Mark::bounds() const {
  Rect r{};
  bool first = true;
  for (const Quad& q : quads) {
    Rect b = q.bounds();
    if (first) {
      r = b;
      first = false;
    } else {
      r = {std::min(r.x0, b.x0), std::min(r.y0, b.y0), std::max(r.x1, b.x1), std::max(r.y1, b.y1)};
    }
  }
  return r;
}

std::string_view to_string(MarkKind kind) {
  switch (kind) {
    case MarkKind::text: return "text";
    case MarkKind::area: return "area";
    case MarkKind::whole_page: return "whole_page";
  }
  return "area";
}

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
unsigned char fold(unsigned char c) { return static_cast<unsigned char>(std::tolower(c)); }

// Length of the match of phrase at text[pos], or 0.
std::size_t match_at(std::string_view text, std::size_t pos, std::string_view phrase) {
  std::size_t t = pos;
  std::size_t p = 0;
  while (p < phrase.size()) {
    auto pc = static_cast<unsigned char>(phrase[p]);
    if (is_space(pc)) {
      while (p < phrase.size() && is_space(static_cast<unsigned char>(phrase[p]))) ++p;
      if (t >= text.size() || !is_space(static_cast<unsigned char>(text[t]))) return 0;
      while (t < text.size() && is_space(static_cast<unsigned char>(text[t]))) ++t;
      continue;
    }
    if (t >= text.size() || fold(static_cast<unsigned char>(text[t])) != fold(pc)) return 0;
    ++t;
    ++p;
  }
  return t - pos;
}

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && is_space(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

LiteralPhraseSource::LiteralPhraseSource(std::vector<std::string> phrases, std::string reason)
    : reason_(std::move(reason)) {
  for (const std::string& p : phrases) {
    std::string t = trim(p);
    if (!t.empty()) phrases_.push_back(std::move(t));
  }
}

std::vector<TextHit> LiteralPhraseSource::find(std::string_view text) const {
  std::vector<TextHit> hits;
  for (const std::string& phrase : phrases_) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t n = match_at(text, pos, phrase);
      if (n == 0) {
        ++pos;
        continue;
      }
      hits.push_back({pos, pos + n, "find", reason_});
      pos += n;
    }
  }
  return hits;
}

}  // namespace redbox::redaction
