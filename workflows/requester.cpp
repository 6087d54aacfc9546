#include "workflows/requester.h"

#include <array>
#include <cctype>
#include <sstream>
#include <vector>

namespace redbox::workflows {

namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) != 0) {
      current += static_cast<char>(std::tolower(c));
    } else if (c == '\'' || c == '-' || c == '.' || c >= 0x80) {
      // Apostrophes and hyphens join parts of one name (O'Neil, Smith-Jones); dots end
      // initials but never split a word; non-ASCII bytes are dropped rather than splitting.
      if (c == '.') flush();
    } else {
      flush();
    }
  }
  flush();
  return words;
}

bool is_title(const std::string& w) {
  static constexpr std::array kTitles = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "revd"};
  for (const char* t : kTitles) {
    if (w == t) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

bool postcode_shape(const std::string& p) {
  // Outward code (2-4 chars starting with a letter) + inward code (digit + two letters).
  if (p.size() < 5 || p.size() > 7) return false;
  std::string_view in(p.data() + p.size() - 3, 3);
  if (std::isdigit(static_cast<unsigned char>(in[0])) == 0 || std::isalpha(static_cast<unsigned char>(in[1])) == 0 ||
      std::isalpha(static_cast<unsigned char>(in[2])) == 0) {
    return false;
  }
  if (std::isalpha(static_cast<unsigned char>(p[0])) == 0) return false;
  for (std::size_t i = 0; i + 3 < p.size(); ++i) {
    if (std::isalnum(static_cast<unsigned char>(p[i])) == 0) return false;
  }
  return true;
}

}  // namespace

nlohmann::json Requester::to_json() const {
  return {{"name", name}, {"address", address}, {"email", email}, {"postcode", postcode}};
}

std::string normalise_name(std::string_view name) {
  auto words = words_of(name);
  std::vector<std::string> kept;
  for (auto& w : words) {
    if (!is_title(w)) kept.push_back(std::move(w));
  }
  return join(kept);
}

std::string normalise_email(std::string_view email) {
  std::size_t b = 0;
  std::size_t e = email.size();
  while (b < e && std::isspace(static_cast<unsigned char>(email[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(email[e - 1])) != 0) --e;
  std::string out;
  for (std::size_t i = b; i < e; ++i) out += static_cast<char>(std::tolower(static_cast<unsigned char>(email[i])));
  auto at = out.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= out.size() || out.find('@', at + 1) != std::string::npos ||
      out.find(' ') != std::string::npos) {
    return {};
  }
  return out;
}

std::string normalise_postcode(std::string_view postcode) {
  std::string p;
  for (char c : postcode) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) p += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return postcode_shape(p) ? p : std::string();
}

std::string postcode_in_address(std::string_view address) {
  auto words = words_of(address);
  // The last two words ("sw1a 1aa") or the last one ("sw1a1aa").
  if (words.size() >= 2) {
    std::string two = normalise_postcode(words[words.size() - 2] + words.back());
    if (!two.empty()) return two;
  }
  if (!words.empty()) return normalise_postcode(words.back());
  return {};
}

std::string normalise_address(std::string_view address) {
  auto words = words_of(address);
  std::string postcode = postcode_in_address(address);
  if (!postcode.empty()) {
    // Drop the words that made up the postcode.
    std::string tail;
    while (!words.empty() && tail.size() < postcode.size()) {
      std::string w = words.back();
      for (auto& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      tail = w + tail;
      words.pop_back();
    }
  }
  static const std::array<std::pair<const char*, const char*>, 12> kAbbrev = {{{"rd", "road"},
                                                                              {"st", "street"},
                                                                              {"ave", "avenue"},
                                                                              {"av", "avenue"},
                                                                              {"ln", "lane"},
                                                                              {"dr", "drive"},
                                                                              {"ct", "court"},
                                                                              {"cres", "crescent"},
                                                                              {"pl", "place"},
                                                                              {"sq", "square"},
                                                                              {"gdns", "gardens"},
                                                                              {"flt", "flat"}}};
  for (auto& w : words) {
    for (const auto& [abbr, full] : kAbbrev) {
      if (w == abbr) w = full;
    }
  }
  return join(words);
}

}  // namespace redbox::workflows
