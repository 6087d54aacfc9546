#include "workflows/letter_model.h"

#include "workflows/detail/case_rows.h"
#include "workflows/directory.h"

namespace redbox::workflows {

Status record_letter(storage::Catalog& catalog, const std::string& actor, const std::string& case_id_or_reference,
                     const std::string& document_id, std::string_view text) {
  if (text.empty()) return Error::invalid_input("the letter's text is empty");
  MinHashSignature sig = minhash_signature(text);
  auto words = topic_word_counts(text);
  return catalog.write([&](storage::CatalogWriter& w) {
    auto& db = w.db();
    Case c = detail::load_case(db, case_id_or_reference);
    auto doc = db.prepare("SELECT 1 FROM documents WHERE id = ?");
    doc.bind(1, document_id);
    if (!doc.step()) fail(Error::not_found("no document '" + document_id + "' in the store"));
    auto known = db.prepare("SELECT 1 FROM letter_signatures WHERE document_id = ?");
    known.bind(1, document_id);
    bool already = known.step();
    store_signature(db, document_id, c.id, sig);
    std::size_t total = 0;
    if (!c.topic.empty() && !already) {
      auto up = db.prepare("INSERT INTO topic_word_counts (topic, word, count) VALUES (?, ?, ?) "
                           "ON CONFLICT (topic, word) DO UPDATE SET count = count + excluded.count");
      for (const auto& [word, n] : words) {
        up.reset();
        up.bind(1, c.topic).bind(2, word).bind(3, static_cast<std::int64_t>(n)).run();
        total += n;
      }
      db.prepare("INSERT INTO topic_letter_counts (topic, letters, words) VALUES (?, 1, ?) "
                 "ON CONFLICT (topic) DO UPDATE SET letters = letters + 1, words = words + excluded.words")
          .bind(1, c.topic)
          .bind(2, static_cast<std::int64_t>(total))
          .run();
    }
    detail::add_event(w, c, {actor, "", "letter_indexed", "", "", "", {{"document", document_id}, {"topic_model", !c.topic.empty() && !already}}});
  });
}

Result<TopicSuggester> load_topic_suggester(const storage::Catalog& catalog) {
  TopicSuggester s;
  Status st = catalog.read([&](sql::Database& db) {
    auto topics = db.prepare("SELECT topic, letters FROM topic_letter_counts ORDER BY topic");
    auto words = db.prepare("SELECT word, count FROM topic_word_counts WHERE topic = ?");
    while (topics.step()) {
      std::unordered_map<std::string, std::size_t> counts;
      words.reset();
      words.bind(1, topics.text(0));
      while (words.step()) counts[words.text(0)] = static_cast<std::size_t>(words.int64(1));
      s.add_counts(topics.text(0), static_cast<std::size_t>(topics.int64(1)), counts);
    }
    s.set_keywords(load_topics(db, current_directory_version(db)));
  });
  if (!st) return st.error();
  return s;
}

}  // namespace redbox::workflows
