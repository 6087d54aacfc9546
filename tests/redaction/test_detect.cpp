// Every built-in detector: positives, negatives and checksum/format rejects; overlap rules;
// options validation; reason codes; reference patterns.
#include <catch2/catch.hpp>

#include <thread>

#include "redaction/detect.h"

using namespace redbox::redaction;

namespace {

DetectorSet only(const std::string& detector) {
  DetectorOptions o;
  o.enabled = {detector};
  return DetectorSet::compile(o).value();
}

std::vector<std::string> found(const DetectorSet& set, std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : set.find(text)) out.emplace_back(text.substr(m.begin, m.end - m.begin));
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("e-mail addresses", "[detect]") {
  auto s = only("email");
  CHECK(found(s, "write to jane.doe+sar@example.co.uk today") == Strings{"jane.doe+sar@example.co.uk"});
  CHECK(found(s, "mail j.o-brien@mail.example.org.") == Strings{"j.o-brien@mail.example.org"});
  CHECK(found(s, "no address here@ or @example.com").empty());
  CHECK(found(s, "user@localhost is not routable").empty());
}

TEST_CASE("UK telephone numbers", "[detect]") {
  auto s = only("phone");
  CHECK(found(s, "call 020 7946 0018 now") == Strings{"020 7946 0018"});
  CHECK(found(s, "mobile 07700 900123.") == Strings{"07700 900123"});
  CHECK(found(s, "tel: 07700900123") == Strings{"07700900123"});
  CHECK(found(s, "(01632) 960 001") == Strings{"(01632) 960 001"});
  CHECK(found(s, "+44 (0)20 7946 0018") == Strings{"+44 (0)20 7946 0018"});
  CHECK(found(s, "+447700900123") == Strings{"+447700900123"});
  CHECK(found(s, "0044 113 496 0000") == Strings{"0044 113 496 0000"});
  CHECK(found(s, "0161-496-0000") == Strings{"0161-496-0000"});
  CHECK(found(s, "Freephone 0800 123 456") == Strings{"0800 123 456"});
  // Rejects: too short, too long, bad trunk digit, unbalanced parenthesis.
  CHECK(found(s, "020 7946 001").empty());
  CHECK(found(s, "case 1234 5678 901").empty());
  CHECK(found(s, "00 1234 567890").empty());
  CHECK(found(s, "(020 7946 0018").size() <= 1);
}

TEST_CASE("UK postcodes", "[detect]") {
  auto s = only("uk_postcode");
  CHECK(found(s, "London SW1A 2AA") == Strings{"SW1A 2AA"});
  CHECK(found(s, "Leeds LS6 3QW, and M1 1AE") == Strings{"LS6 3QW", "M1 1AE"});
  CHECK(found(s, "QA1 1AA").empty());
  CHECK(found(s, "M1 1CA").empty());
  CHECK(found(s, "sw1a 2aa").empty());  // lower case is not matched (too many false positives)
}

TEST_CASE("National Insurance numbers", "[detect]") {
  auto s = only("uk_nino");
  CHECK(found(s, "NI number: QQ 12 34 56 C").empty());        // Q is never used
  CHECK(found(s, "NI number: AB 12 34 56 C") == Strings{"AB 12 34 56 C"});
  CHECK(found(s, "NI AB123456C.") == Strings{"AB123456C"});
  CHECK(found(s, "ab123456d") == Strings{"ab123456d"});
  for (const char* bad : {"GB123456A", "BG123456A", "NK123456A", "KN123456A", "TN123456A", "NT123456A", "ZZ123456A",
                          "AO123456A", "DA123456A", "AB123456E", "AB12345C"})
    CHECK(found(s, bad).empty());
}

TEST_CASE("NHS numbers (modulus 11)", "[detect]") {
  auto s = only("nhs_number");
  CHECK(found(s, "NHS no 943 476 5919.") == Strings{"943 476 5919"});
  CHECK(found(s, "9434765919") == Strings{"9434765919"});
  CHECK(found(s, "943-476-5919") == Strings{"943-476-5919"});
  CHECK(found(s, "943 476 5918").empty());   // wrong check digit
  CHECK(found(s, "943-476 5919").empty());   // mixed separators
  CHECK(found(s, "1234567890").empty());     // check digit would be 10
}

TEST_CASE("dates of birth need a cue", "[detect]") {
  auto s = only("date_of_birth");
  CHECK(found(s, "DOB: 12/03/1984") == Strings{"12/03/1984"});
  CHECK(found(s, "D.O.B. 1.2.1950") == Strings{"1.2.1950"});
  CHECK(found(s, "date of birth\n3rd March 1984") == Strings{"3rd March 1984"});
  CHECK(found(s, "she was born on 14 February 1990 in Leeds") == Strings{"14 February 1990"});
  CHECK(found(s, "Date of Birth: 1984-03-12") == Strings{"1984-03-12"});
  CHECK(found(s, "born March 3, 1984") == Strings{"March 3, 1984"});
  CHECK(found(s, "Letter dated 12/03/1984").empty());   // no cue
  CHECK(found(s, "DOB: 31/02/1984").empty());           // no such day
  CHECK(found(s, "DOB: 12/13/1984").empty());           // UK order: no 13th month
}

TEST_CASE("sort codes and account numbers", "[detect]") {
  auto sc = only("sort_code");
  CHECK(found(sc, "sort code 12-34-56") == Strings{"12-34-56"});
  CHECK(found(sc, "Sort code: 123456") == Strings{"123456"});
  CHECK(found(sc, "12-34-5").empty());
  CHECK(found(sc, "reference 123456").empty());
  auto ac = only("bank_account");
  CHECK(found(ac, "account number 12345678") == Strings{"12345678"});
  CHECK(found(ac, "A/C no. 1234 5678") == Strings{"1234 5678"});
  CHECK(found(ac, "invoice 12345678").empty());
  CHECK(found(ac, "account number 1234567").empty());
}

TEST_CASE("payment cards (Luhn)", "[detect]") {
  auto s = only("payment_card");
  CHECK(found(s, "card 4111 1111 1111 1111 expires") == Strings{"4111 1111 1111 1111"});
  CHECK(found(s, "4111-1111-1111-1111") == Strings{"4111-1111-1111-1111"});
  CHECK(found(s, "Amex 3714 496353 98431") == Strings{"3714 496353 98431"});
  CHECK(found(s, "4111 1111 1111 1112").empty());  // Luhn
  CHECK(found(s, "4111 1111-1111 1111").empty());  // mixed separators
  CHECK(found(s, "0000 0000 0000 0000").empty());
}

TEST_CASE("IBANs (mod 97, registered length)", "[detect]") {
  auto s = only("iban");
  CHECK(found(s, "IBAN GB29 NWBK 6016 1331 9268 19.") == Strings{"GB29 NWBK 6016 1331 9268 19"});
  CHECK(found(s, "GB29NWBK60161331926819") == Strings{"GB29NWBK60161331926819"});
  CHECK(found(s, "GB29 NWBK 6016 1331 9268 18").empty());  // checksum
  CHECK(found(s, "GB29 NWBK 6016 1331 9268").empty());     // length
  CHECK(found(s, "QQ29NWBK60161331926819").empty());       // no such country
}

TEST_CASE("UK passport numbers", "[detect]") {
  auto s = only("uk_passport");
  CHECK(found(s, "passport AB1234567") == Strings{"AB1234567"});
  CHECK(found(s, "AB123456").empty());
  CHECK(found(s, "XAB1234567").empty());
}

TEST_CASE("IP addresses", "[detect]") {
  auto s = only("ip_address");
  CHECK(found(s, "from 192.168.10.1 at") == Strings{"192.168.10.1"});
  CHECK(found(s, "2001:db8::ff00:42:8329") == Strings{"2001:db8::ff00:42:8329"});
  CHECK(found(s, "999.1.1.1").empty());
  CHECK(found(s, "std::vector and 10:30:45").empty());
}

TEST_CASE("UK vehicle registrations", "[detect]") {
  auto s = only("uk_vehicle_reg");
  CHECK(found(s, "reg LB07 SEO on") == Strings{"LB07 SEO"});
  CHECK(found(s, "P123 ABC") == Strings{"P123 ABC"});
  CHECK(found(s, "ABC 123D") == Strings{"ABC 123D"});
  CHECK(found(s, "LB40 SEO").empty());  // no such age identifier
  CHECK(found(s, "IB07 SEO").empty());
}

TEST_CASE("UK driving licence numbers", "[detect]") {
  auto s = only("uk_driving_licence");
  CHECK(found(s, "licence MORGA657054SM9IJ") == Strings{"MORGA657054SM9IJ"});
  CHECK(found(s, "MORGA613054SM9IJ").empty());  // month 13
  CHECK(found(s, "MORGA602304SM9IJ").empty());  // 30 February
  CHECK(found(s, "MO9GA607054SM9IJ").empty());  // letter after padding
}

TEST_CASE("reference patterns: shipped defaults and custom ones", "[detect]") {
  auto s = only("reference");
  CHECK(found(s, "Our ref: B1234567; PO ref M7654321; TO2024/12345; PQ 12345") ==
        Strings{"B1234567", "M7654321", "TO2024/12345", "PQ 12345"});
  CHECK(found(s, "B123456 and XB1234567").empty());
  DetectorOptions o;
  o.uk_pii = false;
  o.references = {{"ticket", R"(\bTKT-\d{5}\b)", "not relevant to the request", "Ticket"}};
  auto custom = DetectorSet::compile(o).value();
  auto m = custom.find("see TKT-00042 and B1234567");
  REQUIRE(m.size() == 1);
  CHECK(m[0].detector == "reference");
  CHECK(m[0].label == "Ticket");
  CHECK(m[0].reason_code == "not relevant to the request");
  CHECK_FALSE(parse_reference_patterns(R"([{"name": "x", "pattern": "(unclosed"}])", "refs.json"));
  CHECK_FALSE(parse_reference_patterns(R"([{"pattern": "a"}])", "refs.json"));
  CHECK(default_reference_patterns().size() >= 5);
}

TEST_CASE("free regexes and option validation", "[detect]") {
  DetectorOptions o;
  o.uk_pii = false;
  o.regexes = {R"(\bProject [A-Z][a-z]+\b)"};
  auto s = DetectorSet::compile(o).value();
  auto m = s.find("about Project Nightjar and more");
  REQUIRE(m.size() == 1);
  CHECK(m[0].detector == "regex");

  DetectorOptions bad_regex;
  bad_regex.regexes = {"(unclosed"};
  auto r = DetectorSet::compile(bad_regex);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == redbox::ErrorKind::invalid_input);

  DetectorOptions bad_name;
  bad_name.enabled = {"emial"};
  CHECK_FALSE(DetectorSet::compile(bad_name));

  DetectorOptions bad_reason;
  bad_reason.default_reason = "s99 made up";
  CHECK_FALSE(DetectorSet::compile(bad_reason));
}

TEST_CASE("overlaps: weaker detectors inside stronger matches are dropped", "[detect]") {
  auto s = DetectorSet::compile(DetectorOptions{}).value();
  // The digits of a NINO look like a spaced sort code; an IBAN holds a sort code and account.
  auto m = s.find("NINO AB 12 34 56 C; IBAN GB29 NWBK 6016 1331 9268 19");
  REQUIRE(m.size() == 2);
  CHECK(m[0].detector == "uk_nino");
  CHECK(m[1].detector == "iban");
  for (std::size_t i = 1; i < m.size(); ++i) CHECK(m[i - 1].begin <= m[i].begin);
}

TEST_CASE("labels and reasons are reported", "[detect]") {
  auto s = DetectorSet::compile(DetectorOptions{}).value();
  auto m = s.find("NI number AB123456C");
  REQUIRE(m.size() == 1);
  CHECK(m[0].label == "National Insurance number");
  CHECK(m[0].reason_code == "s40(2) personal data of a third party");
}

TEST_CASE("a compiled set is usable from many threads", "[detect]") {
  auto s = DetectorSet::compile(DetectorOptions{}).value();
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "Contact 07700 900123 or a.b@example.com, NHS 943 476 5919.\n";
  const auto expected = s.find(text);
  REQUIRE(expected.size() == 6000);
  std::vector<std::thread> threads;
  std::vector<std::size_t> counts(4);
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { counts[static_cast<std::size_t>(t)] = s.find(text).size(); });
  for (auto& th : threads) th.join();
  for (auto c : counts) CHECK(c == expected.size());
}

TEST_CASE("matches across block boundaries are found once", "[detect]") {
  auto s = only("email");
  std::string text(16 * 1024 - 10, 'x');
  text += "\nname@example.org\n";
  text += std::string(40000, 'y');
  text += " other@example.org";
  CHECK(found(s, text) == Strings{"name@example.org", "other@example.org"});
}

TEST_CASE("reason code lists", "[detect][reasons]") {
  const auto& defaults = default_reason_codes();
  CHECK(std::find(defaults.begin(), defaults.end(), "s40(2) personal data of a third party") != defaults.end());
  CHECK(std::find(defaults.begin(), defaults.end(), "s43 commercial interests") != defaults.end());
  CHECK(std::find(defaults.begin(), defaults.end(), "legal professional privilege") != defaults.end());
  CHECK(std::find(defaults.begin(), defaults.end(), "not relevant to the request") != defaults.end());
  auto ok = parse_reason_codes("# comment\n s43 commercial interests \n\nother\n", "r.txt");
  REQUIRE(ok);
  CHECK(*ok == std::vector<std::string>{"s43 commercial interests", "other"});
  auto dup = parse_reason_codes("a\nb\na\n", "r.txt");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().message.find("line 3") != std::string::npos);
  CHECK_FALSE(parse_reason_codes("# only comments\n", "r.txt"));
  CHECK_FALSE(parse_reason_codes("bad\x01code\n", "r.txt"));
  CHECK_FALSE(parse_reason_codes(std::string(201, 'x'), "r.txt"));
  CHECK_FALSE(parse_reason_codes("caf\xC3\n", "r.txt"));
  CHECK_FALSE(load_reason_codes("/nonexistent/reasons.txt"));
}
