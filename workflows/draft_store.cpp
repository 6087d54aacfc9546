#include "workflows/draft_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/ids.h"
#include "workflows/deadlines.h"
#include "workflows/detail/draft_ops.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_text.h"

namespace redbox::workflows {

using detail::DraftAccess;
using detail::DraftScope;

std::string_view to_string(Provenance p) {
  switch (p) {
    case Provenance::written: return "written";
    case Provenance::template_: return "template";
    case Provenance::letter: return "letter";
    case Provenance::document: return "document";
    case Provenance::email: return "email";
  }
  return "written";
}

Result<Provenance> parse_provenance(std::string_view text) {
  if (text == "written") return Provenance::written;
  if (text == "template") return Provenance::template_;
  if (text == "letter") return Provenance::letter;
  if (text == "document") return Provenance::document;
  if (text == "email") return Provenance::email;
  return Error::invalid_input("provenance '" + std::string(text) + "': expected written, template, letter, document or email");
}

nlohmann::json FragmentVersion::to_json(bool with_text) const {
  nlohmann::json j = {{"fragment", fragment_id}, {"version", num},   {"author", author},   {"created", created},
                      {"provenance", to_string(provenance)}, {"source", source}, {"revision", revision}};
  if (with_text) j["text"] = text;
  return j;
}

nlohmann::json Fragment::to_json() const {
  return {{"id", id}, {"title", title}, {"kind", kind}, {"position", position}, {"version", version.to_json()}, {"authors", authors}};
}

nlohmann::json DraftCaseContext::to_json() const {
  return {{"case", case_id}, {"reference", reference}, {"type", type}, {"topic", topic}, {"stage", stage},
          {"owner", owner},  {"mp", mp},               {"due", due}};
}

nlohmann::json Draft::to_json() const {
  nlohmann::json fs = nlohmann::json::array();
  for (const auto& f : fragments) fs.push_back(f.to_json());
  return {{"id", id},         {"title", title},   {"revision", revision}, {"latest_revision", latest_revision},
          {"reviewed_revision", reviewed_revision}, {"access", access}, {"case", context.to_json()}, {"fragments", fs}};
}

nlohmann::json Blame::to_json() const {
  nlohmann::json fs = nlohmann::json::array();
  for (const auto& f : fragments) {
    nlohmann::json ws = nlohmann::json::array();
    for (const auto& w : f.words) {
      ws.push_back({{"word", w.word}, {"author", w.author}, {"version", w.version}, {"revision", w.revision}, {"time", w.time},
                    {"provenance", to_string(w.provenance)}});
    }
    fs.push_back({{"fragment", f.fragment_id}, {"title", f.title}, {"version", f.version}, {"words", ws}});
  }
  return {{"revision", revision}, {"fragments", fs}};
}

std::string Blame::report() const {
  std::string out = "Blame at draft revision " + std::to_string(revision) + "\n";
  for (const auto& f : fragments) {
    out += "\n## " + (f.title.empty() ? f.fragment_id : f.title) + " (" + f.fragment_id + ", version " + std::to_string(f.version) + ")\n";
    std::size_t i = 0;
    while (i < f.words.size()) {
      std::size_t j = i;
      std::string text;
      while (j < f.words.size() && f.words[j].author == f.words[i].author && f.words[j].version == f.words[i].version) {
        text += (text.empty() ? "" : " ") + f.words[j].word;
        ++j;
      }
      out += "[" + f.words[i].author + " v" + std::to_string(f.words[i].version) + " " + f.words[i].time + "] " + text + "\n";
      i = j;
    }
  }
  return out;
}

nlohmann::json FragmentChange::to_json() const {
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : words) ws.push_back({{"kind", w.kind}, {"text", w.text}, {"authors", w.authors}});
  auto opt = [](const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"fragment", fragment_id}, {"title", title},   {"change", change},       {"from_position", opt(from_position)},
          {"to_position", opt(to_position)}, {"from_version", opt(from_version)}, {"to_version", opt(to_version)},
          {"authors", authors},      {"words", ws}};
}

nlohmann::json Comparison::to_json() const {
  nlohmann::json cs = nlohmann::json::array();
  for (const auto& c : changes) cs.push_back(c.to_json());
  return {{"from", from}, {"to", to}, {"changes", cs}};
}

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::string Comparison::report() const {
  std::string out = "Changes from draft revision " + std::to_string(from) + " to " + std::to_string(to) + "\n";
  if (changes.empty()) out += "\nNo changes.\n";
  for (const auto& c : changes) {
    std::string name = "\"" + (c.title.empty() ? c.fragment_id : c.title) + "\"";
    out += "\n";
    if (c.change == "added") {
      out += "+ added " + name + " at position " + std::to_string(*c.to_position + 1) + " by " + join(c.authors) + "\n";
    } else if (c.change == "removed") {
      out += "- removed " + name + " (was at position " + std::to_string(*c.from_position + 1) + ")\n";
    } else {
      if (c.change.find("moved") != std::string::npos) {
        out += "> moved " + name + " from position " + std::to_string(*c.from_position + 1) + " to " + std::to_string(*c.to_position + 1) + "\n";
      }
      if (c.change.find("edited") != std::string::npos) {
        out += "~ edited " + name + " (version " + std::to_string(*c.from_version) + " -> " + std::to_string(*c.to_version) + ") by " +
               join(c.authors) + "\n";
      }
    }
    if (c.change.find("edited") == std::string::npos) continue;
    for (const auto& w : c.words) {
      if (w.kind == "inserted") out += "    {+" + w.text + "+} (" + join(w.authors) + ")\n";
      if (w.kind == "removed") out += "    [-" + w.text + "-]\n";
    }
  }
  return out;
}

DraftService::DraftService(storage::Store& store, const HolidayCalendar& calendar, const Clock& clock)
    : store_(store), calendar_(calendar), clock_(clock) {}

Date DraftService::today() const { return uk_local_time(clock_.now()).date; }

// ---------------------------------------------------------------------------------------------

Result<Draft> DraftService::create(const Actor& actor, const std::string& case_ref, const std::string& title) {
  return detail::draft_write<Draft>(store_, actor, case_ref, "create", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::editor, false);
    if (!s.draft.id.empty()) fail(Error::conflict("case " + s.kase.reference + " already has a draft (" + s.draft.id + ")"));
    std::string now = format_utc(w.now());
    s.draft = {new_id("drf"), title.empty() ? "Reply to " + s.kase.reference : title, 0, 0};
    db.prepare("INSERT INTO drafts (id, case_id, title, revision, reviewed_revision, created, created_by) VALUES (?, ?, ?, 0, 0, ?, ?)")
        .bind(1, s.draft.id)
        .bind(2, s.kase.id)
        .bind(3, s.draft.title)
        .bind(4, now)
        .bind(5, actor.name)
        .run();
    db.prepare("INSERT INTO draft_revisions (draft_id, revision, time, actor, action, layout) VALUES (?, 0, ?, ?, 'create', '[]')")
        .bind(1, s.draft.id)
        .bind(2, now)
        .bind(3, actor.name)
        .run();
    detail::audit_draft(w, s.kase, s.draft.id, actor.name, "create");
    return detail::draft_view(db, s, 0);
  });
}

Result<Draft> DraftService::get(const Actor& actor, const std::string& case_ref, std::optional<int> revision) const {
  return detail::draft_read<Draft>(store_, actor, case_ref, "view", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    return detail::draft_view(db, s, revision.value_or(s.draft.revision));
  });
}

Result<Fragment> DraftService::add_fragment(const Actor& actor, const std::string& case_ref, const NewFragment& f) {
  if (f.kind != "section" && f.kind != "paragraph") return Error::invalid_input("fragment kind '" + f.kind + "': expected section or paragraph");
  return detail::draft_write<Fragment>(store_, actor, case_ref, "fragment.add", [&](storage::CatalogWriter& w) {
    draft_text::check_text(f.text, "new fragment");
    DraftScope s = detail::open_scope(w.db(), actor, case_ref, DraftAccess::editor);
    return detail::add_fragment_in(w, s, actor, f);
  });
}

Result<Fragment> DraftService::edit_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id,
                                             const std::string& text, Provenance provenance, const nlohmann::json& source) {
  return detail::draft_write<Fragment>(store_, actor, case_ref, "fragment.edit", [&](storage::CatalogWriter& w) {
    draft_text::check_text(text, "fragment " + fragment_id);
    DraftScope s = detail::open_scope(w.db(), actor, case_ref, DraftAccess::contributor);
    detail::require_fragment_editable(s, actor, fragment_id);
    return detail::edit_fragment_in(w, s, actor, fragment_id, text, provenance, source, std::nullopt, "fragment.edit");
  });
}

Result<Fragment> DraftService::revert_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id, int to) {
  return detail::draft_write<Fragment>(store_, actor, case_ref, "fragment.revert", [&](storage::CatalogWriter& w) {
    DraftScope s = detail::open_scope(w.db(), actor, case_ref, DraftAccess::contributor);
    detail::require_fragment_editable(s, actor, fragment_id);
    detail::fragment_meta(w.db(), s.draft.id, fragment_id);
    FragmentVersion target = detail::version_by_num(w.db(), fragment_id, to);
    return detail::edit_fragment_in(w, s, actor, fragment_id, target.text, target.provenance, target.source, target.vid, "fragment.revert");
  });
}

Result<Draft> DraftService::move_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id, int position) {
  return detail::draft_write<Draft>(store_, actor, case_ref, "fragment.move", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::editor);
    auto layout = detail::layout_at(db, s.draft.id, s.draft.revision);
    auto at = detail::find_in_layout(db, layout, fragment_id);
    if (!at) fail(Error::not_found("fragment " + fragment_id + " is not in the current draft of " + s.kase.reference));
    if (position < 0 || position >= static_cast<int>(layout.size())) {
      fail(Error::invalid_input("position " + std::to_string(position) + " is outside the draft (0 to " + std::to_string(layout.size() - 1) + ")"));
    }
    if (static_cast<int>(*at) == position) fail(Error::conflict("fragment " + fragment_id + " is already at position " + std::to_string(position)));
    std::int64_t vid = layout[*at];
    layout.erase(layout.begin() + static_cast<std::ptrdiff_t>(*at));
    layout.insert(layout.begin() + position, vid);
    detail::next_revision(w, s.draft, s.kase, actor.name, "fragment.move", fragment_id, layout,
                          {{"from", *at}, {"to", position}});
    return detail::draft_view(db, s, s.draft.revision);
  });
}

Result<Draft> DraftService::remove_fragment(const Actor& actor, const std::string& case_ref, const std::string& fragment_id) {
  return detail::draft_write<Draft>(store_, actor, case_ref, "fragment.remove", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::editor);
    auto layout = detail::layout_at(db, s.draft.id, s.draft.revision);
    auto at = detail::find_in_layout(db, layout, fragment_id);
    if (!at) fail(Error::not_found("fragment " + fragment_id + " is not in the current draft of " + s.kase.reference));
    layout.erase(layout.begin() + static_cast<std::ptrdiff_t>(*at));
    detail::next_revision(w, s.draft, s.kase, actor.name, "fragment.remove", fragment_id, layout, {{"position", *at}});
    return detail::draft_view(db, s, s.draft.revision);
  });
}

Result<std::vector<FragmentVersion>> DraftService::versions(const Actor& actor, const std::string& case_ref,
                                                            const std::string& fragment_id) const {
  return detail::draft_read<std::vector<FragmentVersion>>(store_, actor, case_ref, "fragment.versions", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    detail::require_fragment_visible(s, actor, fragment_id);
    detail::fragment_meta(db, s.draft.id, fragment_id);
    std::vector<FragmentVersion> out;
    int last = detail::latest_version_num(db, fragment_id);
    for (int n = 1; n <= last; ++n) out.push_back(detail::version_by_num(db, fragment_id, n));
    return out;
  });
}

Result<Blame> DraftService::blame(const Actor& actor, const std::string& case_ref, std::optional<int> revision) const {
  return detail::draft_read<Blame>(store_, actor, case_ref, "blame", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    return detail::blame_at(db, s, revision.value_or(s.draft.revision));
  });
}

Result<Comparison> DraftService::compare(const Actor& actor, const std::string& case_ref, int from, int to) const {
  return detail::draft_read<Comparison>(store_, actor, case_ref, "compare", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    return detail::compare_revisions(db, s, from, to);
  });
}

Result<Draft> DraftService::mark_reviewed(const Actor& actor, const std::string& case_ref) {
  return detail::draft_write<Draft>(store_, actor, case_ref, "review", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::reader);
    db.prepare("UPDATE drafts SET reviewed_revision = ? WHERE id = ?").bind(1, s.draft.revision).bind(2, s.draft.id).run();
    s.draft.reviewed_revision = s.draft.revision;
    detail::audit_draft(w, s.kase, s.draft.id, actor.name, "review", {{"revision", s.draft.revision}});
    return detail::draft_view(db, s, s.draft.revision);
  });
}

}  // namespace redbox::workflows
