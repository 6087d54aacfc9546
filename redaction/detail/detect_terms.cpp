#include "redaction/detect_terms.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

namespace redbox::redaction {
namespace {

constexpr std::size_t kMaxTermBytes = 300;
constexpr std::size_t kMaxTerms = 20000;

// Titles stripped from a term and accepted (optionally) before any variant.
constexpr std::array<std::string_view, 16> kTitles{"mr",   "mrs",  "ms",   "miss", "mx",        "dr",
                                                    "sir",  "dame", "lady", "lord", "prof",      "professor",
                                                    "rev",  "revd", "reverend", "master"};
constexpr std::string_view kTitlePattern =
    R"((?:mr|mrs|ms|miss|mx|dr|sir|dame|lady|lord|prof(?:essor)?|rev(?:erend|d)?|master)(?:\.\s*|\s+))";
// Between two letters of a word: an end-of-line hyphenation break or a soft hyphen.
constexpr std::string_view kBreak = R"((?:-[ \t]*\r?\n[ \t]*|\x{AD}\s*)?)";
constexpr std::string_view kSpace = R"(\s+)";
// After an initial: "J. Smith", "J.Smith", "J Smith".
constexpr std::string_view kAfterInitial = R"((?:\.\s*|\s+))";

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::size_t utf8_length(unsigned char lead) {
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

// One UTF-8 character as a regex literal.
std::string literal(std::string_view ch) {
  if (ch == "'" || ch == "\xE2\x80\x99" || ch == "\xE2\x80\x98") return "(?:'|\\x{2019}|\\x{2018})";
  if (ch == "-" || ch == "\xE2\x80\x90" || ch == "\xE2\x80\x91") return "(?:-|\\x{2010}|\\x{2011})\\s*";
  if (ch.size() == 1) {
    const char c = ch[0];
    if (std::isalnum(static_cast<unsigned char>(c))) return std::string(1, c);
    return std::string("\\") + c;
  }
  return std::string(ch);  // a multi-byte letter: RE2 matches UTF-8 literally (and folds case)
}

// A word, letter by letter, allowing a hyphenation break between letters.
std::string word_pattern(std::string_view word) {
  std::string out;
  std::size_t i = 0;
  bool previous_was_hyphen = true;  // no break before the first letter
  while (i < word.size()) {
    std::size_t len = std::min(utf8_length(static_cast<unsigned char>(word[i])), word.size() - i);
    std::string_view ch = word.substr(i, len);
    const bool hyphen = ch == "-" || ch == "\xE2\x80\x90" || ch == "\xE2\x80\x91";
    if (!previous_was_hyphen && !hyphen) out += kBreak;
    out += literal(ch);
    previous_was_hyphen = hyphen;
    i += len;
  }
  return out;
}

// The first UTF-8 character of a word, as a literal (for initials).
std::string initial_pattern(std::string_view word) {
  std::size_t len = std::min(utf8_length(static_cast<unsigned char>(word[0])), word.size());
  return literal(word.substr(0, len));
}

bool has_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0xC0;
  });
}

Result<TermRole> parse_role(std::string_view text, std::string_view origin, std::size_t line) {
  const std::string r = lower_ascii(trim(text));
  if (r.empty() || r == "third_party" || r == "third party" || r == "third-party" || r == "tp") return TermRole::third_party;
  if (r == "data_subject" || r == "data subject" || r == "subject" || r == "requester" || r == "ds")
    return TermRole::data_subject;
  return Error::invalid_input(std::string(origin) + ": line " + std::to_string(line) +
                              ": unknown role (expected data_subject or third_party)");
}

Status check_name(std::string_view name, std::string_view origin, std::size_t line) {
  const std::string where = std::string(origin) + ": " + (line ? "line " + std::to_string(line) : "entry");
  if (name.size() > kMaxTermBytes) return Error::invalid_input(where + ": name longer than 300 bytes");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F) return Error::invalid_input(where + ": name contains a control character");
  if (!has_letter(name)) return Error::invalid_input(where + ": name has no letters");
  return Status::success();
}

Result<std::vector<TermEntry>> parse_terms_json(std::string_view content, std::string_view origin) {
  nlohmann::json doc = nlohmann::json::parse(content.begin(), content.end(), nullptr, false);
  if (doc.is_discarded()) return Error::invalid_input(std::string(origin) + ": not valid JSON");
  if (doc.is_object() && doc.contains("terms")) doc = doc["terms"];
  if (!doc.is_array()) return Error::invalid_input(std::string(origin) + ": expected a JSON array of terms");
  std::vector<TermEntry> out;
  std::size_t index = 0;
  for (const auto& item : doc) {
    ++index;
    TermEntry entry;
    const std::string where = std::string(origin) + ": term " + std::to_string(index);
    if (item.is_string()) {
      entry.text = item.get<std::string>();
    } else if (item.is_object() && item.contains("name") && item["name"].is_string()) {
      entry.text = item["name"].get<std::string>();
      if (item.contains("role")) {
        if (!item["role"].is_string()) return Error::invalid_input(where + ": role must be a string");
        auto role = parse_role(item["role"].get<std::string>(), where, 0);
        if (!role) return role.error();
        entry.role = *role;
      }
      if (item.contains("reason")) {
        if (!item["reason"].is_string()) return Error::invalid_input(where + ": reason must be a string");
        entry.reason_code = std::string(trim(item["reason"].get<std::string>()));
      }
    } else {
      return Error::invalid_input(where + ": expected a string or an object with \"name\"");
    }
    entry.text = std::string(trim(entry.text));
    if (auto st = check_name(entry.text, where, 0); !st) return st.error();
    out.push_back(std::move(entry));
    if (out.size() > kMaxTerms) return Error::too_large(std::string(origin) + ": more than 20000 terms");
  }
  return out;
}

}  // namespace

std::string_view to_string(TermRole role) {
  return role == TermRole::data_subject ? "data_subject" : "third_party";
}

std::string default_reason_for(TermRole role, std::string_view default_reason) {
  if (role == TermRole::data_subject) return "s40(1) personal data of the requester";
  return std::string(default_reason);
}

Result<std::vector<TermEntry>> parse_terms(std::string_view content, std::string_view origin) {
  std::string_view body = trim(content);
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") body = trim(body.substr(3));  // BOM
  if (!body.empty() && (body.front() == '[' || body.front() == '{')) return parse_terms_json(body, origin);
  std::vector<TermEntry> out;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    TermEntry entry;
    std::size_t c1 = line.find(',');
    entry.text = std::string(trim(line.substr(0, c1)));
    if (c1 != std::string_view::npos) {
      std::string_view rest = line.substr(c1 + 1);
      std::size_t c2 = rest.find(',');
      auto role = parse_role(rest.substr(0, c2), origin, line_no);
      if (!role) return role.error();
      entry.role = *role;
      if (c2 != std::string_view::npos) entry.reason_code = std::string(trim(rest.substr(c2 + 1)));
    }
    if (auto st = check_name(entry.text, origin, line_no); !st) return st.error();
    out.push_back(std::move(entry));
    if (out.size() > kMaxTerms) return Error::too_large(std::string(origin) + ": more than 20000 terms");
    if (nl == body.size()) break;
  }
  return out;
}

namespace detail {

Result<std::string> term_pattern(const TermEntry& term) {
  // Split into words; drop leading titles and stray punctuation around words.
  std::vector<std::string> words;
  std::string current;
  for (char c : term.text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  while (words.size() > 1) {
    std::string w = lower_ascii(words.front());
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (std::find(kTitles.begin(), kTitles.end(), w) == kTitles.end()) break;
    words.erase(words.begin());
  }
  for (auto& w : words) {
    while (!w.empty() && (w.back() == '.' || w.back() == ';' || w.back() == ':')) w.pop_back();
  }
  words.erase(std::remove_if(words.begin(), words.end(), [](const std::string& w) { return !has_letter(w); }),
              words.end());
  if (words.empty()) return Error::invalid_input("a term has no letters");

  const std::string title = std::string(kTitlePattern);
  std::vector<std::string> alternatives;
  if (words.size() == 1) {
    alternatives.push_back("(?:" + title + ")?" + word_pattern(words[0]));
  } else {
    const std::string& first = words.front();
    const std::string& last = words.back();
    const std::string last_p = word_pattern(last);
    std::string full;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i) full += kSpace;
      full += word_pattern(words[i]);
    }
    std::string initials = initial_pattern(first) + std::string(kAfterInitial);
    for (std::size_t i = 1; i + 1 < words.size(); ++i)
      initials += "(?:" + initial_pattern(words[i]) + std::string(kAfterInitial) + ")?";
    initials += last_p;
    std::vector<std::string> forenames{full, initials};
    if (words.size() > 2) forenames.push_back(word_pattern(first) + std::string(kSpace) + last_p);
    std::string with_title = "(?:" + title + ")?(?:";
    for (std::size_t i = 0; i < forenames.size(); ++i) with_title += (i ? "|" : "") + forenames[i];
    with_title += ")";
    alternatives.push_back(with_title);
    // "Smith, John" / "Smith, J." / "Smith J"
    alternatives.push_back(last_p + R"((?:\s*,\s*|\s+))" + "(?:" + word_pattern(first) + "|" +
                           initial_pattern(first) + R"(\.?))");
    // "Mr Smith"
    alternatives.push_back(title + last_p);
  }
  std::string pattern = "(?i)(?:";
  for (std::size_t i = 0; i < alternatives.size(); ++i) pattern += (i ? "|" : "") + alternatives[i];
  pattern += ")";
  return pattern;
}

}  // namespace detail
}  // namespace redbox::redaction
