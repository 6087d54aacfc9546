#include "workflows/directory.h"

#include <algorithm>
#include <cctype>
#include <map>
#include "common/csv.h"

namespace redbox::workflows {

namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string item = trim(s.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ";") + s;
  return out;
}

// RFC 4180 rows; line numbers for messages.
std::vector<std::pair<int, std::vector<std::string>>> csv_rows(std::string_view text, std::string_view source) {
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  int line = 1;
  int row_line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.emplace_back(row_line, std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
      ++line;
      row_line = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) fail(Error::invalid_input(std::string(source) + ": line " + std::to_string(row_line) + ": unterminated quote"));
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.emplace_back(row_line, std::move(row));
  }
  return rows;
}

std::string csv_field(const std::string& s) { return csv::field(s); }

nlohmann::json list_json(const std::vector<std::string>& v) { return v; }

std::vector<std::string> json_list(const std::string& text) { return nlohmann::json::parse(text).get<std::vector<std::string>>(); }

DirectoryVersion write_version(storage::CatalogWriter& w, const std::string& actor, const std::vector<Topic>& topics,
                               const std::string& note, const std::string& what) {
  auto& db = w.db();
  int version = current_directory_version(db) + 1;
  std::string now = format_utc(w.now());
  db.prepare("INSERT INTO directory_versions (version, created, created_by, note) VALUES (?, ?, ?, ?)")
      .bind(1, version)
      .bind(2, now)
      .bind(3, actor)
      .bind(4, note)
      .run();
  auto ins = db.prepare(
      "INSERT INTO directory_topics (version, path, name, team, officials, deputies, keywords) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& t : topics) {
    ins.reset();
    ins.bind(1, version)
        .bind(2, t.path)
        .bind(3, t.name)
        .bind(4, t.team)
        .bind(5, list_json(t.officials).dump())
        .bind(6, list_json(t.deputies).dump())
        .bind(7, list_json(t.keywords).dump())
        .run();
  }
  storage::AuditEvent e;
  e.actor = actor;
  e.action = "directory." + what;
  e.object = "directory";
  e.details = {{"version", version}, {"topics", topics.size()}};
  if (!note.empty()) e.details["note"] = note;
  w.audit(std::move(e));
  return {version, now, actor, note};
}

void check_unique(const std::vector<Topic>& topics) {
  std::map<std::string, int> seen;
  for (const auto& t : topics) {
    if (++seen[t.path] > 1) fail(Error::invalid_input("topic '" + t.path + "' is listed twice"));
  }
}

}  // namespace

nlohmann::json Topic::to_json() const {
  return {{"topic", path}, {"name", name}, {"team", team}, {"officials", officials}, {"deputies", deputies}, {"keywords", keywords}};
}

nlohmann::json DirectoryVersion::to_json() const {
  return {{"version", version}, {"created", created}, {"created_by", created_by}, {"note", note}};
}

Result<std::string> normalise_topic_path(std::string_view text) {
  std::string out;
  std::string part;
  auto flush = [&]() -> bool {
    std::string p = trim(part);
    part.clear();
    if (p.empty()) return false;
    for (auto& c : p) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (c == ' ') c = '-';
    }
    out += (out.empty() ? "" : "/") + p;
    return true;
  };
  for (char c : text) {
    if (c == '/') {
      if (!flush()) return Error::invalid_input("topic '" + std::string(text) + "': empty part");
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != ' ' && c != '-' && c != '_') {
      return Error::invalid_input("topic '" + std::string(text) + "': use letters, digits, spaces, '-' and '_' between '/'");
    }
    part += c;
  }
  if (!flush()) return Error::invalid_input("topic '" + std::string(text) + "': empty part");
  return out;
}

Result<std::vector<Topic>> parse_directory_csv(std::string_view csv, std::string_view source) {
  return guard([&] {
    auto rows = csv_rows(csv, source);
    if (rows.empty()) fail(Error::invalid_input(std::string(source) + ": empty (expected a header row)"));
    const auto& header = rows.front().second;
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.size(); ++i) {
      std::string h = trim(header[i]);
      static const std::vector<std::string> kKnown = {"topic", "name", "team", "officials", "deputies", "keywords"};
      if (std::find(kKnown.begin(), kKnown.end(), h) == kKnown.end()) {
        fail(Error::invalid_input(std::string(source) + ": line 1: unknown column '" + h +
                                  "' (expected topic,name,team,officials,deputies,keywords)"));
      }
      col[h] = i;
    }
    if (!col.count("topic")) fail(Error::invalid_input(std::string(source) + ": line 1: no 'topic' column"));
    std::vector<Topic> topics;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      const auto& [line, fields] = rows[r];
      if (fields.size() != header.size()) {
        fail(Error::invalid_input(std::string(source) + ": line " + std::to_string(line) + ": " + std::to_string(fields.size()) +
                                  " fields, the header has " + std::to_string(header.size())));
      }
      auto get = [&](const char* name) { return col.count(name) ? trim(fields[col[name]]) : std::string(); };
      Topic t;
      auto path = normalise_topic_path(get("topic"));
      if (!path) fail(path.error().within(std::string(source) + ": line " + std::to_string(line)));
      t.path = *path;
      t.name = get("name");
      t.team = get("team");
      t.officials = split_list(get("officials"));
      t.deputies = split_list(get("deputies"));
      t.keywords = split_list(get("keywords"));
      topics.push_back(std::move(t));
    }
    check_unique(topics);
    std::sort(topics.begin(), topics.end(), [](const Topic& a, const Topic& b) { return a.path < b.path; });
    return topics;
  });
}

std::string directory_csv(const std::vector<Topic>& topics) {
  std::string out = "topic,name,team,officials,deputies,keywords\n";
  for (const auto& t : topics) {
    out += csv_field(t.path) + "," + csv_field(t.name) + "," + csv_field(t.team) + "," + csv_field(join_list(t.officials)) + "," +
           csv_field(join_list(t.deputies)) + "," + csv_field(join_list(t.keywords)) + "\n";
  }
  return out;
}

int current_directory_version(sql::Database& db) {
  auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM directory_versions");
  return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

std::vector<Topic> load_topics(sql::Database& db, int version) {
  std::vector<Topic> out;
  auto st = db.prepare("SELECT path, name, team, officials, deputies, keywords FROM directory_topics WHERE version = ? ORDER BY path");
  st.bind(1, version);
  while (st.step()) {
    out.push_back({st.text(0), st.text(1), st.text(2), json_list(st.text(3)), json_list(st.text(4)), json_list(st.text(5))});
  }
  return out;
}

std::optional<Topic> resolve_topic(sql::Database& db, const std::string& path) {
  int version = current_directory_version(db);
  if (version == 0 || path.empty()) return std::nullopt;
  auto st = db.prepare("SELECT path, name, team, officials, deputies, keywords FROM directory_topics WHERE version = ? AND path = ?");
  std::optional<Topic> result;
  std::string at = path;
  while (true) {
    st.reset();
    st.bind(1, version).bind(2, at);
    if (st.step()) {
      Topic t{st.text(0), st.text(1), st.text(2), json_list(st.text(3)), json_list(st.text(4)), json_list(st.text(5))};
      if (!result) {
        result = t;
        result->path = path;
      } else {
        if (result->team.empty()) result->team = t.team;
        if (result->officials.empty()) result->officials = t.officials;
        if (result->deputies.empty()) result->deputies = t.deputies;
      }
      if (!result->team.empty() && !result->officials.empty()) break;
    }
    auto slash = at.rfind('/');
    if (slash == std::string::npos) break;
    at = at.substr(0, slash);
  }
  return result;
}

Result<DirectoryVersion> TopicDirectory::import_csv(const std::string& actor, std::string_view csv, const std::string& note) {
  auto topics = parse_directory_csv(csv, "directory CSV");
  if (!topics) return topics.error();
  DirectoryVersion out;
  Status s = catalog_.write([&](storage::CatalogWriter& w) { out = write_version(w, actor, *topics, note, "import"); });
  if (!s) return s.error();
  return out;
}

Result<DirectoryVersion> TopicDirectory::set_topic(const std::string& actor, const Topic& topic, const std::string& note) {
  auto path = normalise_topic_path(topic.path);
  if (!path) return path.error();
  DirectoryVersion out;
  Status s = catalog_.write([&](storage::CatalogWriter& w) {
    auto topics = load_topics(w.db(), current_directory_version(w.db()));
    Topic t = topic;
    t.path = *path;
    auto it = std::find_if(topics.begin(), topics.end(), [&](const Topic& x) { return x.path == t.path; });
    if (it != topics.end()) {
      *it = t;
    } else {
      topics.push_back(t);
    }
    std::sort(topics.begin(), topics.end(), [](const Topic& a, const Topic& b) { return a.path < b.path; });
    out = write_version(w, actor, topics, note, "set");
  });
  if (!s) return s.error();
  return out;
}

Result<DirectoryVersion> TopicDirectory::remove_topic(const std::string& actor, const std::string& path, const std::string& note) {
  auto norm = normalise_topic_path(path);
  if (!norm) return norm.error();
  DirectoryVersion out;
  Status s = catalog_.write([&](storage::CatalogWriter& w) {
    auto topics = load_topics(w.db(), current_directory_version(w.db()));
    auto it = std::find_if(topics.begin(), topics.end(), [&](const Topic& x) { return x.path == *norm; });
    if (it == topics.end()) fail(Error::not_found("no topic '" + *norm + "' in the directory"));
    topics.erase(it);
    out = write_version(w, actor, topics, note, "remove");
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<Topic>> TopicDirectory::topics(std::optional<int> version) const {
  std::vector<Topic> out;
  Status s = catalog_.read([&](sql::Database& db) {
    int current = current_directory_version(db);
    int v = version.value_or(current);
    if (v < 1 || v > current) {
      if (!version && current == 0) return;  // an empty directory
      fail(Error::not_found("no directory version " + std::to_string(v) + " (current: " + std::to_string(current) + ")"));
    }
    out = load_topics(db, v);
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<DirectoryVersion>> TopicDirectory::versions() const {
  std::vector<DirectoryVersion> out;
  Status s = catalog_.read([&](sql::Database& db) {
    auto st = db.prepare("SELECT version, created, created_by, note FROM directory_versions ORDER BY version");
    while (st.step()) out.push_back({static_cast<int>(st.int64(0)), st.text(1), st.text(2), st.text(3)});
  });
  if (!s) return s.error();
  return out;
}

Result<Topic> TopicDirectory::resolve(const std::string& path) const {
  auto norm = normalise_topic_path(path);
  if (!norm) return norm.error();
  std::optional<Topic> out;
  Status s = catalog_.read([&](sql::Database& db) { out = resolve_topic(db, *norm); });
  if (!s) return s.error();
  if (!out) return Error::not_found("no topic '" + *norm + "' (nor any parent of it) in the directory");
  return *out;
}

}  // namespace redbox::workflows
