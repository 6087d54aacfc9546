#include "workflows/draft_templates.h"

#include <map>

#include "workflows/draft_text.h"

namespace redbox::workflows {

nlohmann::json DraftTemplate::to_json(bool with_text) const {
  nlohmann::json j = {{"id", id}, {"version", version}, {"kind", kind}, {"name", name}, {"note", note}, {"created", created},
                      {"created_by", created_by}, {"placeholders", template_placeholders(text)}};
  if (with_text) j["text"] = text;
  return j;
}

namespace {

void check_id(const std::string& id) {
  if (id.empty() || id.size() > 64) fail(Error::invalid_input("a template id has 1 to 64 characters"));
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      fail(Error::invalid_input("template id '" + id + "': use letters, digits, '-', '_' and '.' only"));
    }
  }
}

DraftTemplate read_template(sql::Statement& st) {
  return {st.text(0), static_cast<int>(st.int64(1)), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), st.text(7)};
}

constexpr const char* kColumns = "id, version, kind, name, text, note, created, created_by";

std::string long_date(Date d) {
  return std::to_string(static_cast<unsigned>(d.day())) + " " + month_name(d) + " " + std::to_string(year_of(d));
}

}  // namespace

namespace detail {
DraftTemplate load_template(sql::Database& db, const std::string& id, std::optional<int> version) {
  auto st = version ? db.prepare(std::string("SELECT ") + kColumns + " FROM draft_templates WHERE id = ? AND version = ?")
                    : db.prepare(std::string("SELECT ") + kColumns + " FROM draft_templates WHERE id = ? ORDER BY version DESC LIMIT 1");
  st.bind(1, id);
  if (version) st.bind(2, *version);
  if (!st.step()) {
    fail(Error::not_found("no template '" + id + "'" + (version ? " version " + std::to_string(*version) : std::string())));
  }
  return read_template(st);
}
}  // namespace detail

Result<DraftTemplate> TemplateLibrary::save(const Actor& actor, const std::string& id, const std::string& kind, const std::string& name,
                                            const std::string& text, const std::string& note) {
  std::optional<DraftTemplate> out;
  Status s = catalog_.write([&](storage::CatalogWriter& w) {
    check_id(id);
    if (kind != "template" && kind != "letter") fail(Error::invalid_input("template kind '" + kind + "': expected template or letter"));
    if (kind == "letter" && !(actor.operator_ || actor.has(Role::admin) || actor.has(Role::team_leader))) {
      fail(Error::forbidden(actor.name + " may not approve letters (team leaders and admins do)"));
    }
    if (!(actor.sees_all() || actor.has(Role::team_leader))) fail(Error::forbidden(actor.name + " may not edit the template library"));
    draft_text::check_text(text, "template " + id);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail(Error::invalid_input("template " + id + " has no text"));
    // Unknown placeholders are refused now rather than when the letter is due.
    for (const auto& p : template_placeholders(text)) {
      static const std::vector<std::string> known = {"reference", "type", "topic", "team", "owner", "mp", "requester.name",
                                                     "requester.address", "requester.email", "requester.postcode", "received",
                                                     "due", "today", "received.long", "due.long", "today.long"};
      if (std::find(known.begin(), known.end(), p) == known.end()) fail(Error::invalid_input("template " + id + ": unknown placeholder {{" + p + "}}"));
    }
    auto& db = w.db();
    auto prev = db.prepare("SELECT COALESCE(MAX(version), 0), (SELECT kind FROM draft_templates WHERE id = ?1 ORDER BY version DESC LIMIT 1) "
                           "FROM draft_templates WHERE id = ?1");
    prev.bind(1, id);
    prev.step();
    int version = static_cast<int>(prev.int64(0)) + 1;
    if (version > 1 && prev.text(1) != kind) fail(Error::conflict("template " + id + " is a " + prev.text(1) + ", not a " + kind));
    std::string now = format_utc(w.now());
    DraftTemplate t{id, version, kind, name.empty() ? id : name, text, note, now, actor.name};
    db.prepare("INSERT INTO draft_templates (id, version, kind, name, text, note, created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, t.id)
        .bind(2, t.version)
        .bind(3, t.kind)
        .bind(4, t.name)
        .bind(5, t.text)
        .bind(6, t.note)
        .bind(7, t.created)
        .bind(8, t.created_by)
        .run();
    storage::AuditEvent e;
    e.actor = actor.name;
    e.action = "draft.template.save";
    e.object = "template:" + id;
    e.details = {{"version", version}, {"kind", kind}};
    w.audit(std::move(e));
    out = std::move(t);
  });
  if (!s) return s.error();
  return std::move(*out);
}

Result<DraftTemplate> TemplateLibrary::get(const std::string& id, std::optional<int> version) const {
  std::optional<DraftTemplate> out;
  Status s = catalog_.read([&](sql::Database& db) { out = detail::load_template(db, id, version); });
  if (!s) return s.error();
  return std::move(*out);
}

Result<std::vector<DraftTemplate>> TemplateLibrary::list() const {
  std::vector<DraftTemplate> out;
  Status s = catalog_.read([&](sql::Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kColumns +
                         " FROM draft_templates t WHERE version = (SELECT MAX(version) FROM draft_templates u WHERE u.id = t.id) ORDER BY id");
    while (st.step()) out.push_back(read_template(st));
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<DraftTemplate>> TemplateLibrary::history(const std::string& id) const {
  std::vector<DraftTemplate> out;
  Status s = catalog_.read([&](sql::Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM draft_templates WHERE id = ? ORDER BY version");
    st.bind(1, id);
    while (st.step()) out.push_back(read_template(st));
    if (out.empty()) fail(Error::not_found("no template '" + id + "'"));
  });
  if (!s) return s.error();
  return out;
}

std::vector<std::string> template_placeholders(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    std::size_t end = text.find("}}", pos + 2);
    if (end == std::string::npos) break;
    std::string name = text.substr(pos + 2, end - pos - 2);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    pos = end + 2;
  }
  return out;
}

Result<std::string> fill_template(const std::string& text, const Case& c, Date today) {
  return guard([&] {
    std::map<std::string, std::string> values = {
        {"reference", c.reference},
        {"type", c.type},
        {"topic", c.topic},
        {"team", c.team},
        {"owner", c.owner},
        {"mp", c.mp},
        {"requester.name", c.requester.name},
        {"requester.address", c.requester.address},
        {"requester.email", c.requester.email},
        {"requester.postcode", c.requester.postcode},
        {"received", format_date(c.received)},
        {"due", format_date(c.due)},
        {"today", format_date(today)},
        {"received.long", long_date(c.received)},
        {"due.long", long_date(c.due)},
        {"today.long", long_date(today)},
    };
    std::string out;
    std::size_t pos = 0;
    while (true) {
      std::size_t open = text.find("{{", pos);
      std::size_t close = open == std::string::npos ? std::string::npos : text.find("}}", open + 2);
      if (close == std::string::npos) {
        out += text.substr(pos);
        break;
      }
      out += text.substr(pos, open - pos);
      std::string name = text.substr(open + 2, close - open - 2);
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      auto it = values.find(name);
      if (it == values.end()) fail(Error::invalid_input("unknown placeholder {{" + name + "}}"));
      if (it->second.empty()) fail(Error::invalid_input("placeholder {{" + name + "}}: case " + c.reference + " has no value for it"));
      out += it->second;
      pos = close + 2;
    }
    return out;
  });
}

}  // namespace redbox::workflows
