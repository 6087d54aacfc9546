// Per-case term lists: variants, case, word boundaries, line breaks and hyphenation, roles and
// reasons, and the terms file formats.
#include <catch2/catch.hpp>

#include "redaction/detect.h"

using namespace redbox::redaction;

namespace {

std::vector<std::string> terms_found(const std::vector<TermEntry>& terms, std::string_view text) {
  DetectorOptions o;
  o.uk_pii = false;
  o.terms = terms;
  auto set = DetectorSet::compile(o).value();
  std::vector<std::string> out;
  for (const auto& m : set.find(text)) {
    CHECK(m.detector == "term");
    out.emplace_back(text.substr(m.begin, m.end - m.begin));
  }
  return out;
}

using Strings = std::vector<std::string>;
const std::vector<TermEntry> kJohn{{"John Smith", TermRole::third_party, ""}};

}  // namespace

TEST_CASE("term variants", "[detect][terms]") {
  CHECK(terms_found(kJohn, "I met John Smith.") == Strings{"John Smith"});
  CHECK(terms_found(kJohn, "I met JOHN SMITH and john smith") == Strings{"JOHN SMITH", "john smith"});
  CHECK(terms_found(kJohn, "Signed J. Smith") == Strings{"J. Smith"});
  CHECK(terms_found(kJohn, "Signed J Smith") == Strings{"J Smith"});
  CHECK(terms_found(kJohn, "Signed J.Smith") == Strings{"J.Smith"});
  CHECK(terms_found(kJohn, "Smith, J wrote") == Strings{"Smith, J"});
  CHECK(terms_found(kJohn, "Smith, John wrote") == Strings{"Smith, John"});
  CHECK(terms_found(kJohn, "Dear Mr Smith,") == Strings{"Mr Smith"});
  CHECK(terms_found(kJohn, "Dear Mr. Smith,") == Strings{"Mr. Smith"});
  CHECK(terms_found(kJohn, "Dr John Smith said") == Strings{"Dr John Smith"});
  CHECK(terms_found(kJohn, "Sir J. Smith said") == Strings{"Sir J. Smith"});
}

TEST_CASE("terms respect word boundaries", "[detect][terms]") {
  CHECK(terms_found(kJohn, "John Smithson and Johnny Smith").empty());
  CHECK(terms_found(kJohn, "Smith, Jane").empty());
  CHECK(terms_found(kJohn, "blacksmith").empty());
  CHECK(terms_found(kJohn, "(John Smith)") == Strings{"John Smith"});
  CHECK(terms_found(kJohn, "John Smith\xE2\x80\x99s letter") == Strings{"John Smith"});  // curly apostrophe
}

TEST_CASE("terms across line breaks and hyphenation", "[detect][terms]") {
  CHECK(terms_found(kJohn, "a letter from John\nSmith about") == Strings{"John\nSmith"});
  CHECK(terms_found(kJohn, "from John\r\n   Smith") == Strings{"John\r\n   Smith"});
  const std::vector<TermEntry> smithson{{"Smithson", TermRole::third_party, ""}};
  CHECK(terms_found(smithson, "Mrs Smith-\nson called") == Strings{"Mrs Smith-\nson"});
  CHECK(terms_found(smithson, "Smith-\n  son") == Strings{"Smith-\n  son"});
  CHECK(terms_found(smithson, "Smith\xC2\xADson") == Strings{"Smith\xC2\xADson"});  // soft hyphen
  CHECK(terms_found(smithson, "Smith son").empty());
  const std::vector<TermEntry> double_barrel{{"Anna Hughes-Patel", TermRole::third_party, ""}};
  CHECK(terms_found(double_barrel, "Anna Hughes-\nPatel") == Strings{"Anna Hughes-\nPatel"});
  CHECK(terms_found(double_barrel, "Ms Hughes-Pa-\ntel") == Strings{"Ms Hughes-Pa-\ntel"});
  const std::vector<TermEntry> oneill{{"Sean O'Neill", TermRole::third_party, ""}};
  CHECK(terms_found(oneill, "Sean O\xE2\x80\x99Neill") == Strings{"Sean O\xE2\x80\x99Neill"});
}

TEST_CASE("middle names and non-ASCII names", "[detect][terms]") {
  const std::vector<TermEntry> t{{"Mary Ann Jones", TermRole::third_party, ""}};
  CHECK(terms_found(t, "Mary Ann Jones; Mary Jones; M. A. Jones; M. Jones") ==
        Strings{"Mary Ann Jones", "Mary Jones", "M. A. Jones", "M. Jones"});
  const std::vector<TermEntry> zoe{{"Zoë Łukasik", TermRole::third_party, ""}};
  CHECK(terms_found(zoe, "from ZOË ŁUKASIK.") == Strings{"ZOË ŁUKASIK"});
  CHECK(terms_found(zoe, "Zoë Łukasikowa").empty());
}

TEST_CASE("term roles and reasons", "[detect][terms]") {
  DetectorOptions o;
  o.uk_pii = false;
  o.terms = {{"Alice Brown", TermRole::data_subject, ""},
             {"Bob Green", TermRole::third_party, ""},
             {"Carol White", TermRole::third_party, "s43 commercial interests"}};
  auto set = DetectorSet::compile(o).value();
  auto m = set.find("Alice Brown, Bob Green and Carol White");
  REQUIRE(m.size() == 3);
  CHECK(m[0].reason_code == "s40(1) personal data of the requester");
  CHECK(m[1].reason_code == "s40(2) personal data of a third party");
  CHECK(m[2].reason_code == "s43 commercial interests");
  o.terms[2].reason_code = "s99 not a reason";
  CHECK_FALSE(DetectorSet::compile(o));
}

TEST_CASE("terms files: text and JSON", "[detect][terms]") {
  auto text = parse_terms("# people\nJohn Smith\nAlice Brown, data_subject\n\nCarol White,third_party,s43 commercial interests\n",
                          "terms.txt");
  REQUIRE(text);
  REQUIRE(text->size() == 3);
  CHECK((*text)[1].role == TermRole::data_subject);
  CHECK((*text)[2].reason_code == "s43 commercial interests");
  auto json = parse_terms(R"(["John Smith", {"name": "Alice Brown", "role": "data_subject", "reason": "x"}])", "t.json");
  REQUIRE(json);
  REQUIRE(json->size() == 2);
  CHECK((*json)[1].role == TermRole::data_subject);
  auto bad_role = parse_terms("John Smith,boss\n", "terms.txt");
  REQUIRE_FALSE(bad_role);
  CHECK(bad_role.error().message.find("line 1") != std::string::npos);
  CHECK(bad_role.error().message.find("John") == std::string::npos);  // never echo the name
  CHECK_FALSE(parse_terms("[1, 2]", "t.json"));
  CHECK_FALSE(parse_terms("[\"unclosed", "t.json"));
  CHECK_FALSE(parse_terms("12345\n", "terms.txt"));
}
