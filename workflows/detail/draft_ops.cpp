#include "workflows/detail/draft_ops.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/ids.h"
#include "workflows/draft_text.h"
#include "workflows/word_diff.h"

namespace redbox::workflows::detail {

namespace {

// Who wrote a version, looked up once per version.
struct VersionInfo {
  std::string author;
  int num = 0;
  int revision = 0;
  std::string created;
  Provenance provenance = Provenance::written;
};

class VersionInfoCache {
 public:
  explicit VersionInfoCache(sql::Database& db)
      : st_(db.prepare("SELECT author, num, revision, created, provenance FROM draft_fragment_versions INDEXED BY draft_fragment_versions_who "
                       "WHERE vid = ?")) {}
  // Loads many versions in one statement (blame and compare touch thousands of them).
  void prefetch(sql::Database& db, const std::vector<std::int64_t>& vids) {
    std::vector<std::int64_t> missing;
    for (auto v : vids) {
      if (!cache_.count(v)) missing.push_back(v);
    }
    if (missing.empty()) return;
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    auto st = db.prepare("SELECT vid, author, num, revision, created, provenance FROM draft_fragment_versions "
                         "INDEXED BY draft_fragment_versions_who WHERE vid IN (SELECT value FROM json_each(?))");
    st.bind(1, nlohmann::json(missing).dump());
    while (st.step()) {
      cache_.emplace(st.int64(0), VersionInfo{st.text(1), static_cast<int>(st.int64(2)), static_cast<int>(st.int64(3)), st.text(4),
                                              parse_provenance(st.text(5)).value()});
    }
  }
  const VersionInfo& get(std::int64_t vid) {
    auto it = cache_.find(vid);
    if (it != cache_.end()) return it->second;
    st_.reset();
    st_.bind(1, vid);
    if (!st_.step()) fail(Error::corrupt("an attribution refers to a missing fragment version " + std::to_string(vid)));
    VersionInfo info{st_.text(0), static_cast<int>(st_.int64(1)), static_cast<int>(st_.int64(2)), st_.text(3),
                     parse_provenance(st_.text(4)).value()};
    return cache_.emplace(vid, std::move(info)).first->second;
  }

 private:
  sql::Statement st_;
  std::unordered_map<std::int64_t, VersionInfo> cache_;
};

// One layout entry with what blame and compare need.
struct Placed {
  std::int64_t vid = 0;
  std::string fragment_id;
  int num = 0;
  std::string text;
  std::vector<std::int64_t> attribution;
  std::string title;
};

class PlacedReader {
 public:
  explicit PlacedReader(sql::Database& db)
      : st_(db.prepare("SELECT v.fragment_id, v.num, v.text, v.attribution, f.title FROM draft_fragment_versions v "
                       "JOIN draft_fragments f ON f.id = v.fragment_id WHERE v.vid = ?")) {}
  Placed get(std::int64_t vid) {
    st_.reset();
    st_.bind(1, vid);
    if (!st_.step()) fail(Error::corrupt("a draft revision refers to a missing fragment version " + std::to_string(vid)));
    return {vid, st_.text(0), static_cast<int>(st_.int64(1)), st_.text(2), decode_attribution(st_.text(3)), st_.text(4)};
  }

 private:
  sql::Statement st_;
};

std::vector<std::string> distinct_authors(const std::vector<std::int64_t>& attribution, VersionInfoCache& cache) {
  std::vector<std::string> out;
  for (auto vid : attribution) {
    const auto& a = cache.get(vid).author;
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

void check_revision(const DraftScope& s, int revision) {
  if (revision < 0 || revision > s.draft.revision) {
    fail(Error::not_found("the draft of " + s.kase.reference + " has revisions 0 to " + std::to_string(s.draft.revision) + ", not " +
                          std::to_string(revision)));
  }
}

Fragment fragment_view(sql::Database& db, std::int64_t vid, int position, VersionInfoCache& cache) {
  Fragment f;
  f.version = load_version(db, vid);
  f.id = f.version.fragment_id;
  auto st = db.prepare("SELECT title, kind FROM draft_fragments WHERE id = ?");
  st.bind(1, f.id);
  if (st.step()) {
    f.title = st.text(0);
    f.kind = st.text(1);
  }
  f.position = position;
  f.authors = distinct_authors(load_attribution(db, vid), cache);
  return f;
}

}  // namespace

std::optional<std::size_t> find_in_layout(sql::Database& db, const std::vector<std::int64_t>& layout, const std::string& fragment_id) {
  auto st = db.prepare("SELECT fragment_id FROM draft_fragment_versions WHERE vid = ?");
  for (std::size_t i = 0; i < layout.size(); ++i) {
    st.reset();
    st.bind(1, layout[i]);
    if (st.step() && st.text(0) == fragment_id) return i;
  }
  return std::nullopt;
}

Draft draft_view(sql::Database& db, const DraftScope& s, int revision) {
  check_revision(s, revision);
  Draft d;
  d.id = s.draft.id;
  d.title = s.draft.title;
  d.revision = revision;
  d.latest_revision = s.draft.revision;
  d.reviewed_revision = s.draft.reviewed_revision;
  d.access = std::string(to_string(s.access));
  d.context = case_context(s.kase);
  VersionInfoCache cache(db);
  auto layout = layout_at(db, s.draft.id, revision);
  for (std::size_t i = 0; i < layout.size(); ++i) {
    Fragment f = fragment_view(db, layout[i], static_cast<int>(i), cache);
    if (s.may_see(f.id)) d.fragments.push_back(std::move(f));
  }
  return d;
}

Fragment add_fragment_in(storage::CatalogWriter& w, DraftScope& s, const Actor& actor, const NewFragment& f) {
  auto& db = w.db();
  auto layout = layout_at(db, s.draft.id, s.draft.revision);
  int position = f.position.value_or(static_cast<int>(layout.size()));
  if (position < 0 || position > static_cast<int>(layout.size())) {
    fail(Error::invalid_input("position " + std::to_string(position) + " is outside the draft (0 to " + std::to_string(layout.size()) + ")"));
  }
  std::string id = new_id("frg");
  std::string now = format_utc(w.now());
  db.prepare("INSERT INTO draft_fragments (id, draft_id, title, kind, created, created_by) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, s.draft.id)
      .bind(3, f.title)
      .bind(4, f.kind)
      .bind(5, now)
      .bind(6, actor.name)
      .run();
  std::int64_t vid = insert_version(db, id, f.text, actor.name, now, f.provenance, f.source, s.draft.revision + 1);
  layout.insert(layout.begin() + position, vid);
  nlohmann::json details = {{"position", position}, {"kind", f.kind}, {"provenance", to_string(f.provenance)}};
  if (!f.source.empty()) details["source"] = f.source;
  next_revision(w, s.draft, s.kase, actor.name, "fragment.add", id, layout, details);
  VersionInfoCache cache(db);
  return fragment_view(db, vid, position, cache);
}

Fragment edit_fragment_in(storage::CatalogWriter& w, DraftScope& s, const Actor& actor, const std::string& fragment_id, const std::string& text,
                          Provenance provenance, const nlohmann::json& source, std::optional<std::int64_t> attribution_from,
                          const std::string& action) {
  auto& db = w.db();
  fragment_meta(db, s.draft.id, fragment_id);
  auto layout = layout_at(db, s.draft.id, s.draft.revision);
  auto at = find_in_layout(db, layout, fragment_id);
  if (!at) fail(Error::conflict("fragment " + fragment_id + " was removed from the draft of " + s.kase.reference));
  FragmentVersion current = load_version(db, layout[*at]);
  if (current.text == text) fail(Error::conflict("fragment " + fragment_id + " already has this text (version " + std::to_string(current.num) + ")"));
  std::string now = format_utc(w.now());
  std::int64_t vid = insert_version(db, fragment_id, text, actor.name, now, provenance, source, s.draft.revision + 1, attribution_from);
  layout[*at] = vid;
  FragmentVersion made = load_version(db, vid);
  nlohmann::json details = {{"version", made.num}, {"provenance", to_string(provenance)}};
  if (attribution_from) details["reverted_to"] = load_version(db, *attribution_from).num;
  next_revision(w, s.draft, s.kase, actor.name, action, fragment_id, layout, details);
  VersionInfoCache cache(db);
  return fragment_view(db, vid, static_cast<int>(*at), cache);
}

Blame blame_at(sql::Database& db, const DraftScope& s, int revision) {
  check_revision(s, revision);
  Blame b;
  b.revision = revision;
  VersionInfoCache cache(db);
  PlacedReader reader(db);
  std::vector<Placed> placed;
  std::vector<std::int64_t> all;
  for (auto vid : layout_at(db, s.draft.id, revision)) {
    Placed p = reader.get(vid);
    if (!s.may_see(p.fragment_id)) continue;
    all.insert(all.end(), p.attribution.begin(), p.attribution.end());
    placed.push_back(std::move(p));
  }
  cache.prefetch(db, all);
  for (auto& p : placed) {
    auto words = draft_text::words(p.text);
    if (words.size() != p.attribution.size()) {
      fail(Error::corrupt("fragment " + p.fragment_id + " version " + std::to_string(p.num) + ": attribution covers " +
                          std::to_string(p.attribution.size()) + " words, the text has " + std::to_string(words.size())));
    }
    BlameFragment f{p.fragment_id, p.title, p.num, {}};
    f.words.reserve(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
      const auto& info = cache.get(p.attribution[i]);
      f.words.push_back({std::move(words[i].text), info.author, info.num, info.revision, info.created, info.provenance});
    }
    b.fragments.push_back(std::move(f));
  }
  return b;
}

namespace {

// Inserted words, split where the author changes.
void inserted_segments(const std::vector<draft_text::Word>& words, const std::vector<std::int64_t>& attribution, std::size_t from,
                       std::size_t count, VersionInfoCache& cache, std::vector<WordSegment>& out) {
  for (std::size_t i = from; i < from + count; ++i) {
    const std::string& author = cache.get(attribution[i]).author;
    if (!out.empty() && out.back().kind == "inserted" && out.back().authors.size() == 1 && out.back().authors[0] == author &&
        i != from) {
      out.back().text += " " + words[i].text;
    } else {
      out.push_back({"inserted", words[i].text, {author}});
    }
  }
}

std::string join_words(const std::vector<draft_text::Word>& words, std::size_t from, std::size_t count) {
  std::string s;
  for (std::size_t i = from; i < from + count; ++i) s += (s.empty() ? "" : " ") + words[i].text;
  return s;
}

std::vector<std::string> editors_between(sql::Database& db, const std::string& fragment_id, int a, int b) {
  auto st = db.prepare("SELECT author FROM draft_fragment_versions INDEXED BY draft_fragment_versions_authors "
                       "WHERE fragment_id = ? AND num > ? AND num <= ? ORDER BY num");
  st.bind(1, fragment_id).bind(2, std::min(a, b)).bind(3, std::max(a, b));
  std::vector<std::string> out;
  while (st.step()) {
    std::string x = st.text(0);
    if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  }
  return out;
}

}  // namespace

Comparison compare_revisions(sql::Database& db, const DraftScope& s, int from, int to) {
  check_revision(s, from);
  check_revision(s, to);
  Comparison c;
  c.from = from;
  c.to = to;
  VersionInfoCache cache(db);
  PlacedReader reader(db);
  auto read_layout = [&](int revision) {
    std::vector<Placed> out;
    for (auto vid : layout_at(db, s.draft.id, revision)) {
      Placed p = reader.get(vid);
      if (s.may_see(p.fragment_id)) out.push_back(std::move(p));
    }
    return out;
  };
  std::vector<Placed> a = read_layout(from);
  std::vector<Placed> b = read_layout(to);
  std::map<std::string, std::size_t> in_a, in_b;
  for (std::size_t i = 0; i < a.size(); ++i) in_a[a[i].fragment_id] = i;
  for (std::size_t i = 0; i < b.size(); ++i) in_b[b[i].fragment_id] = i;

  // Moves: fragments in both revisions whose relative order changed, i.e. that are not on the
  // longest common subsequence of the two orders. Where several subsequences are equally long
  // (A removed and C moved to the front of A B C: is B or C the one that moved?), the fragments
  // someone explicitly moved between the two revisions are the ones called moved.
  std::set<std::string> moved_explicitly;
  {
    auto st = db.prepare("SELECT DISTINCT fragment_id FROM draft_revisions WHERE draft_id = ? AND action = 'fragment.move' AND revision > ? AND revision <= ?");
    st.bind(1, s.draft.id).bind(2, std::min(from, to)).bind(3, std::max(from, to));
    while (st.step()) moved_explicitly.insert(st.text(0));
  }
  std::vector<std::size_t> common_a, common_b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (in_b.count(a[i].fragment_id)) common_a.push_back(i);
  }
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (in_a.count(b[i].fragment_id)) common_b.push_back(i);
  }
  const std::size_t n = common_a.size();
  std::vector<std::vector<long>> best(n + 1, std::vector<long>(n + 1, 0));
  auto weight = [&](std::size_t bi) { return moved_explicitly.count(b[common_b[bi]].fragment_id) ? 999L : 1000L; };
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = n; j-- > 0;) {
      long keep = a[common_a[i]].fragment_id == b[common_b[j]].fragment_id ? weight(j) + best[i + 1][j + 1] : 0;
      best[i][j] = std::max({keep, best[i + 1][j], best[i][j + 1]});
    }
  }
  std::vector<bool> moved(b.size(), false);
  for (auto bi : common_b) moved[bi] = true;
  for (std::size_t i = 0, j = 0; i < n && j < n;) {
    if (a[common_a[i]].fragment_id == b[common_b[j]].fragment_id && best[i][j] == weight(j) + best[i + 1][j + 1]) {
      moved[common_b[j]] = false;
      ++i, ++j;
    } else if (best[i + 1][j] >= best[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }

  // Word diffs first, so that the authors of exactly the inserted words are looked up at once.
  struct WordDiff {
    std::vector<draft_text::Word> wa, wb;
    std::vector<word_diff::Edit> edits;
  };
  std::vector<std::optional<WordDiff>> diffs(b.size());
  {
    std::vector<std::int64_t> needed;
    for (std::size_t i = 0; i < b.size(); ++i) {
      auto found = in_a.find(b[i].fragment_id);
      if (found == in_a.end()) {
        needed.insert(needed.end(), b[i].attribution.begin(), b[i].attribution.end());
        continue;
      }
      const Placed& na = a[found->second];
      if (na.num == b[i].num || na.text == b[i].text) continue;
      WordDiff wd{draft_text::words(na.text), draft_text::words(b[i].text), {}};
      wd.edits = word_diff::diff(draft_text::word_hashes(wd.wa), draft_text::word_hashes(wd.wb));
      for (const auto& e : wd.edits) {
        if (e.op != word_diff::Op::insert) continue;
        for (std::size_t k = 0; k < e.length; ++k) needed.push_back(b[i].attribution[e.b_pos + k]);
      }
      diffs[i] = std::move(wd);
    }
    cache.prefetch(db, needed);
  }

  for (std::size_t i = 0; i < b.size(); ++i) {
    const Placed& nb = b[i];
    auto found = in_a.find(nb.fragment_id);
    if (found == in_a.end()) {
      FragmentChange ch{nb.fragment_id, nb.title, "added", std::nullopt, static_cast<int>(i), std::nullopt, nb.num, {}, {}};
      auto words = draft_text::words(nb.text);
      inserted_segments(words, nb.attribution, 0, words.size(), cache, ch.words);
      ch.authors = distinct_authors(nb.attribution, cache);
      c.changes.push_back(std::move(ch));
      continue;
    }
    const Placed& na = a[found->second];
    bool edited = na.num != nb.num && na.text != nb.text;
    if (!edited && !moved[i]) continue;
    FragmentChange ch{nb.fragment_id, nb.title, moved[i] ? (edited ? "moved+edited" : "moved") : "edited",
                      static_cast<int>(found->second), static_cast<int>(i), na.num, nb.num, {}, {}};
    if (edited) {
      ch.authors = editors_between(db, nb.fragment_id, na.num, nb.num);
      const auto& wa = diffs[i]->wa;
      const auto& wb = diffs[i]->wb;
      for (const auto& e : diffs[i]->edits) {
        if (e.op == word_diff::Op::equal) {
          ch.words.push_back({"same", join_words(wb, e.b_pos, e.length), {}});
        } else if (e.op == word_diff::Op::remove) {
          ch.words.push_back({"removed", join_words(wa, e.a_pos, e.length), ch.authors});
        } else {
          inserted_segments(wb, nb.attribution, e.b_pos, e.length, cache, ch.words);
        }
      }
    }
    c.changes.push_back(std::move(ch));
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (in_b.count(a[i].fragment_id)) continue;
    FragmentChange ch{a[i].fragment_id, a[i].title, "removed", static_cast<int>(i), std::nullopt, a[i].num, std::nullopt, {}, {}};
    auto words = draft_text::words(a[i].text);
    ch.words.push_back({"removed", join_words(words, 0, words.size()), {}});
    ch.authors = distinct_authors(a[i].attribution, cache);
    c.changes.push_back(std::move(ch));
  }
  return c;
}

}  // namespace redbox::workflows::detail
