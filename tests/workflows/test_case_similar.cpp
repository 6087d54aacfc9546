// Near-duplicate letters (MinHash + LSH) and topic suggestion (naive Bayes with a keyword
// fallback), on generated correspondence.
#include <catch2/catch.hpp>

#include "case_fixture.h"
#include "letter_gen.h"
#include "workflows/similar_letters.h"
#include "workflows/topic_suggest.h"

using namespace redbox;
using namespace redbox::workflows;

TEST_CASE("near-duplicates: a campaign's letters are found among unrelated ones, and the index persists") {
  std::mt19937_64 rng(42);
  SimilarLetterIndex index;
  std::vector<std::pair<std::string, MinHashSignature>> all;
  for (int i = 0; i < 2000; ++i) {
    auto sig = minhash_signature(test::generate_unrelated_letter(rng));
    all.emplace_back("doc_u" + std::to_string(i), sig);
    index.add(all.back().first, "", sig);
  }
  for (int i = 0; i < 20; ++i) {
    auto sig = minhash_signature(test::campaign_letter(7, rng, i % 4));
    all.emplace_back("doc_c" + std::to_string(i), sig);
    index.add(all.back().first, "case_campaign", sig);
  }
  std::string incoming = test::campaign_letter(7, rng, 3);
  auto found = index.find(minhash_signature(incoming), 0.5, 100);
  REQUIRE(found.size() == 20);
  for (const auto& f : found) {
    CHECK(f.document_id.rfind("doc_c", 0) == 0);
    CHECK(f.case_id == "case_campaign");
  }
  CHECK(std::is_sorted(found.begin(), found.end(), [](const SimilarLetter& a, const SimilarLetter& b) { return a.similarity > b.similarity; }));
  // The estimate tracks the exact shingle overlap.
  std::string other = test::campaign_letter(7, rng, 2);
  double exact = shingle_jaccard(incoming, other);
  CHECK(std::abs(estimated_similarity(minhash_signature(incoming), minhash_signature(other)) - exact) < 0.2);
  // A different campaign is not a near-duplicate.
  CHECK(index.find(minhash_signature(test::campaign_letter(8, rng, 0)), 0.5).empty());
  // OCR-style noise in punctuation and case does not matter.
  CHECK(estimated_similarity(minhash_signature("Dear Minister, the HOSPITAL car-park fees are unfair!"),
                             minhash_signature("dear minister the hospital car park fees are unfair")) == 1.0);

  test::CaseFixture f;
  f.store->catalog->write([&](storage::CatalogWriter& w) {
    for (const auto& [doc, sig] : all) store_signature(w.db(), doc, doc.rfind("doc_c", 0) == 0 ? "case_campaign" : "", sig);
  }).throw_if_error();
  auto loaded = SimilarLetterIndex::load(*f.store->catalog).value();
  CHECK(loaded.size() == all.size());
  CHECK(loaded.find(minhash_signature(incoming), 0.5, 100).size() == 20);
}

TEST_CASE("topic suggestion: accuracy on a held-out set, confidence, keyword fallback") {
  std::mt19937_64 rng(2026);
  const auto& topics = test::generated_topics();
  TopicSuggester suggester;
  // Five of the six topics have history; "environment" has only directory keywords.
  for (std::size_t t = 0; t + 1 < topics.size(); ++t) {
    for (int i = 0; i < 200; ++i) {
      auto l = test::generate_topic_letter(rng, t);
      suggester.train(l.topic, l.text);
    }
  }
  suggester.set_keywords({{"environment", "", "", {}, {}, {"pollution", "sewage", "river", "flooding"}},
                          {"health/nhs", "", "", {}, {}, {"hospital"}}});
  int right = 0;
  int total = 0;
  for (std::size_t t = 0; t + 1 < topics.size(); ++t) {
    for (int i = 0; i < 60; ++i) {
      auto l = test::generate_topic_letter(rng, t);
      auto s = suggester.suggest(l.text);
      REQUIRE_FALSE(s.empty());
      right += s[0].topic == l.topic ? 1 : 0;
      ++total;
    }
  }
  double accuracy = static_cast<double>(right) / total;
  INFO("held-out accuracy " << accuracy);
  CHECK(accuracy >= 0.9);
  auto clear = suggester.suggest("the train was cancelled again and the station platform was closed, rail fares keep rising");
  REQUIRE_FALSE(clear.empty());
  CHECK(clear[0].topic == "transport/rail");
  CHECK(clear[0].method == "history");
  CHECK(clear[0].confidence > 0.9);
  auto fallback = suggester.suggest("sewage in the river and flooding every winter");
  bool has_keyword = false;
  for (const auto& s : fallback) has_keyword = has_keyword || (s.topic == "environment" && s.method == "keywords");
  CHECK(has_keyword);
  CHECK(TopicSuggester().suggest("anything").empty());
}
