#include "workflows/topic_suggest.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace redbox::workflows {

namespace {

const std::set<std::string, std::less<>>& stop_words() {
  static const std::set<std::string, std::less<>> kStop = {
      "the", "and", "of", "to", "in", "is", "it", "for", "on", "that", "this", "with", "as", "be", "are", "was", "my", "me", "your",
      "you", "we", "our", "have", "has", "at", "by", "an", "or", "not", "from", "but", "which", "would", "will", "can", "am", "do",
      "dear", "sir", "madam", "yours", "sincerely", "faithfully", "please", "write", "writing", "letter", "regards", "about", "if"};
  return kStop;
}

std::vector<std::string> tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() > 1 && stop_words().count(w) == 0) out.push_back(w);
    w.clear();
  };
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0) {
      w += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace

void TopicSuggester::train(const std::string& topic, std::string_view text) {
  Counts& c = topics_[topic];
  ++c.documents;
  ++documents_;
  for (auto& w : tokens(text)) {
    ++c.words;
    ++c.word_counts[w];
    ++vocabulary_[w];
  }
}

void TopicSuggester::add_counts(const std::string& topic, std::size_t letters,
                                const std::unordered_map<std::string, std::size_t>& words) {
  Counts& c = topics_[topic];
  c.documents += letters;
  documents_ += letters;
  for (const auto& [w, n] : words) {
    c.words += n;
    c.word_counts[w] += n;
    vocabulary_[w] += n;
  }
}

std::unordered_map<std::string, std::size_t> topic_word_counts(std::string_view text) {
  std::unordered_map<std::string, std::size_t> out;
  for (auto& w : tokens(text)) ++out[w];
  return out;
}

void TopicSuggester::set_keywords(const std::vector<Topic>& topics) {
  keywords_.clear();
  for (const auto& t : topics) {
    std::vector<std::string> kws;
    for (const auto& k : t.keywords) {
      auto toks = tokens(k);
      kws.insert(kws.end(), toks.begin(), toks.end());
    }
    if (!kws.empty()) keywords_[t.path] = std::move(kws);
  }
}

std::vector<TopicSuggestion> TopicSuggester::suggest(std::string_view text, std::size_t n) const {
  auto words = tokens(text);
  std::vector<TopicSuggestion> out;
  if (!topics_.empty()) {
    // log P(topic) + sum log P(word | topic), Laplace-smoothed over the vocabulary; words never
    // seen in training carry no information and are skipped.
    double vocab = static_cast<double>(vocabulary_.size());
    std::vector<std::pair<std::string, double>> scores;
    for (const auto& [topic, c] : topics_) {
      double s = std::log(static_cast<double>(c.documents) / static_cast<double>(documents_));
      double denom = std::log(static_cast<double>(c.words) + vocab);
      for (const auto& w : words) {
        if (vocabulary_.count(w) == 0) continue;
        auto it = c.word_counts.find(w);
        double count = it == c.word_counts.end() ? 0.0 : static_cast<double>(it->second);
        s += std::log(count + 1.0) - denom;
      }
      scores.emplace_back(topic, s);
    }
    double best = -INFINITY;
    for (const auto& [t, s] : scores) best = std::max(best, s);
    double total = 0;
    for (const auto& [t, s] : scores) total += std::exp(s - best);
    for (const auto& [t, s] : scores) out.push_back({t, std::exp(s - best) / total, "history"});
  }
  // Keyword fallback for topics without history.
  for (const auto& [topic, kws] : keywords_) {
    if (topics_.count(topic) != 0) continue;
    std::size_t hits = 0;
    for (const auto& w : words) hits += std::count(kws.begin(), kws.end(), w) > 0 ? 1 : 0;
    if (hits > 0) out.push_back({topic, static_cast<double>(hits) / static_cast<double>(hits + 2), "keywords"});
  }
  std::sort(out.begin(), out.end(), [](const TopicSuggestion& a, const TopicSuggestion& b) {
    return a.confidence != b.confidence ? a.confidence > b.confidence : a.topic < b.topic;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace redbox::workflows
