#include "workflows/letter_intake.h"

#include <spdlog/spdlog.h>

#include <set>

#include "pipeline/intake.h"
#include "workflows/letter_model.h"

namespace redbox::workflows {

namespace {

// Where a document's text lives: a blob and whether it is intake's text (else a plain-text original).
struct TextSource {
  std::string sha256;
};

std::optional<TextSource> text_source(sql::Database& db, const std::string& document_id) {
  auto doc = db.prepare("SELECT media_type FROM documents WHERE id = ?");
  doc.bind(1, document_id);
  if (!doc.step()) fail(Error::not_found("no document '" + document_id + "' in the store"));
  std::string media_type = doc.text(0);
  auto text = db.prepare(
      "SELECT sha256 FROM versions WHERE document_id = ? AND kind = 'derived' AND json_extract(metadata, '$.role') = 'text' "
      "ORDER BY num DESC LIMIT 1");
  text.bind(1, document_id);
  if (text.step()) return TextSource{text.text(0)};
  if (media_type.rfind("text/plain", 0) == 0) {
    auto original = db.prepare("SELECT sha256 FROM versions WHERE document_id = ? AND kind = 'original'");
    original.bind(1, document_id);
    if (original.step()) return TextSource{original.text(0)};
  }
  return std::nullopt;
}

// The letters (document, case) among `where` that are attached to a case and not recorded yet.
struct Attached {
  std::string document_id;
  std::string case_id;
  std::optional<TextSource> source;
};

std::vector<Attached> unrecorded(sql::Database& db, const std::string& case_id, const std::vector<std::string>& documents) {
  std::vector<Attached> out;
  auto by_case = db.prepare(
      "SELECT cd.document_id, cd.case_id FROM case_documents cd WHERE cd.case_id = ? AND cd.purpose IN ('letter', 'clarification') "
      "AND NOT EXISTS (SELECT 1 FROM letter_signatures s WHERE s.document_id = cd.document_id) ORDER BY cd.added, cd.document_id");
  auto by_doc = db.prepare(
      "SELECT cd.document_id, cd.case_id FROM case_documents cd WHERE cd.document_id = ? AND cd.purpose IN ('letter', 'clarification') "
      "AND NOT EXISTS (SELECT 1 FROM letter_signatures s WHERE s.document_id = cd.document_id) ORDER BY cd.added, cd.case_id");
  auto collect = [&](sql::Statement& st) {
    std::set<std::string> seen;
    while (st.step()) {
      // One signature per document: the first case it was attached to.
      if (!seen.insert(st.text(0)).second) continue;
      out.push_back({st.text(0), st.text(1), std::nullopt});
    }
  };
  if (!case_id.empty()) {
    by_case.bind(1, case_id);
    collect(by_case);
  }
  for (const auto& d : documents) {
    by_doc.reset();
    by_doc.bind(1, d);
    collect(by_doc);
  }
  for (auto& a : out) a.source = text_source(db, a.document_id);
  return out;
}

Result<LetterSync> record(storage::Store& store, const std::string& actor, const std::string& case_id_or_reference,
                          const std::vector<std::string>& documents) {
  std::vector<Attached> unrecorded_letters;
  Status read = store.catalog->read([&](sql::Database& db) {
    std::string case_id;
    if (!case_id_or_reference.empty()) {
      auto st = db.prepare("SELECT id FROM cases WHERE id = ?1 OR reference = ?1");
      st.bind(1, case_id_or_reference);
      if (!st.step()) fail(Error::not_found("no case '" + case_id_or_reference + "'"));
      case_id = st.text(0);
    }
    unrecorded_letters = unrecorded(db, case_id, documents);
  });
  if (!read) return read.error();
  LetterSync sync;
  for (const auto& a : unrecorded_letters) {
    if (!a.source) {
      sync.waiting.push_back(a.document_id);
      continue;
    }
    auto text = store.blobs->read_all(a.source->sha256, kMaxLetterTextBytes);
    if (!text) return text.error().within("the text of document " + a.document_id);
    if (text->find_first_not_of(" \t\r\n\f") == std::string::npos) continue;  // no words: nothing to learn
    if (Status s = record_letter(*store.catalog, actor, a.case_id, a.document_id, *text); !s) return s.error();
    sync.recorded.push_back(a.document_id);
  }
  return sync;
}

}  // namespace

Result<std::optional<std::string>> document_text(storage::Store& store, const std::string& document_id) {
  std::optional<TextSource> source;
  Status read = store.catalog->read([&](sql::Database& db) { source = text_source(db, document_id); });
  if (!read) return read.error();
  if (!source) return std::optional<std::string>();
  auto text = store.blobs->read_all(source->sha256, kMaxLetterTextBytes);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

Result<LetterSync> record_case_letters(storage::Store& store, const std::string& actor, const std::string& case_id_or_reference) {
  if (case_id_or_reference.empty()) return Error::invalid_input("record_case_letters: no case given");
  return record(store, actor, case_id_or_reference, {});
}

Result<LetterSync> record_letters_of_documents(storage::Store& store, const std::string& actor,
                                               const std::vector<std::string>& document_ids) {
  if (document_ids.empty()) return LetterSync{};
  return record(store, actor, {}, document_ids);
}

pipeline::JobHandler intake_handler_with_case_letters() {
  return [](pipeline::JobContext& ctx) -> Result<nlohmann::json> {
    auto result = pipeline::run_intake(ctx);
    if (!result) return result;
    std::vector<std::string> ids;
    for (const auto& d : pipeline::intake_summary(*result).documents) ids.push_back(d.id);
    auto sync = record_letters_of_documents(ctx.store(), "system", ids);
    if (!sync) {
      // The documents are stored and searchable; only the case letter model missed them. A later
      // attach or `redbox case record-letters` records them.
      spdlog::warn("intake job {}: case letters not recorded: {}", ctx.job().id, sync.error().message);
      (*result)["case_letters"] = {{"error", sync.error().message}};
    } else if (!sync->recorded.empty()) {
      (*result)["case_letters"] = {{"recorded", sync->recorded}};
    }
    return result;
  };
}

void register_intake_with_case_letters(pipeline::JobQueue& queue) {
  queue.register_handler(pipeline::kIntakeJobKind, intake_handler_with_case_letters());
}

}  // namespace redbox::workflows
