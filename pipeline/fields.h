// Simple field extraction from a letter's text, stored as document metadata ("fields"): dates,
// UK postcodes, e-mail addresses, UK telephone numbers and reference numbers matching
// configurable patterns (RE2, so a pattern from config.json can never run away).
//
// Configuration: the data folder's config.json, key "intake" -> "fields" (all optional):
//   {"intake": {"fields": {"references": {
//       "official_reply": "\\bB[0-9]{6,8}\\b",   // replaces the default of that name
//       "case": "\\bCASE-[0-9]{6}\\b",                      // adds a kind
//       "pq": null                                           // turns a default off
//   }, "max_values": 50}}}
// Defaults (default_reference_patterns()): the reference patterns redaction ships
// (redaction/reasons/reference_patterns.json): official_reply (B + 7 digits), private_office
// (M + 7 digits), treat_official, parliamentary_question (PQ/UIN/HL numbers), foi_reference.
// A pattern with one capturing group stores the group; otherwise the whole match.
//
// Output (the "fields" metadata object), values in order of first appearance, de-duplicated:
//   {"dates": ["2026-03-14"], "postcodes": ["SW1A 2AA"], "emails": ["a@b.gov.uk"],
//    "phones": ["020 7946 0958"], "references": {"official_reply": ["B1234567"]}}
// Dates are normalised to ISO 8601 (UK day-first order for numeric dates); impossible dates
// (31/02/2026) are dropped. Empty kinds are left out.
//
// Thread-safety: a FieldExtractor is immutable after construction and may be shared.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace re2 {
class RE2;
}

namespace redbox::pipeline {

struct FieldConfig {
  std::map<std::string, std::string> references;  // kind -> RE2 pattern
  std::size_t max_values = 50;                     // per kind, so one odd page cannot flood metadata
};

std::map<std::string, std::string> default_reference_patterns();

// Reads config.json's "intake"."fields" over the defaults; invalid_input naming the key when a
// value has the wrong type. Patterns are compiled (and checked) by FieldExtractor::create.
Result<FieldConfig> field_config_from(const nlohmann::json& store_config);

class FieldExtractor {
 public:
  // invalid_input naming the reference kind and RE2's complaint when a pattern does not compile.
  static Result<FieldExtractor> create(const FieldConfig& config);
  FieldExtractor(FieldExtractor&&) noexcept;
  FieldExtractor& operator=(FieldExtractor&&) noexcept;
  ~FieldExtractor();

  nlohmann::json extract(std::string_view text) const;

 private:
  FieldExtractor();
  struct Patterns;
  std::unique_ptr<Patterns> patterns_;
  std::size_t max_values_ = 50;
};

}  // namespace redbox::pipeline
