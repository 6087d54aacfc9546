// End-to-end redaction accuracy on 20 generated letters (the 200-letter run is bench/letters):
// born-digital PDFs redacted by the real engine with the UK detectors and each letter's term
// list, judged against the generator's ground truth with pdftotext and the qpdf stream scan.
// These are accuracy figures, not timings, so the thresholds are asserted.
#include <catch2/catch.hpp>

#include "samples/generator/letter_accuracy.h"
#include "support/test_support.h"

using namespace redbox;

TEST_CASE("redaction of 20 generated letters: recall, precision, no leaks, words kept", "[redact][letters]") {
  REQUIRE(test::have_program("pdftotext"));
  REQUIRE(test::have_program("qpdf"));
  auto dir = test::temp_dir();
  letters::AccuracyOptions o;
  o.seed = 77;  // not the benchmark's seed: the test and the benchmark see different letters
  o.count = 20;
  o.threads = 2;
  o.work_dir = dir.path();
  const auto report = letters::evaluate_letters(o);
  REQUIRE(report.ok());
  WARN(report->summary());
  CHECK(report->letters == 20);
  CHECK(report->identifiers > 300);
  CHECK(report->verification_failures == 0);
  CHECK(report->checksum_found == report->checksum_identifiers);
  CHECK(report->recall() >= 99.0);
  CHECK(report->precision() >= 95.0);
  CHECK(report->leaks_pdftotext == 0);
  CHECK(report->leaks_streams == 0);
  CHECK(report->kept_words() >= 99.0);
  CHECK(report->meets_goals());
}
