#include "workflows/draft_export.h"

#include "common/ids.h"
#include "workflows/detail/draft_ops.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_text.h"
#include "workflows/word_diff.h"

namespace redbox::workflows {

namespace {

struct MarkedWord {
  std::string text;
  bool bold = false;
  bool italic = false;
  rich_pdf::Change change = rich_pdf::Change::none;
};

// Words back into runs: consecutive words with the same formatting and mark share a run.
std::vector<rich_pdf::Run> to_runs(const std::vector<MarkedWord>& words) {
  std::vector<rich_pdf::Run> runs;
  for (const auto& w : words) {
    if (!runs.empty() && runs.back().bold == w.bold && runs.back().italic == w.italic && runs.back().change == w.change) {
      runs.back().text += " " + w.text;
    } else {
      if (!runs.empty()) runs.back().text += " ";
      runs.push_back({w.text, w.bold, w.italic, w.change});
    }
  }
  return runs;
}


}  // namespace

rich_pdf::Document final_letter(const ExportInput& input) {
  rich_pdf::Document d;
  d.title = "Reply - " + input.reference;
  d.footer = input.reference;
  for (const auto& f : input.fragments) {
    for (auto& b : draft_text::parse(f.text)) d.blocks.push_back(std::move(b));
  }
  return d;
}

rich_pdf::Document reviewer_copy(const ExportInput& input) {
  rich_pdf::Document d;
  d.title = "Reviewer's copy - " + input.reference;
  d.wide_margin = true;
  d.footer = "Reviewer's copy - " + input.reference + " - revision " + std::to_string(input.revision);
  d.header_lines.push_back("Reviewer's copy - " + input.reference + " - revision " + std::to_string(input.revision));
  d.header_lines.push_back(input.reviewed_revision > 0 ? "Changes since the last review (revision " + std::to_string(input.reviewed_revision) + ")"
                                                       : "Not reviewed before: everything is new");
  for (const auto& f : input.fragments) {
    auto blocks = draft_text::parse(f.text);
    auto words = draft_text::words(blocks);
    std::vector<std::vector<MarkedWord>> per_block(blocks.size());
    std::vector<bool> changed(blocks.size(), false);
    if (!f.reviewed_text) {
      for (const auto& w : words) per_block[static_cast<std::size_t>(w.block)].push_back({w.text, w.bold, w.italic, rich_pdf::Change::inserted});
      for (std::size_t b = 0; b < blocks.size(); ++b) changed[b] = true;
    } else {
      auto old_words = draft_text::words(*f.reviewed_text);
      auto edits = word_diff::diff(draft_text::word_hashes(old_words), draft_text::word_hashes(words));
      for (const auto& e : edits) {
        if (e.op == word_diff::Op::remove) {
          // Removed words go where they were: before the next current word, in its block.
          std::size_t block = e.b_pos < words.size() ? static_cast<std::size_t>(words[e.b_pos].block) : (blocks.empty() ? 0 : blocks.size() - 1);
          if (blocks.empty()) {
            blocks.push_back({});
            per_block.emplace_back();
            changed.push_back(false);
          }
          for (std::size_t i = 0; i < e.length; ++i) {
            const auto& w = old_words[e.a_pos + i];
            per_block[block].push_back({w.text, w.bold, w.italic, rich_pdf::Change::deleted});
          }
          changed[block] = true;
        } else {
          for (std::size_t i = 0; i < e.length; ++i) {
            const auto& w = words[e.b_pos + i];
            auto mark = e.op == word_diff::Op::insert ? rich_pdf::Change::inserted : rich_pdf::Change::none;
            per_block[static_cast<std::size_t>(w.block)].push_back({w.text, w.bold, w.italic, mark});
            if (mark != rich_pdf::Change::none) changed[static_cast<std::size_t>(w.block)] = true;
          }
        }
      }
    }
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      rich_pdf::Block block = blocks[b];
      block.runs = to_runs(per_block[b]);
      block.changed_since_review = changed[b];
      if (b == 0) block.margin_labels = f.authors;
      if (block.runs.empty()) continue;
      d.blocks.push_back(std::move(block));
    }
  }
  for (const auto& removed : input.removed_since_review) {
    auto words = draft_text::words(removed);
    if (words.empty()) continue;
    std::vector<MarkedWord> marked;
    for (const auto& w : words) marked.push_back({w.text, w.bold, w.italic, rich_pdf::Change::deleted});
    rich_pdf::Block block;
    block.runs = to_runs(marked);
    block.changed_since_review = true;
    block.margin_labels = {"removed"};
    d.blocks.push_back(std::move(block));
  }
  return d;
}

Result<ExportResult> DraftService::export_pdf(const Actor& actor, const std::string& case_ref, const std::string& kind) {
  if (kind != "final" && kind != "review") return Error::invalid_input("export kind '" + kind + "': expected final or review");
  // 1. Read the draft as it is now (owner access, audited refusal).
  struct Loaded {
    ExportInput input;
    std::string draft_id;
    std::string case_id;
    std::optional<std::string> document_id;
  };
  auto loaded = detail::draft_read<Loaded>(store_, actor, case_ref, "export", [&](sql::Database& db) {
    detail::DraftScope s = detail::open_scope(db, actor, case_ref, detail::DraftAccess::owner);
    Loaded l;
    l.draft_id = s.draft.id;
    l.case_id = s.kase.id;
    l.input.reference = s.kase.reference;
    l.input.revision = s.draft.revision;
    l.input.reviewed_revision = s.draft.reviewed_revision;
    Draft now = detail::draft_view(db, s, s.draft.revision);
    std::map<std::string, std::string> reviewed;
    if (s.draft.reviewed_revision > 0) {
      for (const auto& f : detail::draft_view(db, s, s.draft.reviewed_revision).fragments) reviewed[f.id] = f.version.text;
    }
    for (const auto& f : now.fragments) {
      ExportFragment e{f.id, f.version.text, f.authors, std::nullopt};
      if (auto it = reviewed.find(f.id); it != reviewed.end()) {
        e.reviewed_text = it->second;
        reviewed.erase(it);
      }
      l.input.fragments.push_back(std::move(e));
    }
    for (const auto& [id, text] : reviewed) l.input.removed_since_review.push_back(text);
    if (l.input.fragments.empty()) fail(Error::conflict("the draft of " + s.kase.reference + " has no fragments to export"));
    auto st = db.prepare("SELECT document_id FROM draft_exports WHERE draft_id = ? ORDER BY num LIMIT 1");
    st.bind(1, s.draft.id);
    if (st.step()) l.document_id = st.text(0);
    return l;
  });
  if (!loaded) return loaded.error();
  // 2. Render and store the bytes (the blob first: a crash leaves at most an orphan blob).
  auto pdf = rich_pdf::render(kind == "final" ? final_letter(loaded->input) : reviewer_copy(loaded->input));
  if (!pdf) return pdf.error().within("draft of " + loaded->input.reference);
  auto writer = store_.blobs->create_writer();
  if (!writer) return writer.error();
  if (Status s = (*writer)->write(*pdf); !s) return s.error();
  auto blob = (*writer)->commit();
  if (!blob) return blob.error();
  // 3. The catalog rows, the export row and the audit event in one transaction.
  ExportResult out;
  out.kind = kind;
  out.revision = loaded->input.revision;
  out.pdf = std::move(*pdf);
  Status s = store_.catalog->write([&](storage::CatalogWriter& w) {
    nlohmann::json meta = {{"draft", loaded->draft_id}, {"case", loaded->case_id}, {"reference", loaded->input.reference},
                           {"export", kind},           {"revision", loaded->input.revision}};
    storage::NewVersion v;
    v.sha256 = blob->sha256;
    v.size = blob->size;
    v.media_type = "application/pdf";
    v.metadata = meta;
    if (loaded->document_id) {
      v.kind = storage::VersionKind::derived;
      out.version = w.add_version(*loaded->document_id, v, actor.name);
      out.document_id = *loaded->document_id;
    } else {
      storage::NewDocument doc;
      std::string ref = loaded->input.reference;
      for (char& c : ref) {
        if (c == '/' || c == '\\') c = '-';
      }
      doc.file_name = "draft-reply-" + ref + ".pdf";
      doc.source = "draft";
      doc.metadata = {{"draft", loaded->draft_id}, {"case", loaded->case_id}, {"reference", loaded->input.reference}};
      v.kind = storage::VersionKind::original;
      doc.original = v;
      auto d = w.create_document(doc, actor.name);
      out.document_id = d.id;
      out.version = d.versions.front();
    }
    w.db().prepare("INSERT INTO draft_exports (draft_id, revision, kind, document_id, version_id, created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, loaded->draft_id)
        .bind(2, loaded->input.revision)
        .bind(3, kind)
        .bind(4, out.document_id)
        .bind(5, out.version.id)
        .bind(6, format_utc(w.now()))
        .bind(7, actor.name)
        .run();
    Case c;
    c.id = loaded->case_id;
    c.reference = loaded->input.reference;
    detail::audit_draft(w, c, loaded->draft_id, actor.name, "export",
                        {{"kind", kind}, {"revision", loaded->input.revision}, {"document", out.document_id}, {"version", out.version.id}});
  });
  if (!s) return s.error();
  return out;
}

}  // namespace redbox::workflows
