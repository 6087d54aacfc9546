#include "redaction/detail/detect_builtin.h"

#include <algorithm>

#include "redaction/detail/detect_validators.h"

namespace redbox::redaction::detail {
namespace {

using Span = std::optional<std::size_t>;

std::string_view slice(std::string_view text, std::size_t begin, std::size_t end) {
  return text.substr(begin, end - begin);
}

bool ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

Span accept_nhs(std::string_view t, std::size_t b, std::size_t e) {
  auto s = slice(t, b, e);
  // Separators, when used, must be the same both times ("401 023 2137", "401-023-2137").
  char sep = 0;
  for (char c : s) {
    if (c == ' ' || c == '-') {
      if (sep != 0 && c != sep) return std::nullopt;
      sep = c;
    }
  }
  return nhs_number_valid(s) ? Span(e) : std::nullopt;
}
Span accept_nino(std::string_view t, std::size_t b, std::size_t e) {
  return nino_valid(slice(t, b, e)) ? Span(e) : std::nullopt;
}
Span accept_card(std::string_view t, std::size_t b, std::size_t e) {
  return payment_card_valid(slice(t, b, e)) ? Span(e) : std::nullopt;
}
Span accept_licence(std::string_view t, std::size_t b, std::size_t e) {
  return driving_licence_valid(slice(t, b, e)) ? Span(e) : std::nullopt;
}
Span accept_date(std::string_view t, std::size_t b, std::size_t e) {
  return date_text_valid(slice(t, b, e)) ? Span(e) : std::nullopt;
}
Span accept_uk_phone(std::string_view t, std::size_t b, std::size_t e) {
  // "(020) 7123 4567": the regex may stop before a closing parenthesis' partner; trim a
  // trailing separator the longest match may have taken.
  while (e > b && (t[e - 1] == ' ' || t[e - 1] == '-')) --e;
  return uk_phone_valid(slice(t, b, e)) ? Span(e) : std::nullopt;
}
Span accept_intl_phone(std::string_view t, std::size_t b, std::size_t e) {
  while (e > b && (t[e - 1] == ' ' || t[e - 1] == '-')) --e;
  return intl_phone_valid(slice(t, b, e)) ? Span(e) : std::nullopt;
}
Span accept_iban(std::string_view t, std::size_t b, std::size_t e) {
  std::size_t n = iban_accepted_length(slice(t, b, e));
  return n ? Span(b + n) : std::nullopt;
}
Span accept_ipv4(std::string_view t, std::size_t b, std::size_t e) {
  std::size_t n = ipv4_accepted_length(slice(t, b, e));
  return n ? Span(b + n) : std::nullopt;
}
Span accept_ipv6(std::string_view t, std::size_t b, std::size_t e) {
  // No word character, ':' or '.' may touch the address ("std::cout", "fe80::1text").
  if (b > 0) {
    char p = t[b - 1];
    if (ascii_alnum(p) || p == ':' || p == '.' || p == '_') return std::nullopt;
  }
  std::size_t n = ipv6_accepted_length(slice(t, b, e));
  if (n == 0) return std::nullopt;
  std::size_t end = b + n;
  if (end < t.size()) {
    char c = t[end];
    if (ascii_alnum(c) || c == ':' || c == '_') return std::nullopt;
    if (c == '.' && end + 1 < t.size() && t[end + 1] >= '0' && t[end + 1] <= '9') return std::nullopt;
  }
  return end;
}
Span accept_email(std::string_view t, std::size_t b, std::size_t e) {
  if (b < e && t[b] == '.') return std::nullopt;  // the local part may not start with '.'
  if (e < t.size() && (t[e] == '@' || t[e] == '-')) return std::nullopt;
  return e;
}

// Date forms used after a date-of-birth cue. Group 1 is the date.
#define RB_MONTH \
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
#define RB_DATE                                                                                  \
  "(\\d{1,2}[/.\\-]\\d{1,2}[/.\\-](?:\\d{4}|\\d{2})|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?" RB_MONTH \
  "\\.?,?\\s+\\d{4}|" RB_MONTH "\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})\\b"

}  // namespace

const std::vector<BuiltinPattern>& builtin_patterns() {
  static const std::vector<BuiltinPattern> kPatterns{
      {"iban", "IBAN", R"(\b[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}\b)", accept_iban},
      {"payment_card", "Payment card number", R"(\b\d(?:[ \-]?\d){12,18}\b)", accept_card},
      {"nhs_number", "NHS number", R"(\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b)", accept_nhs},
      {"uk_nino", "National Insurance number",
       R"((?i)\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)", accept_nino},
      {"uk_driving_licence", "UK driving licence number",
       R"((?i)\b[A-Z9]{5}\d[0156]\d[0-3]\d\d[A-Z9]{2}\d[A-Z]{2}\b)", accept_licence},
      {"email", "E-mail address",
       R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9\-]+)\b)",
       accept_email},
      {"ip_address", "IP address", R"(\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,3})?\b)", accept_ipv4},
      {"ip_address", "IP address",
       R"((?i)(?:[0-9a-f]{1,4}:|:)(?:[0-9a-f]{0,4}:){1,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?:%[0-9a-z]+)?(?:/\d{1,4})?)",
       accept_ipv6},
      {"date_of_birth", "Date of birth",
       "(?i)\\b(?:d\\.?o\\.?b\\.?|date\\s+of\\s+birth|birth\\s?date|born(?:\\s+on)?)\\s*[:\\-]?\\s*" RB_DATE,
       accept_date},
      {"phone", "Telephone number",
       R"((?:(?:\+|\b00)44[ \-]?(?:\(0\)[ \-]?|\()?|\(0|\b0)[1-9](?:[ \-]?\)?[ \-]?\d){8,9}\b)", accept_uk_phone},
      {"phone", "Telephone number", R"(\+[1-9](?:[ \-]?\(?\d\)?){7,14}\b)", accept_intl_phone},
      {"uk_passport", "UK passport number", R"((?i)\b[A-Z]{2}\d{7}\b)", nullptr},
      {"bank_account", "Bank account number",
       R"((?i)\b(?:account|acc(?:ount)?\.?|a/c)\s*(?:number|no\.?|num\.?|#)?\s*[:\-]?\s*(\d{8}|\d{4} \d{4})\b)", nullptr},
      {"sort_code", "Bank sort code", R"(\b(?:\d{2}-\d{2}-\d{2}|\d{2} \d{2} \d{2})\b)", nullptr},
      {"sort_code", "Bank sort code", R"((?i)\bsort\s*code\s*(?:no\.?|number)?\s*[:\-]?\s*(\d{6})\b)", nullptr},
      {"uk_postcode", "Postcode",
       R"(\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) ?[0-9][ABD-HJLNP-UW-Z]{2})\b)",
       nullptr},
      {"uk_vehicle_reg", "Vehicle registration",
       R"((?i)\b[A-HJ-PR-Y]{2}(?:0[2-9]|[12]\d|5[1-9]|[67]\d)[ \-]?[A-HJ-PR-Z]{3}\b)", nullptr},
      {"uk_vehicle_reg", "Vehicle registration", R"(\b[A-HJ-NPR-TV-Y]\d{1,3} ?[A-Z]{3}\b)", nullptr},
      {"uk_vehicle_reg", "Vehicle registration", R"(\b[A-Z]{3} ?\d{1,3} ?[A-HJ-NPR-TV-Y]\b)", nullptr},
  };
  return kPatterns;
}

const std::vector<std::string_view>& detector_priority() {
  static const std::vector<std::string_view> kOrder{
      "iban",          "payment_card", "nhs_number", "uk_nino",     "uk_driving_licence", "email",
      "ip_address",    "date_of_birth", "phone",     "uk_passport", "bank_account",       "sort_code",
      "uk_postcode",   "uk_vehicle_reg", "reference", "term",       "regex"};
  return kOrder;
}

int priority_of(std::string_view detector) {
  const auto& order = detector_priority();
  auto it = std::find(order.begin(), order.end(), detector);
  return static_cast<int>(it - order.begin());
}

namespace {
// Decodes the UTF-8 character starting at text[pos]; returns its code point (or the byte if
// malformed).
char32_t decode_at(std::string_view text, std::size_t pos) {
  auto u = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char c = u(pos);
  if (c < 0x80) return c;
  int len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
  if (len == 1 || pos + static_cast<std::size_t>(len) > text.size()) return c;
  char32_t cp = c & (0x3F >> (len - 1));
  for (int i = 1; i < len; ++i) cp = (cp << 6) | (u(pos + static_cast<std::size_t>(i)) & 0x3F);
  return cp;
}
bool is_word_code_point(char32_t cp) {
  if (cp < 0x80) return ascii_alnum(static_cast<char>(cp));
  if (cp == 0xA0 || cp == 0xAD || cp == 0xD7 || cp == 0xF7) return false;   // nbsp, soft hyphen, ×, ÷
  if (cp >= 0x2000 && cp <= 0x206F) return false;                          // general punctuation
  if (cp >= 0x80 && cp <= 0xBF) return false;                              // Latin-1 symbols
  return true;  // letters of other scripts
}
}  // namespace

bool word_char_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return false;
  return is_word_code_point(decode_at(text, pos));
}

bool word_char_before(std::string_view text, std::size_t pos) {
  if (pos == 0 || pos > text.size()) return false;
  std::size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return is_word_code_point(decode_at(text, start));
}

}  // namespace redbox::redaction::detail
