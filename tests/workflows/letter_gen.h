// Generated correspondence for the similarity and topic-suggestion tests and bench/cases:
// deterministic from a seed. A letter mixes general filler with words of its topic and a few of
// another topic (so topics are not trivially separable); campaign letters are one template with
// the sender's details and a few words changed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace redbox::test {

struct GeneratedTopic {
  const char* path;
  std::vector<const char*> words;
};

inline const std::vector<GeneratedTopic>& generated_topics() {
  static const std::vector<GeneratedTopic> kTopics = {
      {"health/nhs", {"hospital", "waiting", "surgery", "nurse", "doctor", "appointment", "ambulance", "patients", "treatment", "ward", "gp", "clinic", "operation", "diagnosis", "nhs"}},
      {"transport/roads", {"road", "pothole", "traffic", "junction", "speed", "bypass", "motorway", "lorry", "congestion", "parking", "cycle", "lane", "resurfacing", "signs", "highway"}},
      {"transport/rail", {"train", "station", "railway", "timetable", "platform", "delays", "fares", "ticket", "carriage", "signalling", "franchise", "commuter", "line", "rail", "cancelled"}},
      {"education/schools", {"school", "teacher", "pupils", "classroom", "curriculum", "exam", "ofsted", "headteacher", "academy", "send", "uniform", "term", "lessons", "governors", "admissions"}},
      {"housing", {"housing", "rent", "landlord", "tenant", "council", "eviction", "repairs", "damp", "mould", "homeless", "deposit", "flat", "estate", "mortgage", "planning"}},
      {"environment", {"pollution", "river", "sewage", "recycling", "waste", "trees", "flooding", "emissions", "wildlife", "climate", "air", "quality", "litter", "green", "farmland"}},
  };
  return kTopics;
}

inline const std::vector<const char*>& filler_words() {
  static const std::vector<const char*> kFiller = {
      "concerned", "constituent", "situation", "months", "local", "family", "recently", "worried", "government", "minister",
      "response", "issue", "problem", "people", "community", "asked", "information", "explain", "decision", "support",
      "unacceptable", "urgent", "matter", "weeks", "contacted", "several", "times", "received", "reply", "department",
      "policy", "change", "future", "children", "elderly", "neighbours", "area", "town", "village", "years", "cost",
      "money", "funding", "review", "complaint", "action", "hope", "understand", "grateful", "consider", "request",
      "meeting", "evidence", "impact", "serious", "daily", "life", "difficult", "week", "morning"};
  return kFiller;
}

struct GeneratedLetter {
  std::string topic;
  std::string text;
};

// A letter on a topic: 40 filler words, 5 of its topic's words, 3 of another topic's.
inline GeneratedLetter generate_topic_letter(std::mt19937_64& rng, std::size_t topic_index) {
  const auto& topics = generated_topics();
  const auto& filler = filler_words();
  const auto& own = topics[topic_index].words;
  const auto& other = topics[(topic_index + 1 + rng() % (topics.size() - 1)) % topics.size()].words;
  std::vector<std::string> words;
  for (int i = 0; i < 40; ++i) words.emplace_back(filler[rng() % filler.size()]);
  for (int i = 0; i < 5; ++i) words.emplace_back(own[rng() % own.size()]);
  for (int i = 0; i < 3; ++i) words.emplace_back(other[rng() % other.size()]);
  std::shuffle(words.begin(), words.end(), rng);
  std::string text = "Dear Minister,\n";
  for (const auto& w : words) text += w + " ";
  text += "\nYours sincerely,\n";
  return {topics[topic_index].path, text};
}

// A random letter of about 150 words (unrelated to any campaign).
inline std::string generate_unrelated_letter(std::mt19937_64& rng) {
  std::string text;
  const auto& topics = generated_topics();
  const auto& filler = filler_words();
  for (int i = 0; i < 150; ++i) {
    if (rng() % 4 == 0) {
      const auto& t = topics[rng() % topics.size()].words;
      text += std::string(t[rng() % t.size()]) + " ";
    } else {
      text += std::string(filler[rng() % filler.size()]) + " ";
    }
  }
  return text;
}

// One campaign's template sent by many people: the sender's name and street differ and up to
// `edits` words of the body are replaced.
inline std::string campaign_letter(std::uint64_t campaign_seed, std::mt19937_64& rng, int edits) {
  std::mt19937_64 template_rng(campaign_seed);
  std::vector<std::string> body;
  const auto& filler = filler_words();
  const auto& topic = generated_topics()[campaign_seed % generated_topics().size()].words;
  for (int i = 0; i < 150; ++i) {
    body.emplace_back(i % 3 == 0 ? topic[template_rng() % topic.size()] : filler[template_rng() % filler.size()]);
  }
  for (int e = 0; e < edits; ++e) body[rng() % body.size()] = filler[rng() % filler.size()];
  std::string text = "From " + std::to_string(rng() % 100000) + " Acacia Avenue, sender " + std::to_string(rng()) + "\nDear Minister,\n";
  for (const auto& w : body) text += w + " ";
  return text + "\nYours faithfully, " + std::to_string(rng());
}

}  // namespace redbox::test
