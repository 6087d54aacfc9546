// Topic suggestion for an incoming letter from its (OCR) text: multinomial naive Bayes over the
// words of earlier letters of each topic (learned from past allocations), with a confidence (the
// posterior probability); for topics with no history, the directory's keyword list is the
// fallback (confidence from the number of keyword hits). Words are lower-cased letters/digits,
// stop words and one-letter words dropped.
//
// Thread-safety: train() needs exclusive access; suggest() is const and thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "workflows/directory.h"

namespace redbox::workflows {

struct TopicSuggestion {
  std::string topic;
  double confidence = 0;   // 0..1
  std::string method;      // "history" (naive Bayes) or "keywords"
};

class TopicSuggester {
 public:
  void train(const std::string& topic, std::string_view text);
  // Adds stored counts (a model loaded from the catalog): `letters` letters with these words.
  void add_counts(const std::string& topic, std::size_t letters, const std::unordered_map<std::string, std::size_t>& words);
  // Keyword fallback for topics without history (the directory's keywords).
  void set_keywords(const std::vector<Topic>& topics);
  // Best first, at most n.
  std::vector<TopicSuggestion> suggest(std::string_view text, std::size_t n = 3) const;
  std::size_t letters_trained() const { return documents_; }

 private:
  struct Counts {
    std::size_t documents = 0;
    std::size_t words = 0;
    std::unordered_map<std::string, std::size_t> word_counts;
  };
  std::map<std::string, Counts> topics_;
  std::unordered_map<std::string, std::size_t> vocabulary_;
  std::map<std::string, std::vector<std::string>> keywords_;
  std::size_t documents_ = 0;
};

// The words a letter contributes to the model (lower case, stop words dropped), with counts.
std::unordered_map<std::string, std::size_t> topic_word_counts(std::string_view text);

}  // namespace redbox::workflows
