// Field extraction (dates, postcodes, e-mails, phones, configurable references) with RE2.
#include <catch2/catch.hpp>

#include "pipeline/fields.h"

using namespace redbox;
using namespace redbox::pipeline;

namespace {

FieldExtractor default_extractor() {
  return FieldExtractor::create(field_config_from(nlohmann::json::object()).value()).value();
}

}  // namespace

TEST_CASE("intake fields: a typical letter", "[intake][fields]") {
  const std::string letter =
      "Our ref: B1234567\nYour ref: M7654321\n14 March 2026\n\n"
      "Mrs J Example\n12 Acacia Avenue\nLondon SW1A 2AA\n\n"
      "Dear Mrs Example,\nThank you for your letter of 3rd February 2026 about PQ 12345 and HL1234.\n"
      "Please reply to correspondence@example.gov.uk or call 020 7946 0958 (or +44 (0)161 496 0000)\n"
      "before 31/03/2026. Meeting on 2026-04-01; see also FOI-2026/00123.\n"
      "Not dates: 31/02/2026, 99/99/9999. Not a phone: 12345. Not a postcode: SW1A.\n";
  nlohmann::json f = default_extractor().extract(letter);
  INFO(f.dump(2));
  CHECK(f["dates"] == nlohmann::json({"2026-03-14", "2026-02-03", "2026-03-31", "2026-04-01"}));
  CHECK(f["postcodes"] == nlohmann::json({"SW1A 2AA"}));
  CHECK(f["emails"] == nlohmann::json({"correspondence@example.gov.uk"}));
  CHECK(f["phones"] == nlohmann::json({"020 7946 0958", "+44 (0)161 496 0000"}));
  CHECK(f["references"]["official_reply"] == nlohmann::json({"B1234567"}));
  CHECK(f["references"]["private_office"] == nlohmann::json({"M7654321"}));
  CHECK(f["references"]["parliamentary_question"] == nlohmann::json({"PQ 12345", "HL1234"}));
  CHECK(f["references"]["foi_reference"] == nlohmann::json({"FOI-2026/00123"}));
}

TEST_CASE("intake fields: values are de-duplicated and capped, empty kinds left out", "[intake][fields]") {
  FieldConfig config = field_config_from(nlohmann::json::object()).value();
  config.max_values = 3;
  auto extractor = FieldExtractor::create(config).value();
  std::string text;
  for (int i = 0; i < 10; ++i) text += "write to user" + std::to_string(i) + "@example.org; ";
  text += "USER0@EXAMPLE.ORG, postcode EC1A 1BB and ec1a1bb and EC1A1BB\n";
  nlohmann::json f = extractor.extract(text);
  CHECK(f["emails"].size() == 3);
  CHECK(f["emails"][0] == "user0@example.org");
  CHECK(f["postcodes"] == nlohmann::json({"EC1A 1BB"}));  // lower case is not taken as a postcode
  CHECK_FALSE(f.contains("dates"));
  CHECK_FALSE(f.contains("phones"));
  CHECK(default_extractor().extract("nothing of note here").empty());
}

TEST_CASE("intake fields: reference patterns come from config.json", "[intake][fields]") {
  nlohmann::json cfg = nlohmann::json::parse(R"({"intake": {"fields": {"references": {
      "official_reply": "\\b(B[0-9]{2}/[0-9]{4})\\b",
      "case": "\\bCASE-[0-9]{6}\\b",
      "private_office": null}}}})");
  auto extractor = FieldExtractor::create(field_config_from(cfg).value()).value();
  nlohmann::json f = extractor.extract("Ref B26/0042, CASE-000123, M7654321, B1234567");
  CHECK(f["references"]["official_reply"] == nlohmann::json({"B26/0042"}));
  CHECK(f["references"]["case"] == nlohmann::json({"CASE-000123"}));
  CHECK_FALSE(f["references"].contains("private_office"));

  SECTION("a pattern that does not compile is named") {
    nlohmann::json bad = nlohmann::json::parse(R"({"intake": {"fields": {"references": {"broken": "(B[0-9"}}}})");
    auto created = FieldExtractor::create(field_config_from(bad).value());
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().kind == ErrorKind::invalid_input);
    CHECK_THAT(created.error().message, Catch::Contains("broken"));
  }
  SECTION("wrong types are invalid_input naming the key") {
    auto r = field_config_from(nlohmann::json::parse(R"({"intake": {"fields": {"references": {"x": 5}}}})"));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("intake.fields.references.x"));
    auto m = field_config_from(nlohmann::json::parse(R"({"intake": {"fields": {"max_values": -1}}})"));
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.error().message, Catch::Contains("max_values"));
  }
}
