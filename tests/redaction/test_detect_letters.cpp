// Detector accuracy on 200 generated letters (samples/generator): recall and precision against
// the generator's ground truth. Accuracy, not timing, so the figures are asserted.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <set>
#include <tuple>

#include "redaction/detect.h"
#include "samples/generator/letter_text.h"

using namespace redbox::redaction;

TEST_CASE("detector recall and precision on 200 generated letters", "[detect][letters]") {
  const std::set<std::string> checksummed{"uk_nino", "nhs_number", "payment_card", "iban", "uk_driving_licence"};
  std::map<std::string, std::pair<int, int>> per_detector;  // found, total
  int truth_total = 0, truth_found = 0, checksum_total = 0, checksum_found = 0;
  int reported = 0, reported_true = 0;
  std::vector<std::string> false_positives, misses;
  for (std::size_t i = 0; i < 200; ++i) {
    const auto letter = redbox::letters::make_letter(20261123, i);
    DetectorOptions options;
    for (const auto& p : letter.people)
      options.terms.push_back({p.name, p.data_subject ? TermRole::data_subject : TermRole::third_party, ""});
    const auto set = DetectorSet::compile(options).value();
    std::set<std::tuple<int, std::size_t, std::size_t, std::string>> truth;
    for (const auto& id : letter.identifiers) truth.insert({id.page, id.begin, id.end, id.detector});
    std::set<std::tuple<int, std::size_t, std::size_t, std::string>> got;
    for (std::size_t p = 0; p < letter.pages.size(); ++p) {
      for (const auto& m : set.find(letter.pages[p])) {
        got.insert({static_cast<int>(p + 1), m.begin, m.end, m.detector});
        ++reported;
        if (truth.count({static_cast<int>(p + 1), m.begin, m.end, m.detector})) {
          ++reported_true;
        } else if (false_positives.size() < 20) {
          false_positives.push_back(letter.id + " " + m.detector + " '" +
                                    letter.pages[p].substr(m.begin, m.end - m.begin) + "'");
        }
      }
    }
    for (const auto& id : letter.identifiers) {
      const bool hit = got.count({id.page, id.begin, id.end, id.detector}) > 0;
      ++truth_total;
      truth_found += hit;
      auto& d = per_detector[id.detector];
      d.second++;
      d.first += hit;
      if (checksummed.count(id.detector)) {
        ++checksum_total;
        checksum_found += hit;
      }
      if (!hit && misses.size() < 20) misses.push_back(letter.id + " " + id.detector + " '" + id.text + "'");
    }
  }
  const double recall = 100.0 * truth_found / truth_total;
  const double checksum_recall = 100.0 * checksum_found / checksum_total;
  const double precision = 100.0 * reported_true / reported;
  std::ostringstream report;
  report << "200 letters, " << truth_total << " identifiers: recall " << recall << "%, checksum-validated recall "
         << checksum_recall << "% (" << checksum_total << "), precision " << precision << "% (" << reported
         << " reported)\n";
  for (const auto& [name, fc] : per_detector) report << "  " << name << ": " << fc.first << "/" << fc.second << "\n";
  for (const auto& m : misses) report << "  missed: " << m << "\n";
  for (const auto& f : false_positives) report << "  extra: " << f << "\n";
  WARN(report.str());
  CHECK(truth_total > 3000);
  CHECK(checksum_found == checksum_total);
  CHECK(recall >= 99.0);
  CHECK(precision >= 95.0);
}
