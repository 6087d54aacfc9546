// Independent verification of a redacted PDF before release. It re-opens the OUTPUT from disk
// (sharing no state with the code that removed content) and checks, for every mark:
//   - text: MuPDF's text extraction of every page contains none of the redacted values;
//   - objects: every decoded stream (except image samples and font programs, which the pixel
//     check covers) and every string object holds no redacted value as literal bytes, hex digits,
//     UTF-16BE or UTF-16LE (ASCII case-insensitive); values shorter than 3 bytes are skipped here;
//   - pixels: the marked area, rendered with annotations, is the fill colour (or the label colour);
//     and rendered with the redaction boxes hidden it is one uniform colour, so nothing under a box
//     (text, images, vector art, patterns, soft masks, Type3 glyphs) still shows;
//   - annotations: no annotation of any kind overlaps a mark;
//   - document: a single revision (one %%EOF), not encrypted, no /Info, XMP /Metadata,
//     embedded files or JavaScript;
//   - survival: no stream that the ORIGINAL used on a marked page (contents, images, forms)
//     survives byte-identical as an object that no page or catalog references any more.
// Any failure names the check, the page and the mark.
//
// Convention shared with the remover: redaction boxes are drawn by a Form XObject that the page's
// resources list under kBoxesXObjectName; verification empties it to look under the boxes.
//
// Thread-safety: verify() creates its own MuPDF context; calls on different files may run in
// parallel.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "redaction/marks.h"

namespace redbox::redaction {

inline constexpr const char* kBoxesXObjectName = "RedboxRedactionBoxes";

struct Rgb {
  unsigned char r = 0, g = 0, b = 0;
};

struct VerifyInput {
  std::filesystem::path output;                    // the redacted file, read from disk
  std::optional<std::filesystem::path> original;   // enables the survival check
  std::optional<std::string> original_password;
  std::vector<Mark> marks;
  Rgb fill{0, 0, 0};
  bool labels = false;   // boxes may carry a label drawn in white
  int render_dpi = 96;
  int threads = 2;  // 2: the reading and rendering checks run in parallel; 1: one after the other
};

struct VerifyFinding {
  std::string check;  // "text", "objects", "pixels", "under-box", "annotations", "document", "survival"
  int page = -1;      // 0-based, -1 for document-level
  int mark = -1;      // index into marks, -1 if not tied to one
  std::string message;  // never contains the redacted value
};

struct VerifyReport {
  std::vector<VerifyFinding> findings;
  int pages_checked = 0;
  int marks_checked = 0;
  int streams_scanned = 0;
  int strings_scanned = 0;
  bool passed() const { return findings.empty(); }
  // Pages that failed only the pixel checks (candidates for rasterising).
  std::vector<int> pages_failing_pixels() const;
  std::string summary() const;  // one line per finding
};

// Errors (unreadable output, ...) come back as an Error; leaks come back as findings.
Result<VerifyReport> verify(const VerifyInput& input);

}  // namespace redbox::redaction
