// Realistic (fictional) UK letters as plain text with ground truth: the address block, a
// reference, body text naming the data subject and third parties, and identifiers a SAR
// caseworker would redact (dates of birth, NI and NHS numbers with valid checksums, phone
// numbers in Ofcom's drama ranges, example.* e-mails, sort codes and accounts, sometimes a card
// number, IBAN, passport, vehicle registration or driving licence). Deterministic from a seed:
// the same seed gives the same letters on every platform (no std:: distributions).
//
// Used by redbox-make-letters (which renders the text to PDFs and degraded scans), by the
// detector accuracy test and by the detector benchmark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace redbox::letters {

struct Identifier {
  std::string detector;  // the redaction detector that should find it: "uk_nino", "term", ...
  std::string text;      // exact text as it appears on the page
  int page = 1;          // 1-based
  std::size_t begin = 0, end = 0;  // byte offsets into that page's text
};

struct Person {
  std::string name;  // "Margaret Ann Holloway"
  bool data_subject = false;
};

struct Letter {
  std::string id;                   // "letter-0001"
  std::vector<std::string> pages;   // plain text of each page, lines separated by '\n'
  std::vector<Identifier> identifiers;
  std::vector<Person> people;       // the names a caseworker would put in the term list
};

// The i-th letter of the stream for `seed` (each letter depends only on seed and index).
Letter make_letter(std::uint64_t seed, std::size_t index);

// The letter's ground truth as JSON (id, people, identifiers with detector/text/page/offsets).
std::string ground_truth_json(const Letter& letter);

}  // namespace redbox::letters
