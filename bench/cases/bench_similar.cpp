// Near-duplicate search among 100,000 stored letters (MinHash + LSH, workflows/similar_letters.h)
// and topic-suggestion accuracy on a generated held-out set (workflows/topic_suggest.h).
// Beside the indexed search: the brute-force alternative (estimated similarity against every
// stored signature), and exact shingle Jaccard against a sample (what comparing texts costs).
//   usage: bench_similar [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "workflows/letter_gen.h"
#include "workflows/similar_letters.h"
#include "workflows/topic_suggest.h"

using namespace redbox;
using namespace redbox::workflows;
using Steady = std::chrono::steady_clock;

namespace {
double ms_since(Steady::time_point t0) { return std::chrono::duration<double, std::milli>(Steady::now() - t0).count(); }
}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::stol(argv[1]) : 100000;
  std::mt19937_64 rng(1);
  SimilarLetterIndex index;
  std::vector<MinHashSignature> sigs;
  std::vector<std::string> sample_texts;
  auto t0 = Steady::now();
  for (long i = 0; i < n; ++i) {
    bool campaign = i % 100 == 0;  // 1% from one campaign
    std::string text = campaign ? test::campaign_letter(7, rng, static_cast<int>(i % 5)) : test::generate_unrelated_letter(rng);
    if (sample_texts.size() < 1000) sample_texts.push_back(text);
    sigs.push_back(minhash_signature(text));
    index.add("doc_" + std::to_string(i), campaign ? "case_campaign" : "", sigs.back());
  }
  double build_s = ms_since(t0) / 1000.0;
  std::string incoming = test::campaign_letter(7, rng, 3);
  std::vector<double> times;
  std::size_t found = 0;
  for (int r = 0; r < 15; ++r) {
    auto q0 = Steady::now();
    auto sig = minhash_signature(incoming);
    found = index.find(sig, 0.5, 2000).size();
    times.push_back(ms_since(q0));
  }
  std::sort(times.begin(), times.end());
  double query_ms = times[times.size() / 2];
  auto b0 = Steady::now();
  auto qsig = minhash_signature(incoming);
  std::size_t brute = 0;
  for (const auto& s : sigs) brute += estimated_similarity(qsig, s) >= 0.5 ? 1 : 0;
  double brute_ms = ms_since(b0);
  auto e0 = Steady::now();
  for (const auto& t : sample_texts) (void)shingle_jaccard(incoming, t);
  double exact_ms = ms_since(e0) * static_cast<double>(n) / static_cast<double>(sample_texts.size());
  std::printf("indexed %ld letters in %.1f s (%ld from one campaign)\n", n, build_s, (n + 99) / 100);
  std::printf("%-52s %9.2f ms  found %zu (goal < 100 ms)\n", "near-duplicates of a new letter (MinHash + LSH)", query_ms, found);
  std::printf("%-52s %9.2f ms  found %zu  ratio %.0fx\n", "brute force over every signature", brute_ms, brute, brute_ms / std::max(query_ms, 0.001));
  std::printf("%-52s %9.0f ms  (extrapolated from %zu)  ratio %.0fx\n", "exact shingle Jaccard against every letter", exact_ms,
              sample_texts.size(), exact_ms / std::max(query_ms, 0.001));

  // Topic suggestion: train on 300 letters a topic, test on 200 held-out letters a topic.
  const auto& topics = test::generated_topics();
  TopicSuggester suggester;
  std::mt19937_64 trng(2026);
  for (std::size_t t = 0; t < topics.size(); ++t) {
    for (int i = 0; i < 300; ++i) {
      auto l = test::generate_topic_letter(trng, t);
      suggester.train(l.topic, l.text);
    }
  }
  int right = 0;
  int total = 0;
  double confidence_right = 0;
  for (std::size_t t = 0; t < topics.size(); ++t) {
    for (int i = 0; i < 200; ++i) {
      auto l = test::generate_topic_letter(trng, t);
      auto s = suggester.suggest(l.text, 1);
      if (!s.empty() && s[0].topic == l.topic) {
        ++right;
        confidence_right += s[0].confidence;
      }
      ++total;
    }
  }
  std::printf("topic suggestion (naive Bayes, %zu topics, 300 training letters each): held-out accuracy %.1f%% (%d/%d), mean confidence when right %.2f\n",
              topics.size(), 100.0 * right / total, right, total, right ? confidence_right / right : 0.0);
  return 0;
}
