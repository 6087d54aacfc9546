// DraftService: comments on a fragment or a span of its words, threaded (replies name their
// parent), resolvable, each an audit event (the text is never in the audit log).
#include <map>

#include "common/ids.h"
#include "workflows/detail/draft_ops.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_store.h"
#include "workflows/draft_text.h"

namespace redbox::workflows {

using detail::DraftAccess;
using detail::DraftScope;

nlohmann::json DraftComment::to_json() const {
  nlohmann::json rs = nlohmann::json::array();
  for (const auto& r : replies) rs.push_back(r.to_json());
  auto opt = [](const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"id", id},
          {"fragment", fragment_id},
          {"parent", parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(parent_id)},
          {"fragment_version", fragment_version},
          {"start_word", opt(start_word)},
          {"end_word", opt(end_word)},
          {"quote", quote},
          {"author", author},
          {"text", text},
          {"created", created},
          {"resolved", resolved.empty() ? nlohmann::json(nullptr) : nlohmann::json(resolved)},
          {"resolved_by", resolved_by},
          {"replies", rs}};
}

namespace {

constexpr std::size_t kMaxComment = 20000;
constexpr const char* kColumns =
    "id, fragment_id, COALESCE(parent_id, ''), fragment_version, start_word, end_word, author, text, created, COALESCE(resolved, ''), "
    "COALESCE(resolved_by, '')";

DraftComment read_comment(sql::Database& db, sql::Statement& st) {
  DraftComment c;
  c.id = st.text(0);
  c.fragment_id = st.text(1);
  c.parent_id = st.text(2);
  c.fragment_version = static_cast<int>(st.int64(3));
  if (auto v = st.optional_int64(4)) c.start_word = static_cast<int>(*v);
  if (auto v = st.optional_int64(5)) c.end_word = static_cast<int>(*v);
  c.author = st.text(6);
  c.text = st.text(7);
  c.created = st.text(8);
  c.resolved = st.text(9);
  c.resolved_by = st.text(10);
  if (c.start_word && c.end_word) {
    auto words = draft_text::words(detail::version_by_num(db, c.fragment_id, c.fragment_version).text);
    std::string q;
    for (int i = *c.start_word; i < *c.end_word && i < static_cast<int>(words.size()); ++i) q += (q.empty() ? "" : " ") + words[static_cast<std::size_t>(i)].text;
    c.quote = q;
  }
  return c;
}

DraftComment load_comment(sql::Database& db, const DraftScope& s, const std::string& id) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM draft_comments WHERE id = ? AND draft_id = ?");
  st.bind(1, id).bind(2, s.draft.id);
  if (!st.step()) fail(Error::not_found("no comment " + id + " on the draft of " + s.kase.reference));
  return read_comment(db, st);
}

}  // namespace

Result<DraftComment> DraftService::add_comment(const Actor& actor, const std::string& case_ref, const NewComment& nc) {
  if (nc.text.find_first_not_of(" \t\r\n") == std::string::npos) return Error::invalid_input("a comment needs some text");
  if (nc.text.size() > kMaxComment) return Error::too_large("a comment has at most " + std::to_string(kMaxComment) + " bytes");
  return detail::draft_write<DraftComment>(store_, actor, case_ref, "comment.add", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    draft_text::check_text(nc.text, "comment");
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    std::string fragment_id = nc.fragment_id;
    std::optional<DraftComment> parent;
    if (!nc.parent_id.empty()) {
      parent = load_comment(db, s, nc.parent_id);
      if (!fragment_id.empty() && fragment_id != parent->fragment_id) fail(Error::invalid_input("a reply is on its parent's fragment"));
      fragment_id = parent->fragment_id;
    }
    if (fragment_id.empty()) fail(Error::invalid_input("a comment needs a fragment (or a parent comment)"));
    detail::require_fragment_visible(s, actor, fragment_id);
    detail::fragment_meta(db, s.draft.id, fragment_id);
    int version = detail::latest_version_num(db, fragment_id);
    if (nc.start_word || nc.end_word) {
      if (!nc.start_word || !nc.end_word) fail(Error::invalid_input("a span needs both start_word and end_word"));
      auto words = draft_text::words(detail::version_by_num(db, fragment_id, version).text);
      if (*nc.start_word < 0 || *nc.end_word <= *nc.start_word || *nc.end_word > static_cast<int>(words.size())) {
        fail(Error::invalid_input("span " + std::to_string(*nc.start_word) + "-" + std::to_string(*nc.end_word) + " is outside fragment " +
                                  fragment_id + " (" + std::to_string(words.size()) + " words; end is exclusive)"));
      }
    }
    std::string id = new_id("cmt");
    std::string root = parent ? (parent->parent_id.empty() ? parent->id : parent->parent_id) : std::string();
    db.prepare("INSERT INTO draft_comments (id, draft_id, fragment_id, parent_id, fragment_version, start_word, end_word, author, text, created) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, s.draft.id)
        .bind(3, fragment_id)
        .bind(4, root.empty() ? std::optional<std::string>() : std::optional<std::string>(root))
        .bind(5, version)
        .bind(6, nc.start_word ? std::optional<std::int64_t>(*nc.start_word) : std::nullopt)
        .bind(7, nc.end_word ? std::optional<std::int64_t>(*nc.end_word) : std::nullopt)
        .bind(8, actor.name)
        .bind(9, nc.text)
        .bind(10, format_utc(w.now()))
        .run();
    nlohmann::json details = {{"comment", id}, {"fragment", fragment_id}};
    if (!root.empty()) details["parent"] = root;
    detail::audit_draft(w, s.kase, s.draft.id, actor.name, "comment.add", details);
    return load_comment(db, s, id);
  });
}

Result<DraftComment> DraftService::resolve_comment(const Actor& actor, const std::string& case_ref, const std::string& comment_id) {
  return detail::draft_write<DraftComment>(store_, actor, case_ref, "comment.resolve", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    DraftComment c = load_comment(db, s, comment_id);
    detail::require_fragment_visible(s, actor, c.fragment_id);
    if (!c.parent_id.empty()) fail(Error::invalid_input("resolve the thread (" + c.parent_id + "), not a reply"));
    if (c.author != actor.name && s.access < DraftAccess::editor) {
      fail(Error::forbidden(actor.name + " may not resolve " + c.author + "'s comment (its author or an editor of the draft may)"));
    }
    if (!c.resolved.empty()) fail(Error::conflict("comment " + c.id + " was resolved by " + c.resolved_by + " at " + c.resolved));
    std::string now = format_utc(w.now());
    db.prepare("UPDATE draft_comments SET resolved = ?, resolved_by = ? WHERE id = ?").bind(1, now).bind(2, actor.name).bind(3, c.id).run();
    detail::audit_draft(w, s.kase, s.draft.id, actor.name, "comment.resolve", {{"comment", c.id}, {"fragment", c.fragment_id}});
    return load_comment(db, s, c.id);
  });
}

Result<std::vector<DraftComment>> DraftService::comments(const Actor& actor, const std::string& case_ref, bool include_resolved) const {
  return detail::draft_read<std::vector<DraftComment>>(store_, actor, case_ref, "comment.list", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM draft_comments WHERE draft_id = ? ORDER BY created, id");
    st.bind(1, s.draft.id);
    std::vector<DraftComment> threads;
    std::map<std::string, std::size_t> index;
    std::vector<DraftComment> replies;
    while (st.step()) {
      DraftComment c = read_comment(db, st);
      if (!s.may_see(c.fragment_id)) continue;
      if (c.parent_id.empty()) {
        if (!include_resolved && !c.resolved.empty()) continue;
        index[c.id] = threads.size();
        threads.push_back(std::move(c));
      } else {
        replies.push_back(std::move(c));
      }
    }
    for (auto& r : replies) {
      auto it = index.find(r.parent_id);
      if (it != index.end()) threads[it->second].replies.push_back(std::move(r));
    }
    return threads;
  });
}

}  // namespace redbox::workflows
