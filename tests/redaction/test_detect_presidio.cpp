// The 645 presidio PII vectors (tests/data/corpus/pii/presidio_vectors.jsonl): for every case
// whose entity maps to one of our detectors, our matches must have the expected count and
// spans. Cases we judge wrong for UK use are listed, each with its reason, in
// detect_presidio_allowlist.json; an allow-listed case must really disagree with us (a stale
// entry fails the test), and the list is printed so it is never silent.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "redaction/detect.h"
#include "support/test_support.h"

using namespace redbox::redaction;
using nlohmann::json;

namespace {

const std::map<std::string, std::string>& entity_detectors() {
  static const std::map<std::string, std::string> kMap{
      {"UK_NHS", "nhs_number"},       {"UK_NINO", "uk_nino"},       {"UK_POSTCODE", "uk_postcode"},
      {"UK_PASSPORT", "uk_passport"}, {"UK_DRIVING_LICENCE", "uk_driving_licence"},
      {"UK_VEHICLE_REGISTRATION", "uk_vehicle_reg"}, {"EMAIL_ADDRESS", "email"}, {"PHONE_NUMBER", "phone"},
      {"CREDIT_CARD", "payment_card"}, {"IBAN_CODE", "iban"},       {"IP_ADDRESS", "ip_address"},
      // URL and DATE_TIME have no detector of ours (only dates of birth, which need a cue).
  };
  return kMap;
}

std::string entity_of(const json& c) {
  if (c.contains("entity")) return c["entity"].get<std::string>();
  return c["entities"][0].get<std::string>();
}

std::string key_of(const std::string& entity, const std::string& text) { return entity + "\x1f" + text; }

}  // namespace

TEST_CASE("presidio PII vectors: counts and spans for every mapped entity", "[detect][presidio]") {
  std::ifstream allow_in(redbox::test::source_path("tests/redaction/detect_presidio_allowlist.json"));
  REQUIRE(allow_in.good());
  const json allow = json::parse(allow_in);
  std::map<std::string, std::string> allowed;  // key -> reason
  for (const auto& a : allow) {
    REQUIRE(a.contains("reason"));
    REQUIRE(a["reason"].get<std::string>().size() > 10);
    allowed[key_of(a["entity"].get<std::string>(), a["text"].get<std::string>())] = a["reason"].get<std::string>();
  }

  std::map<std::string, DetectorSet> sets;
  for (const auto& [entity, detector] : entity_detectors()) {
    DetectorOptions o;
    o.enabled = {detector};
    sets.emplace(entity, DetectorSet::compile(o).value());
  }

  std::ifstream in(redbox::test::data_path("corpus/pii/presidio_vectors.jsonl"));
  REQUIRE(in.good());
  std::string line;
  int cases = 0, passed = 0, allow_listed = 0;
  std::set<std::string> used_allowances;
  std::ostringstream failures, allowance_report;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++cases;
    const json c = json::parse(line);
    const std::string entity = entity_of(c);
    const std::string text = c["text"].get<std::string>();
    const auto expected_count = c["expected_count"].get<std::size_t>();
    std::vector<TextMatch> matches;
    if (auto it = sets.find(entity); it != sets.end()) matches = it->second.find(text);
    bool ok = matches.size() == expected_count;
    if (ok && c["spans"].is_array()) {
      for (std::size_t i = 0; i < expected_count; ++i) {
        const auto b = c["spans"][i][0].get<std::size_t>(), e = c["spans"][i][1].get<std::size_t>();
        ok = ok && matches[i].begin == b && matches[i].end == e;
      }
    }
    const std::string key = key_of(entity, text);
    auto allowance = allowed.find(key);
    if (allowance != allowed.end()) {
      used_allowances.insert(key);
      if (ok) {
        failures << "allow-listed but we agree with presidio (remove the entry): " << entity << " '" << text << "'\n";
      } else {
        ++allow_listed;
        allowance_report << "  " << entity << " '" << text << "' (presidio expects " << expected_count
                         << ", we find " << matches.size() << "): " << allowance->second << "\n";
      }
      continue;
    }
    if (ok) {
      ++passed;
    } else {
      failures << entity << " '" << text << "': expected " << expected_count << " got " << matches.size() << ":";
      for (const auto& m : matches) failures << " [" << m.begin << "," << m.end << ")'" << text.substr(m.begin, m.end - m.begin) << "'";
      failures << "\n";
    }
  }
  for (const auto& [key, reason] : allowed)
    if (!used_allowances.count(key)) failures << "allow-list entry matches no case: " << key << "\n";

  WARN("presidio vectors: " << cases << " cases, " << passed << " agree, " << allow_listed
                            << " allow-listed as wrong for UK use:\n" << allowance_report.str());
  CHECK(cases == 645);
  INFO(failures.str());
  CHECK(failures.str().empty());
}
