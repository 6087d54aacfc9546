// DraftService: fragments from the template library and from the case's documents.
#include <algorithm>

#include "common/mupdf.h"
#include "common/pdf_text.h"
#include "workflows/detail/draft_ops.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_store.h"
#include "workflows/draft_templates.h"

namespace redbox::workflows {

using detail::DraftAccess;
using detail::DraftScope;

namespace {

constexpr std::uint64_t kMaxImportBytes = 64ULL << 20;
constexpr int kMaxImportPages = 500;
constexpr std::size_t kMaxImportText = 1 << 20;

std::string read_blob(const storage::Store& store, const storage::Version& v) {
  if (v.size > kMaxImportBytes) {
    fail(Error::too_large("document version " + v.id + " is " + std::to_string(v.size) + " bytes; imports take at most " +
                          std::to_string(kMaxImportBytes)));
  }
  std::string bytes;
  store.blobs->read(v.sha256, [&](std::string_view chunk) {
    bytes.append(chunk);
    return true;
  }).throw_if_error();
  return bytes;
}

std::string pdf_text(const std::string& bytes, const std::string& what) {
  auto ctx = mu::Context::create();
  auto doc = mu::open_document_from_memory(ctx, bytes, "application/pdf");
  int pages = mu::page_count(ctx, doc);
  if (pages > kMaxImportPages) fail(Error::too_large(what + " has " + std::to_string(pages) + " pages; imports take at most " + std::to_string(kMaxImportPages)));
  std::string out;
  for (int i = 0; i < pages; ++i) {
    auto page = mu::load_page(ctx, doc, i);
    auto text = pdftext::extract(ctx, page.get());
    if (!out.empty() && !text.text.empty()) out += "\n\n";
    out += text.text;
  }
  return out;
}

// Lines of a PDF's text layer are joined into paragraphs (blank lines kept), which is the
// draft markup's own rule; e-mail headers are dropped (the body starts after the first blank line).
std::string document_text(const storage::Store& store, const storage::Document& doc, const storage::Version& v, bool email) {
  std::string bytes = read_blob(store, v);
  std::string text;
  if (v.media_type == "application/pdf") {
    text = pdf_text(bytes, "document " + doc.id);
  } else if (v.media_type.rfind("text/", 0) == 0 || v.media_type == "message/rfc822") {
    text = bytes;
    if (email) {
      auto body = text.find("\r\n\r\n");
      if (body == std::string::npos) body = text.find("\n\n");
      if (body != std::string::npos && text.find(':') < body) text = text.substr(body);
    }
  } else {
    fail(Error::unsupported("document " + doc.id + " is " + v.media_type + "; drafts import text and PDF documents"));
  }
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\0') clean += c;
  }
  auto first = clean.find_first_not_of(" \t\n");
  if (first == std::string::npos) fail(Error::invalid_input("document " + doc.id + " has no text to import (a scan needs OCR first)"));
  clean = clean.substr(first);
  if (clean.size() > kMaxImportText) fail(Error::too_large("document " + doc.id + " has more text than a fragment takes (1 MiB)"));
  return clean;
}

}  // namespace

Result<Fragment> DraftService::add_from_template(const Actor& actor, const std::string& case_ref, const std::string& template_id,
                                                 std::optional<int> template_version, std::optional<int> position) {
  Date today = this->today();
  return detail::draft_write<Fragment>(store_, actor, case_ref, "fragment.add", [&](storage::CatalogWriter& w) {
    DraftScope s = detail::open_scope(w.db(), actor, case_ref, DraftAccess::editor);
    DraftTemplate t = detail::load_template(w.db(), template_id, template_version);
    NewFragment f;
    f.title = t.name;
    f.kind = "section";
    f.text = fill_template(t.text, s.kase, today).value();
    f.provenance = t.kind == "letter" ? Provenance::letter : Provenance::template_;
    f.source = {{"template", t.id}, {"version", t.version}};
    f.position = position;
    return detail::add_fragment_in(w, s, actor, f);
  });
}

Result<Fragment> DraftService::import_document(const Actor& actor, const std::string& case_ref, const std::string& document_id,
                                               const std::string& title, std::optional<int> position) {
  // Access first (audited refusal), then read the bytes outside any transaction.
  auto scope_check = detail::draft_read<bool>(store_, actor, case_ref, "fragment.import", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::editor);
    bool attached = std::any_of(s.kase.documents.begin(), s.kase.documents.end(), [&](const CaseDocument& d) { return d.document_id == document_id; });
    if (!attached) fail(Error::invalid_input("document " + document_id + " is not attached to case " + s.kase.reference + "; attach it first"));
    return true;
  });
  if (!scope_check) return scope_check.error();
  auto doc = store_.catalog->get_document(document_id);
  if (!doc) return doc.error();
  auto searchable = store_.catalog->latest_version(document_id, storage::VersionKind::searchable);
  storage::Version v = searchable ? *searchable : doc->versions.front();
  bool email = doc->source == "email" || v.media_type == "message/rfc822";
  auto text = guard([&] { return document_text(store_, *doc, v, email); });
  if (!text) return text.error();
  return detail::draft_write<Fragment>(store_, actor, case_ref, "fragment.import", [&](storage::CatalogWriter& w) {
    DraftScope s = detail::open_scope(w.db(), actor, case_ref, DraftAccess::editor);
    NewFragment f;
    f.title = title.empty() ? doc->file_name : title;
    f.kind = "section";
    f.text = *text;
    f.provenance = email ? Provenance::email : Provenance::document;
    f.source = {{"document", doc->id}, {"version", v.id}};
    f.position = position;
    return detail::add_fragment_in(w, s, actor, f);
  });
}

}  // namespace redbox::workflows
