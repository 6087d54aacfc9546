#include "pipeline/fields.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "redaction/detect.h"

namespace redbox::pipeline {
namespace {

using re2::RE2;

RE2::Options pattern_options(bool case_sensitive = true) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(case_sensitive);
  o.set_max_mem(8 << 20);  // bounded DFA memory per pattern
  return o;
}

const char* const kMonths = "(January|February|March|April|May|June|July|August|September|October|November|December|"
                            "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";

int month_number(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i) {
    if (name.rfind(names[i], 0) == 0) return i + 1;
  }
  return 0;
}

bool valid_date(int y, int m, int d) {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::string iso_date(int y, int m, int d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
    if (v > 100000) return -1;
  }
  return s.empty() ? -1 : v;
}

// Calls fn(groups, offset) for every non-overlapping match; groups[0] is the whole match.
template <typename Fn>
void for_each_match(const RE2& re, std::string_view text, Fn&& fn) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n));
  re2::StringPiece input(text.data(), text.size());
  std::size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(input, pos, text.size(), RE2::UNANCHORED, groups.data(), n)) {
    const std::size_t start = static_cast<std::size_t>(groups[0].data() - text.data());
    const std::size_t end = start + groups[0].size();
    fn(groups, start);
    pos = end > start ? end : end + 1;
  }
}

std::string_view view(const re2::StringPiece& p) { return {p.data(), p.size()}; }

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Values in order of appearance, de-duplicated on a key, at most max.
class Collector {
 public:
  explicit Collector(std::size_t max) : max_(max) {}
  void add(std::size_t offset, std::string value, std::string key = {}) {
    if (key.empty()) key = value;
    items_.push_back({offset, std::move(value), std::move(key)});
  }
  nlohmann::json result() {
    std::stable_sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) { return a.offset < b.offset; });
    nlohmann::json out = nlohmann::json::array();
    std::set<std::string> seen;
    for (auto& item : items_) {
      if (out.size() >= max_) break;
      if (seen.insert(item.key).second) out.push_back(item.value);
    }
    return out;
  }

 private:
  struct Item {
    std::size_t offset;
    std::string value;
    std::string key;
  };
  std::size_t max_;
  std::vector<Item> items_;
};

}  // namespace

struct FieldExtractor::Patterns {
  Patterns()
      : iso(R"(\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b)", pattern_options()),
        numeric(R"(\b([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4}|[0-9]{2})\b)", pattern_options()),
        day_month(std::string(R"(\b([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)") + kMonths +
                      R"(\.?,?\s+([0-9]{4})\b)",
                  pattern_options(false)),
        month_day(std::string(R"(\b)") + kMonths + R"(\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})\b)",
                  pattern_options(false)),
        postcode(R"(\b((?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|)"
                 R"([A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}|GIR ?0AA)\b)",
                 pattern_options()),
        email(R"(([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}))", pattern_options()),
        phone(R"((?:^|[^0-9+])((?:\+44\s?(?:\(0\)\s?)?|\(?0)[0-9][0-9 ()\-]{7,14}[0-9]))", pattern_options()) {}

  RE2 iso, numeric, day_month, month_day, postcode, email, phone;
  std::vector<std::pair<std::string, std::unique_ptr<RE2>>> references;
};

std::map<std::string, std::string> default_reference_patterns() {
  // One list for the whole product: the references redaction detects are the ones intake
  // records (official reply B..., private office M..., Treat Official, PQ numbers, FOI/SAR).
  std::map<std::string, std::string> out;
  for (const auto& r : redaction::default_reference_patterns()) out[r.name] = r.pattern;
  return out;
}

Result<FieldConfig> field_config_from(const nlohmann::json& store_config) {
  FieldConfig config;
  config.references = default_reference_patterns();
  if (!store_config.is_object()) return config;
  auto intake = store_config.find("intake");
  if (intake == store_config.end() || intake->is_null()) return config;
  if (!intake->is_object()) return Error::invalid_input("config.json: \"intake\" must be an object");
  auto fields = intake->find("fields");
  if (fields == intake->end() || fields->is_null()) return config;
  if (!fields->is_object()) return Error::invalid_input("config.json: \"intake.fields\" must be an object");
  if (auto max = fields->find("max_values"); max != fields->end()) {
    if (!max->is_number_unsigned() || max->get<std::uint64_t>() == 0 || max->get<std::uint64_t>() > 1000) {
      return Error::invalid_input("config.json: \"intake.fields.max_values\" must be a whole number from 1 to 1000");
    }
    config.max_values = max->get<std::size_t>();
  }
  if (auto refs = fields->find("references"); refs != fields->end() && !refs->is_null()) {
    if (!refs->is_object()) return Error::invalid_input("config.json: \"intake.fields.references\" must be an object");
    for (const auto& [kind, pattern] : refs->items()) {
      if (pattern.is_null()) {
        config.references.erase(kind);
      } else if (pattern.is_string() && !pattern.get<std::string>().empty()) {
        config.references[kind] = pattern.get<std::string>();
      } else {
        return Error::invalid_input("config.json: \"intake.fields.references." + kind +
                                    "\" must be a regular expression (a non-empty string) or null");
      }
    }
  }
  return config;
}

FieldExtractor::FieldExtractor() : patterns_(std::make_unique<Patterns>()) {}
FieldExtractor::FieldExtractor(FieldExtractor&&) noexcept = default;
FieldExtractor& FieldExtractor::operator=(FieldExtractor&&) noexcept = default;
FieldExtractor::~FieldExtractor() = default;

Result<FieldExtractor> FieldExtractor::create(const FieldConfig& config) {
  FieldExtractor extractor;
  extractor.max_values_ = config.max_values;
  for (const auto& [kind, pattern] : config.references) {
    auto re = std::make_unique<RE2>(pattern, pattern_options());
    if (!re->ok()) {
      return Error::invalid_input("reference pattern \"" + kind + "\" is not a valid RE2 expression: " + re->error());
    }
    if (re->NumberOfCapturingGroups() > 1) {
      return Error::invalid_input("reference pattern \"" + kind +
                                  "\" has more than one capturing group; use (?:...) for grouping");
    }
    extractor.patterns_->references.emplace_back(kind, std::move(re));
  }
  return extractor;
}

nlohmann::json FieldExtractor::extract(std::string_view text) const {
  const Patterns& p = *patterns_;
  nlohmann::json out = nlohmann::json::object();
  auto put = [&](const char* key, Collector& c) {
    nlohmann::json values = c.result();
    if (!values.empty()) out[key] = std::move(values);
  };

  Collector dates(max_values_);
  for_each_match(p.iso, text, [&](const auto& g, std::size_t at) {
    int y = to_int(view(g[1])), m = to_int(view(g[2])), d = to_int(view(g[3]));
    if (valid_date(y, m, d)) dates.add(at, iso_date(y, m, d));
  });
  for_each_match(p.numeric, text, [&](const auto& g, std::size_t at) {
    int d = to_int(view(g[1])), m = to_int(view(g[2])), y = to_int(view(g[3]));
    if (g[3].size() == 2) y += y < 70 ? 2000 : 1900;
    if (valid_date(y, m, d)) dates.add(at, iso_date(y, m, d));
  });
  for_each_match(p.day_month, text, [&](const auto& g, std::size_t at) {
    int d = to_int(view(g[1])), m = month_number(std::string(view(g[2]))), y = to_int(view(g[3]));
    if (valid_date(y, m, d)) dates.add(at, iso_date(y, m, d));
  });
  for_each_match(p.month_day, text, [&](const auto& g, std::size_t at) {
    int m = month_number(std::string(view(g[1]))), d = to_int(view(g[2])), y = to_int(view(g[3]));
    if (valid_date(y, m, d)) dates.add(at, iso_date(y, m, d));
  });
  put("dates", dates);

  Collector postcodes(max_values_);
  for_each_match(p.postcode, text, [&](const auto& g, std::size_t at) {
    std::string compact;
    for (char c : view(g[1])) {
      if (c != ' ') compact += c;
    }
    postcodes.add(at, compact.substr(0, compact.size() - 3) + " " + compact.substr(compact.size() - 3));
  });
  put("postcodes", postcodes);

  Collector emails(max_values_);
  for_each_match(p.email, text, [&](const auto& g, std::size_t at) {
    std::string value(view(g[1]));
    while (!value.empty() && value.back() == '.') value.pop_back();
    std::string key = value;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    emails.add(at, value, key);
  });
  put("emails", emails);

  Collector phones(max_values_);
  for_each_match(p.phone, text, [&](const auto& g, std::size_t at) {
    std::string_view raw = view(g[1]);
    const std::size_t end = static_cast<std::size_t>(raw.data() - text.data()) + raw.size();
    if (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) return;
    std::string digits;
    for (char c : raw) {
      if (std::isdigit(static_cast<unsigned char>(c)) != 0) digits += c;
    }
    // National numbers: 0 + 9 or 10 digits. International: 44 + 9 or 10 digits (with an
    // optional "(0)" that is not dialled).
    std::string national;
    if (raw.substr(0, 3) == "+44") {
      std::string rest = digits.substr(2);
      if (raw.find("(0)") != std::string_view::npos && !rest.empty() && rest[0] == '0') rest.erase(0, 1);
      national = "0" + rest;
    } else {
      national = digits;
    }
    if (national.size() < 10 || national.size() > 11 || national[0] != '0' || national[1] == '0') return;
    phones.add(at, collapse_spaces(raw), national);
  });
  put("phones", phones);

  nlohmann::json refs = nlohmann::json::object();
  for (const auto& [kind, re] : p.references) {
    Collector values(max_values_);
    for_each_match(*re, text, [&](const auto& g, std::size_t at) {
      const auto& piece = g.size() > 1 && g[1].data() != nullptr ? g[1] : g[0];
      std::string value = collapse_spaces(view(piece));
      if (!value.empty()) values.add(at, value);
    });
    nlohmann::json found = values.result();
    if (!found.empty()) refs[kind] = std::move(found);
  }
  if (!refs.empty()) out["references"] = std::move(refs);
  return out;
}

}  // namespace redbox::pipeline
