// End-to-end accuracy of redaction on generated letters: each letter is rendered to a
// born-digital PDF, redacted by the real engine (run_redact_job with the UK detectors and the
// letter's own term list, verification included) and the output is judged against the
// generator's ground truth:
//   - recall: every ground-truth identifier has a mark of the same type (detector) on its page
//     whose text is the identifier's text (white space ignored); checksum-validated types apart;
//   - precision: marks that match a ground-truth identifier / all marks;
//   - leaks: no identifier (nor its de-hyphenated form) is in `pdftotext` output of the redacted
//     file, nor in its bytes after `qpdf --qdf` decompression (the "stream scan");
//   - kept words: the words of the letter outside every identifier that `pdftotext` still
//     extracts from the redacted file (over-redaction shows up here).
// Used by bench/letters (200+ letters) and by tests/redaction (20 letters, thresholds asserted).
// Needs pdftotext (poppler-utils) and qpdf on PATH.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"

namespace redbox::letters {

struct AccuracyOptions {
  std::uint64_t seed = 20261123;
  std::size_t first = 0;
  std::size_t count = 20;
  int threads = 2;                    // letters redacted in parallel
  std::filesystem::path work_dir;     // inputs and outputs are written here
  bool stream_scan = true;            // also run qpdf --qdf over every output
};

struct DetectorTally {
  int expected = 0;
  int found = 0;
};

struct AccuracyReport {
  int letters = 0, pages = 0;
  int identifiers = 0, identifiers_found = 0;
  int checksum_identifiers = 0, checksum_found = 0;
  int marks = 0, marks_true = 0;
  int leaks_pdftotext = 0, leaks_streams = 0;
  int words_outside = 0, words_kept = 0;
  int verification_failures = 0;
  double seconds = 0;
  std::map<std::string, DetectorTally> per_detector;
  std::vector<std::string> misses, extras, leaks, failures;  // first few of each, for the report

  double recall() const { return identifiers ? 100.0 * identifiers_found / identifiers : 0; }
  double checksum_recall() const { return checksum_identifiers ? 100.0 * checksum_found / checksum_identifiers : 0; }
  double precision() const { return marks ? 100.0 * marks_true / marks : 0; }
  double kept_words() const { return words_outside ? 100.0 * words_kept / words_outside : 0; }
  bool meets_goals() const;  // recall 100% checksum / >= 99% overall, precision >= 95%, no leaks, kept >= 99%
  std::string summary() const;
};

// Detectors whose matches are checksum-validated (Luhn, mod-11, mod-97, NINO prefix rules,
// licence date rules).
bool is_checksum_detector(const std::string& detector);

Result<AccuracyReport> evaluate_letters(const AccuracyOptions& options);

}  // namespace redbox::letters
