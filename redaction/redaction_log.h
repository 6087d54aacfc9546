// The record of a redaction, for the case file and for the requester.
//
// The JSON log lists every mark (page, rectangles, kind, reason, source/author, time) and what was
// removed at document level; it NEVER contains redacted text, only SHA-256(salt || text) with a
// random salt per log, so a reviewer holding a candidate value can confirm it was redacted while
// the log itself discloses nothing. The schedule is the requester-facing CSV: page, reason, count.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "redaction/marks.h"

namespace redbox::redaction {

struct PageNote {
  int page = 0;  // 0-based
  std::string note;  // e.g. "not searchable", "rasterised: vector content under a mark"
};

struct RedactionLog {
  std::string salt_hex;  // 16 random bytes, hex
  std::string created_utc;
  std::string input_name;  // file name only
  std::string input_sha256;
  std::string output_sha256;
  std::vector<Mark> marks;
  std::vector<std::string> document_actions;  // "removed document metadata (Info)", ...
  std::vector<PageNote> page_notes;

  // Salted hash of a redacted value as written in the log.
  std::string hash_text(const std::string& text) const;
  nlohmann::json to_json() const;
  // "page,reason,count" rows (1-based pages), sorted by page then reason; whole pages as "withheld".
  std::string schedule_csv() const;
};

RedactionLog new_redaction_log();

}  // namespace redbox::redaction
