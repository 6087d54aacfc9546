#include "redaction/detail/detect_validators.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace redbox::redaction::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (is_digit(c)) out.push_back(c);
  return out;
}

bool parens_balanced(std::string_view s) {
  int depth = 0, pairs = 0;
  for (char c : s) {
    if (c == '(') {
      if (++depth > 1) return false;
      ++pairs;
    } else if (c == ')') {
      if (--depth < 0) return false;
    }
  }
  return depth == 0 && pairs <= 2;
}

// IBAN lengths by country (SWIFT IBAN registry).
struct IbanCountry {
  char code[3];
  int length;
};
constexpr std::array<IbanCountry, 89> kIbanCountries{{
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
    {"YE", 30},
}};

int iban_length_for(char a, char b) {
  for (const auto& c : kIbanCountries)
    if (c.code[0] == a && c.code[1] == b) return c.length;
  return 0;
}

bool iban_mod97(std::string_view iban) {  // iban: uppercase alphanumerics only
  unsigned remainder = 0;
  auto feed = [&](char c) {
    if (is_digit(c)) {
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    } else {
      unsigned v = static_cast<unsigned>(c - 'A') + 10;
      remainder = (remainder * 100 + v) % 97;
    }
  };
  for (std::size_t i = 4; i < iban.size(); ++i) feed(iban[i]);
  for (std::size_t i = 0; i < 4; ++i) feed(iban[i]);
  return remainder == 1;
}

// Parses a decimal number of at most max_digits digits at s[pos]; advances pos.
bool parse_number(std::string_view s, std::size_t& pos, int max_digits, int& value) {
  int n = 0;
  value = 0;
  while (pos < s.size() && is_digit(s[pos]) && n < max_digits) {
    value = value * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  return n > 0;
}

// Dotted quad at s[pos]; advances pos past it. Octets 0-255, at most 3 digits each.
bool parse_ipv4_at(std::string_view s, std::size_t& pos) {
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= s.size() || s[pos] != '.') return false;
      ++pos;
    }
    std::size_t start = pos;
    int value = 0;
    if (!parse_number(s, pos, 3, value) || value > 255) return false;
    if (pos < s.size() && is_digit(s[pos])) return false;  // 4+ digits
    (void)start;
  }
  return true;
}

// Optional "/N" suffix with N <= max: returns length consumed (0 when absent or out of range).
std::size_t cidr_suffix(std::string_view s, std::size_t pos, int max) {
  if (pos >= s.size() || s[pos] != '/') return 0;
  std::size_t p = pos + 1;
  int value = 0;
  if (!parse_number(s, p, 3, value)) return 0;
  if (p < s.size() && is_digit(s[p])) return 0;
  if (value > max) return 0;
  return p - pos;
}

int month_from_name(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  char buf[3] = {static_cast<char>(std::tolower(static_cast<unsigned char>(word[0]))),
                 static_cast<char>(std::tolower(static_cast<unsigned char>(word[1]))),
                 static_cast<char>(std::tolower(static_cast<unsigned char>(word[2])))};
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (std::string_view(buf, 3) == kMonths[i]) return static_cast<int>(i) + 1;
  return 0;
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool nhs_number_valid(std::string_view candidate) {
  const std::string d = digits_of(candidate);
  if (d.size() != 10) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (d[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false;
  if (d == "0000000000") return false;
  return check == d[9] - '0';
}

bool nino_valid(std::string_view candidate) {
  std::string s;
  for (char c : candidate)
    if (c != ' ') s.push_back(upper(c));
  if (s.size() != 9) return false;
  const char a = s[0], b = s[1];
  auto banned_any = [](char c) { return c == 'D' || c == 'F' || c == 'I' || c == 'Q' || c == 'U' || c == 'V'; };
  if (!is_alpha(a) || !is_alpha(b) || banned_any(a) || banned_any(b) || b == 'O') return false;
  static constexpr std::array<std::string_view, 7> kBannedPrefixes{"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"};
  for (auto p : kBannedPrefixes)
    if (s.compare(0, 2, p) == 0) return false;
  for (int i = 2; i < 8; ++i)
    if (!is_digit(s[static_cast<std::size_t>(i)])) return false;
  return s[8] >= 'A' && s[8] <= 'D';
}

bool payment_card_valid(std::string_view candidate) {
  const std::string d = digits_of(candidate);
  if (d.size() < 13 || d.size() > 19) return false;
  if (d.find_first_not_of(d[0]) == std::string::npos) return false;  // 0000..., 1111...
  if (d.size() == 13 && d[0] != '4') return false;  // only (old) Visa issued 13-digit numbers
  // Layout: no separators, or groups of 4 (last 1-7) with one separator kind, or Amex 4-6-5.
  std::vector<std::size_t> groups;
  char separator = 0;
  std::size_t run = 0;
  for (char c : candidate) {
    if (is_digit(c)) {
      ++run;
      continue;
    }
    if (separator == 0) separator = c;
    if (c != separator) return false;
    groups.push_back(run);
    run = 0;
  }
  groups.push_back(run);
  if (groups.size() > 1) {
    const bool amex = groups.size() == 3 && groups[0] == 4 && groups[1] == 6 && groups[2] == 5;
    bool fours = true;
    for (std::size_t i = 0; i + 1 < groups.size(); ++i) fours = fours && groups[i] == 4;
    fours = fours && groups.back() >= 1 && groups.back() <= 7;
    if (!amex && !fours) return false;
  }
  return luhn_valid(d);
}

bool driving_licence_valid(std::string_view c) {
  if (c.size() != 16) return false;
  std::string s;
  for (char ch : c) s.push_back(upper(ch));
  // Surname: letters, then only 9s as padding; never all 9s.
  bool padding = false;
  for (int i = 0; i < 5; ++i) {
    char ch = s[static_cast<std::size_t>(i)];
    if (ch == '9') {
      padding = true;
    } else if (is_alpha(ch)) {
      if (padding) return false;
    } else {
      return false;
    }
  }
  if (s[0] == '9') return false;
  int month = (s[6] - '0') * 10 + (s[7] - '0');
  if (month > 50) month -= 50;
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  const int year = (s[5] - '0') * 10 + (s[10] - '0');
  return calendar_date_valid(day, month, 1900 + year) || calendar_date_valid(day, month, 2000 + year);
}

bool calendar_date_valid(int day, int month, int year) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[static_cast<std::size_t>(month - 1)];
  if (month == 2 && year != 0) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    max = leap ? 29 : 28;
  }
  return day <= max;
}

bool date_text_valid(std::string_view date) {
  // Collect numbers and a month name, in order.
  int numbers[3] = {0, 0, 0};
  int number_digits[3] = {0, 0, 0};
  int count = 0, month_name = 0;
  std::size_t i = 0;
  while (i < date.size()) {
    if (is_digit(date[i])) {
      int value = 0;
      std::size_t start = i;
      if (!parse_number(date, i, 4, value)) return false;
      if (i < date.size() && is_digit(date[i])) return false;
      if (count == 3) return false;
      numbers[count] = value;
      number_digits[count] = static_cast<int>(i - start);
      ++count;
    } else if (is_alpha(date[i])) {
      std::size_t start = i;
      while (i < date.size() && is_alpha(date[i])) ++i;
      int m = month_from_name(date.substr(start, i - start));
      if (m != 0) month_name = m;
    } else {
      ++i;
    }
  }
  auto full_year = [](int y, int digits) { return digits <= 2 ? (y <= 30 ? 2000 + y : 1900 + y) : y; };
  if (month_name != 0) {
    if (count != 2) return false;
    // day then year (either order in the text: "March 3, 1984" or "3 March 1984").
    int day = number_digits[0] <= 2 ? numbers[0] : numbers[1];
    int year_index = number_digits[0] <= 2 ? 1 : 0;
    int year = full_year(numbers[year_index], number_digits[year_index]);
    return calendar_date_valid(day, month_name, year) && year >= 1880 && year <= 2100;
  }
  if (count != 3) return false;
  if (number_digits[0] == 4) return calendar_date_valid(numbers[2], numbers[1], numbers[0]) && numbers[0] >= 1880;
  if (number_digits[2] != 2 && number_digits[2] != 4) return false;
  int year = full_year(numbers[2], number_digits[2]);
  return calendar_date_valid(numbers[0], numbers[1], year) && year >= 1880 && year <= 2100;
}

bool uk_phone_valid(std::string_view candidate) {
  if (!parens_balanced(candidate)) return false;
  const std::string d = digits_of(candidate);
  std::string nsn;
  const auto first = candidate.find_first_not_of("( ");
  if (first == std::string_view::npos) return false;
  if (candidate[first] == '+') {
    if (d.compare(0, 2, "44") != 0) return false;
    nsn = d.substr(2);
    if (!nsn.empty() && nsn[0] == '0') nsn.erase(0, 1);  // "+44 (0)20 ..."
  } else if (d.compare(0, 4, "0044") == 0) {
    nsn = d.substr(4);
    if (!nsn.empty() && nsn[0] == '0') nsn.erase(0, 1);
  } else {
    if (d.empty() || d[0] != '0') return false;
    nsn = d.substr(1);
  }
  if (nsn.empty() || nsn[0] == '0' || nsn[0] == '4' || nsn[0] == '6') return false;
  if (nsn.size() == 10) return true;
  return nsn.size() == 9 && (nsn[0] == '1' || nsn[0] == '8');
}

bool intl_phone_valid(std::string_view candidate) {
  if (!parens_balanced(candidate)) return false;
  const std::string d = digits_of(candidate);
  if (d.compare(0, 2, "44") == 0) return uk_phone_valid(candidate);
  return d.size() >= 8 && d.size() <= 15;
}

std::size_t iban_accepted_length(std::string_view c) {
  if (c.size() < 4 || !is_alpha(c[0]) || !is_alpha(c[1])) return 0;
  const int length = iban_length_for(c[0], c[1]);
  if (length == 0) return 0;
  std::string compact;
  std::size_t pos = 0;
  for (; pos < c.size() && static_cast<int>(compact.size()) < length; ++pos) {
    if (c[pos] == ' ' || c[pos] == '-') continue;
    compact.push_back(c[pos]);
  }
  if (static_cast<int>(compact.size()) != length) return 0;
  // The IBAN must end at a group boundary, not inside a run of characters.
  if (pos < c.size() && c[pos] != ' ' && c[pos] != '-') return 0;
  for (std::size_t i = 2; i < 4; ++i)
    if (!is_digit(compact[i])) return 0;
  return iban_mod97(compact) ? pos : 0;
}

std::size_t ipv4_accepted_length(std::string_view c) {
  std::size_t pos = 0;
  if (!parse_ipv4_at(c, pos)) return 0;
  return pos + cidr_suffix(c, pos, 32);
}

std::size_t ipv6_accepted_length(std::string_view c) {
  // Groups of 1-4 hex digits separated by ':'; at most one "::"; optional trailing dotted quad
  // (counts as two groups); optional %zone and /prefix.
  std::size_t pos = 0;
  int groups = 0;
  bool compressed = false;
  bool ended_with_ipv4 = false;
  if (c.size() >= 2 && c[0] == ':' && c[1] == ':') {
    compressed = true;
    pos = 2;
  } else if (!c.empty() && c[0] == ':') {
    return 0;
  }
  while (pos < c.size()) {
    // Try an embedded IPv4 first (it looks like a hex group followed by '.').
    std::size_t probe = pos;
    std::size_t run = 0;
    while (probe < c.size() && is_hex(c[probe]) && run < 5) {
      ++probe;
      ++run;
    }
    if (run == 0) break;
    if (probe < c.size() && c[probe] == '.') {
      std::size_t v4 = pos;
      if (!parse_ipv4_at(c, v4)) return 0;
      pos = v4;
      groups += 2;
      ended_with_ipv4 = true;
      break;
    }
    if (run > 4) return 0;
    pos = probe;
    ++groups;
    if (pos < c.size() && c[pos] == ':') {
      if (pos + 1 < c.size() && c[pos + 1] == ':') {
        if (compressed) return 0;
        compressed = true;
        pos += 2;
        continue;
      }
      if (pos + 1 < c.size() && is_hex(c[pos + 1])) {
        ++pos;
        continue;
      }
      return 0;  // a single trailing ':'
    }
    break;
  }
  (void)ended_with_ipv4;
  if (groups > 8 || (!compressed && groups != 8) || (compressed && groups > 7)) return 0;
  if (pos < c.size() && c[pos] == '%') {
    std::size_t zone = pos + 1;
    while (zone < c.size() && (is_alpha(c[zone]) || is_digit(c[zone]))) ++zone;
    if (zone == pos + 1) return 0;
    pos = zone;
  }
  return pos + cidr_suffix(c, pos, 128);
}

}  // namespace redbox::redaction::detail
