// What to redact. A Mark is one region of one page to be removed: text found by a detector or a
// literal search (with its quads), an area drawn by a caseworker, or a whole page withheld.
// Coordinates are PDF points in MuPDF page space (origin top-left, y down, page rotation
// applied), the space in which MuPDF reports text quads and renders pages.
//
// Marks carry the matched text only so that verification can look for it in the output; the
// redaction log never records it (only a salted hash, see redaction_log.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace redbox::redaction {

struct Point {
  float x = 0;
  float y = 0;
};

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return !(x1 > x0 && y1 > y0); }
  bool intersects(const Rect& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// Four corners in MuPDF order: upper-left, upper-right, lower-left, lower-right (text quads may be
// rotated or skewed).
struct Quad {
  Point ul, ur, ll, lr;
  static Quad from_rect(const Rect& r) { return {{r.x0, r.y0}, {r.x1, r.y0}, {r.x0, r.y1}, {r.x1, r.y1}}; }
  Rect bounds() const;
};

enum class MarkKind {
  text,        // text found on the page (quads from page_text)
  area,        // a rectangle chosen by a person
  whole_page,  // the page is withheld: everything on it is removed
};

struct Mark {
  int page = 0;  // 0-based page index
  MarkKind kind = MarkKind::area;
  std::vector<Quad> quads;  // empty for whole_page (the page box is used)
  std::string text;         // the matched text; empty for area and whole-page marks
  std::string source;       // detector name, "find" for a literal phrase, or "manual"
  std::string reason;       // reason code shown in the schedule and optional label, e.g. "S40(2)"
  std::string author;       // who asked for it (caseworker id or the tool)

  Rect bounds() const;
};

std::string_view to_string(MarkKind kind);

// A match in a page's plain text (byte offsets into PageText::text()). This is the seam between
// "where does sensitive text occur" (literal phrases here; the detectors' TextMatch elsewhere) and
// "turn it into marks" (page_text.h).
struct TextHit {
  std::size_t begin = 0;
  std::size_t end = 0;      // exclusive
  std::string source;       // detector name
  std::string reason;       // reason code; empty = use the job's default reason
};

// Anything that finds sensitive spans in plain text. Implementations must be thread-compatible:
// find() is const and may be called from several documents' worker threads at once.
class TextHitSource {
 public:
  virtual ~TextHitSource() = default;
  virtual std::vector<TextHit> find(std::string_view text) const = 0;
};

// A literal phrase, matched case-insensitively (ASCII letters; other bytes exactly), where any
// run of white space in the phrase matches any run of white space in the text (so a phrase still
// matches across a line break).
class LiteralPhraseSource final : public TextHitSource {
 public:
  LiteralPhraseSource(std::vector<std::string> phrases, std::string reason);
  std::vector<TextHit> find(std::string_view text) const override;

 private:
  std::vector<std::string> phrases_;
  std::string reason_;
};

}  // namespace redbox::redaction
