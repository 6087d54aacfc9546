#include "samples/generator/letter_text.h"

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

namespace redbox::letters {
namespace {

// splitmix64: small, fast and identical everywhere, unlike std:: distributions.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <typename C>
  const auto& pick(const C& c) {
    return c[below(c.size())];
  }
  char digit() { return static_cast<char>('0' + below(10)); }
  std::string digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(digit());
    return s;
  }
  char letter_from(std::string_view set) { return set[below(set.size())]; }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 40> kFemaleNames{
    "Margaret", "Susan",   "Aisha",  "Priya",    "Joanne",  "Helen",   "Catherine", "Siobhan", "Fatima", "Emily",
    "Olivia",   "Grace",   "Chloe",  "Rebecca",  "Hannah",  "Lucy",    "Sarah",     "Amelia",  "Nadia",  "Bethan",
    "Eilidh",   "Zainab",  "Ruth",   "Patricia", "Deborah", "Alison",  "Gillian",   "Megan",   "Sophie", "Yasmin",
    "Kirsty",   "Niamh",   "Abigail", "Jasmine", "Teresa",  "Lorraine", "Wendy",    "Rosa",    "Imogen", "Maryam"};
constexpr std::array<std::string_view, 40> kMaleNames{
    "David",  "James",   "Mohammed", "Daniel",  "Thomas",  "Gareth", "Stephen", "Oluwaseun", "Rajesh", "Andrew",
    "Peter",  "Callum",  "Liam",     "Connor",  "Michael", "Robert", "Kwame",   "Hamza",     "Tomasz", "Ewan",
    "Rhys",   "Harry",   "George",   "Oliver",  "Jack",    "Samuel", "Graham",  "Keith",     "Neil",   "Colin",
    "Martin", "Ibrahim", "Arjun",    "Patrick", "Declan",  "Fraser", "Owen",    "Dylan",     "Tariq",  "Vikram"};
constexpr std::array<std::string_view, 48> kSurnames{
    "Holloway",   "Okafor",    "Patel",     "O'Neill",  "Fitzgerald", "Nowak",     "Macleod",   "Hughes-Patel",
    "Ashworth",   "Brennan",   "Chaudhry",  "Davies",   "Ellison",    "Fairbairn", "Gallagher", "Hargreaves",
    "Iqbal",      "Jefferson", "Kowalski",  "Llewellyn", "McAllister", "Nwosu",    "Osei",      "Pemberton",
    "Quinlan",    "Rahman",    "Sutherland", "Thornton", "Underwood",  "Vaughan",   "Whitfield", "Yilmaz",
    "Zielinski",  "Abernethy", "Blackwood", "Cartwright", "Dunmore",   "Egerton",   "Featherstone", "Greenhalgh",
    "Haworth",    "Ibbotson",  "Kavanagh",  "Lindqvist", "Montgomery", "Normanton", "Oyelaran", "Prendergast"};
constexpr std::array<std::string_view, 16> kStreets{
    "Cranbrook Road", "Alder Court",   "Meadow Lane",   "Station Road", "Church Street", "Orchard Close",
    "Victoria Terrace", "Mill Lane",   "Beech Avenue",  "Kingsway",     "Riverside Walk", "Elm Grove",
    "Castle View",    "Highfield Drive", "Park Crescent", "Willow Way"};
struct Town {
  std::string_view name, area;
};
constexpr std::array<Town, 15> kTowns{{{"London", "SW1A"}, {"Manchester", "M1"}, {"Leeds", "LS6"},
                                       {"Birmingham", "B15"}, {"Cardiff", "CF10"}, {"Edinburgh", "EH3"},
                                       {"Bristol", "BS8"}, {"Newcastle upon Tyne", "NE1"}, {"Glasgow", "G12"},
                                       {"Liverpool", "L17"}, {"Oxford", "OX4"}, {"Cambridge", "CB2"},
                                       {"York", "YO1"}, {"Plymouth", "PL4"}, {"Sheffield", "S10"}}};
constexpr std::array<std::string_view, 24> kFiller{
    "I am writing to make a subject access request under the UK General Data Protection Regulation.",
    "Please provide copies of all the personal information your department holds about me.",
    "This should include case notes, correspondence, call recordings and any internal e-mails.",
    "I understand that you have one calendar month to respond to this request.",
    "I would be grateful if you could confirm receipt of this letter at your earliest convenience.",
    "The matter concerns the decision made on my claim earlier this year, which I believe was wrong.",
    "I have enclosed copies of two forms of identification, as your guidance asks.",
    "If you need anything further from me to locate the information, please let me know.",
    "My previous letters on this subject do not appear to have received a reply.",
    "I would prefer to receive the information electronically if that is possible.",
    "Please also tell me the purposes for which the information is processed and who it has been shared with.",
    "I was told by your helpline that the records had been transferred to another office.",
    "The appointment in the spring was cancelled without notice and I was not offered another date.",
    "I remain concerned that some of the information recorded about me is inaccurate.",
    "I would ask that any inaccurate entries are corrected once I have had the chance to review them.",
    "Thank you for your help with this request.",
    "As you will appreciate, the delay has caused considerable stress to our family.",
    "The visit took place at our home and lasted a little under an hour.",
    "I have kept a copy of this letter for my records.",
    "I should add that I am content for the information to be sent by recorded delivery.",
    "Your colleague explained that the file would be reviewed by a senior officer.",
    "The letter I received in the summer gave no reasons for the decision.",
    "I attach a short chronology of events which I hope will be helpful.",
    "Please treat this letter as a formal complaint if that is the appropriate route."};

struct Piece {
  std::string text;
  std::string detector;  // empty for plain text
  bool breakable = true; // may a line break replace a space inside it?
};
using Paragraph = std::vector<Piece>;

struct PersonDetail {
  std::string first, middle, last, title;
  bool female = false;
  int day = 1, month = 1, year = 1970;
  std::string full() const { return first + (middle.empty() ? "" : " " + middle) + " " + last; }
};

PersonDetail make_person(Rng& rng) {
  PersonDetail p;
  p.female = rng.chance(50);
  p.first = std::string(p.female ? rng.pick(kFemaleNames) : rng.pick(kMaleNames));
  if (rng.chance(20)) p.middle = std::string(p.female ? rng.pick(kFemaleNames) : rng.pick(kMaleNames));
  p.last = std::string(rng.pick(kSurnames));
  p.title = p.female ? std::string(rng.chance(50) ? "Mrs" : "Ms") : (rng.chance(90) ? "Mr" : "Dr");
  p.day = 1 + static_cast<int>(rng.below(28));
  p.month = 1 + static_cast<int>(rng.below(12));
  p.year = 1935 + static_cast<int>(rng.below(70));
  return p;
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string make_nino(Rng& rng, bool spaced) {
  static constexpr std::string_view kFirst = "ABCEGHJKLMNOPRSTWXYZ", kSecond = "ABCEGHJKLMNPRSTWXYZ";
  std::string prefix;
  do {
    prefix = {rng.letter_from(kFirst), rng.letter_from(kSecond)};
  } while (prefix == "BG" || prefix == "GB" || prefix == "KN" || prefix == "NK" || prefix == "NT" ||
           prefix == "TN" || prefix == "ZZ");
  std::string d = rng.digits(6);
  char suffix = rng.letter_from("ABCD");
  if (spaced) return prefix + " " + d.substr(0, 2) + " " + d.substr(2, 2) + " " + d.substr(4, 2) + " " + suffix;
  return prefix + d + suffix;
}

std::string make_nhs(Rng& rng, bool spaced) {
  for (;;) {
    std::string d = std::string(1, static_cast<char>('1' + rng.below(9))) + rng.digits(8);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (d[static_cast<std::size_t>(i)] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) continue;
    d.push_back(static_cast<char>('0' + check));
    if (spaced) return d.substr(0, 3) + " " + d.substr(3, 3) + " " + d.substr(6);
    return d;
  }
}

std::string make_phone(Rng& rng) {
  switch (rng.below(5)) {
    case 0: return "07700 900" + rng.digits(3);
    case 1: return "020 7946 0" + rng.digits(3);
    case 2: return "01632 960" + rng.digits(3);
    case 3: return "+44 7700 900" + rng.digits(3);
    default: return "0113 496 0" + rng.digits(3);
  }
}

std::string luhn_complete(std::string digits) {
  int sum = 0;
  bool twice = true;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

std::string make_card(Rng& rng) {
  std::string d = luhn_complete("4" + rng.digits(14));
  return d.substr(0, 4) + " " + d.substr(4, 4) + " " + d.substr(8, 4) + " " + d.substr(12, 4);
}

std::string make_iban(Rng& rng, const std::string& sort, const std::string& account) {
  static constexpr std::array<std::string_view, 5> kBanks{"NWBK", "BARC", "LOYD", "HBUK", "MIDL"};
  std::string bban = std::string(rng.pick(kBanks)) + sort + account;
  std::string numeric;
  for (char c : bban + "GB00") numeric += (c >= 'A' && c <= 'Z') ? std::to_string(c - 'A' + 10) : std::string(1, c);
  unsigned r = 0;
  for (char c : numeric) r = (r * 10 + static_cast<unsigned>(c - '0')) % 97;
  std::string compact = "GB" + two(static_cast<int>(98 - r)) + bban;
  std::string out;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    if (i && i % 4 == 0) out.push_back(' ');
    out.push_back(compact[i]);
  }
  return out;
}

std::string make_postcode(Rng& rng, const Town& town) {
  static constexpr std::string_view kInward = "ABDEFGHJLNPQRSTUWXYZ";
  return std::string(town.area) + " " + rng.digit() + rng.letter_from(kInward) + rng.letter_from(kInward);
}

std::string make_vehicle(Rng& rng) {
  static constexpr std::string_view kArea = "ABCDEFGHJKLMNOPRSTUVWXY", kRandom = "ABCDEFGHJKLMNOPRSTUVWXYZ";
  static constexpr std::array<std::string_view, 10> kAges{"02", "09", "14", "19", "23", "55", "61", "66", "71", "73"};
  return std::string{rng.letter_from(kArea), rng.letter_from(kArea)} + std::string(rng.pick(kAges)) + " " +
         rng.letter_from(kRandom) + rng.letter_from(kRandom) + rng.letter_from(kRandom);
}

std::string make_licence(Rng& rng, const PersonDetail& p) {
  std::string surname;
  for (char c : p.last)
    if (c >= 'A' && c <= 'Z') surname.push_back(c);
    else if (c >= 'a' && c <= 'z') surname.push_back(static_cast<char>(c - 'a' + 'A'));
  surname = surname.substr(0, 5);
  while (surname.size() < 5) surname.push_back('9');
  const int month = p.month + (p.female ? 50 : 0);
  std::string s = surname + std::to_string((p.year / 10) % 10) + two(month) + two(p.day) + std::to_string(p.year % 10);
  s += std::string{p.first[0], p.middle.empty() ? '9' : p.middle[0]};
  s += "9";
  s += std::string{rng.letter_from("ABCDEFGHJKLMNPRSTUVWXYZ"), rng.letter_from("ABCDEFGHJKLMNPRSTUVWXYZ")};
  return s;
}

constexpr std::array<std::string_view, 12> kMonthNames{"January", "February", "March",     "April",   "May",      "June",
                                                       "July",    "August",   "September", "October", "November", "December"};

// A filler sentence continuing another one: "Please provide..." becomes "please provide...",
// while "I ..." keeps its capital.
std::string mid_sentence(std::string_view sentence) {
  std::string s(sentence);
  if (s.size() > 1 && s[1] != ' ' && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// The date of birth phrase: cue as plain text, the date as the identifier.
Paragraph dob_pieces(Rng& rng, const PersonDetail& p) {
  std::string date;
  switch (rng.below(3)) {
    case 0: date = two(p.day) + "/" + two(p.month) + "/" + std::to_string(p.year); break;
    case 1: date = std::to_string(p.day) + " " + std::string(kMonthNames[static_cast<std::size_t>(p.month - 1)]) + " " + std::to_string(p.year); break;
    default: date = std::to_string(p.year) + "-" + two(p.month) + "-" + two(p.day); break;
  }
  static constexpr std::array<std::string_view, 4> kCues{"date of birth ", "DOB: ", "born on ", "Date of Birth: "};
  return {{"(" + std::string(rng.pick(kCues)), "", true}, {date, "date_of_birth", false}, {")", "", true}};
}

// A name occurrence in one of the variants the term detector understands.
Piece name_piece(Rng& rng, const PersonDetail& p, bool allow_hyphenation) {
  std::string text;
  switch (rng.below(5)) {
    case 0: text = p.title + " " + p.last; break;
    case 1: text = std::string(1, p.first[0]) + ". " + p.last; break;
    case 2: text = p.title + " " + p.full(); break;
    default: text = p.full(); break;
  }
  // Now and then the surname is hyphenated at a line end, as word processors do.
  if (allow_hyphenation && p.last.size() >= 7 && p.last.find('-') == std::string::npos &&
      p.last.find('\'') == std::string::npos && rng.chance(15)) {
    const std::size_t at = text.size() - p.last.size() + p.last.size() / 2;
    text = text.substr(0, at) + "-\n" + text.substr(at);
  }
  return {text, "term", true};
}

// Wraps a paragraph to `width` columns (breaking only at spaces that are not inside an
// unbreakable identifier) and appends it to the pages.
struct PageBuilder {
  std::vector<std::string> pages{std::string()};
  std::vector<Identifier> ids;
  int lines_on_page = 0;
  static constexpr int kLinesPerPage = 46;
  static constexpr std::size_t kWidth = 78;

  void add(const Paragraph& para, bool blank_after = true) {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> protected_spans;
    std::vector<Identifier> local;
    for (const auto& piece : para) {
      const std::size_t b = text.size();
      text += piece.text;
      if (!piece.breakable) protected_spans.emplace_back(b, text.size());
      if (!piece.detector.empty()) local.push_back({piece.detector, piece.text, 0, b, text.size()});
    }
    auto is_protected = [&](std::size_t i) {
      for (auto [b, e] : protected_spans)
        if (i >= b && i < e) return true;
      return false;
    };
    std::size_t line_start = 0, last_space = std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        line_start = i + 1;
        last_space = std::string::npos;
        continue;
      }
      if (text[i] == ' ' && !is_protected(i)) last_space = i;
      if (i - line_start >= kWidth && last_space != std::string::npos && last_space > line_start) {
        text[last_space] = '\n';  // same length: offsets stay valid
        line_start = last_space + 1;
        last_space = std::string::npos;
      }
    }
    for (auto& id : local) id.text = text.substr(id.begin, id.end - id.begin);
    int lines = 1;
    for (char c : text) lines += c == '\n';
    if (lines_on_page > 0 && lines_on_page + lines > kLinesPerPage) {
      pages.emplace_back();
      lines_on_page = 0;
    }
    std::string& page = pages.back();
    const std::size_t offset = page.size();
    page += text;
    page += blank_after ? "\n\n" : "\n";
    lines_on_page += lines + (blank_after ? 1 : 0);
    for (auto& id : local) {
      id.page = static_cast<int>(pages.size());
      id.begin += offset;
      id.end += offset;
      ids.push_back(std::move(id));
    }
  }
};

}  // namespace

Letter make_letter(std::uint64_t seed, std::size_t index) {
  Rng rng(seed * 0x100000001B3ULL ^ (static_cast<std::uint64_t>(index) + 1) * 0x9E3779B97F4A7C15ULL);
  Letter letter;
  char id[32];
  std::snprintf(id, sizeof id, "letter-%04zu", index + 1);
  letter.id = id;

  PersonDetail writer = make_person(rng);
  PersonDetail relative = make_person(rng);
  relative.last = rng.chance(60) ? writer.last : relative.last;
  PersonDetail official = make_person(rng);
  const bool about_relative = rng.chance(50);
  const PersonDetail& subject = about_relative ? relative : writer;
  letter.people.push_back({subject.full(), true});
  letter.people.push_back({about_relative ? writer.full() : relative.full(), false});
  letter.people.push_back({official.full(), false});
  // A shared surname makes "Mr Smith" ambiguous between people; the term detector reports it
  // either way, which is what the ground truth expects.

  PageBuilder out;
  const Town& town = rng.pick(kTowns);
  // Address block.
  out.add({{writer.full(), "term", false}}, false);
  out.add({{std::to_string(1 + rng.below(180)) + " " + std::string(rng.pick(kStreets)), "", true}}, false);
  out.add({{std::string(town.name), "", true}}, false);
  out.add({{make_postcode(rng, town), "uk_postcode", false}}, true);
  // Reference and date.
  std::string reference;
  switch (rng.below(3)) {
    case 0: reference = "B" + rng.digits(7); break;
    case 1: reference = "M" + rng.digits(7); break;
    default: reference = "TO" + std::to_string(2020 + rng.below(6)) + "/" + rng.digits(5); break;
  }
  out.add({{"Your reference: ", "", true}, {reference, "reference", false}}, false);
  out.add({{std::to_string(1 + rng.below(28)) + " " + std::string(rng.pick(kMonthNames)) + " 2025", "", true}}, true);
  out.add({{"Dear ", "", true}, {official.title + " " + official.last, "term", true}, {",", "", true}});

  // Opening paragraph naming the data subject.
  Paragraph opening{{std::string(rng.pick(kFiller)) + " ", "", true}};
  if (about_relative) {
    opening.push_back({"I am writing on behalf of my " + std::string(relative.female ? "mother" : "father") + ", ", "", true});
    opening.push_back(name_piece(rng, relative, true));
    opening.push_back({" ", "", true});
    for (auto& p : dob_pieces(rng, relative)) opening.push_back(p);
    opening.push_back({", who has asked me to act for " + std::string(relative.female ? "her" : "him") + ". ", "", true});
  } else {
    opening.push_back({"My name is ", "", true});
    opening.push_back({writer.full(), "term", true});
    opening.push_back({" ", "", true});
    for (auto& p : dob_pieces(rng, writer)) opening.push_back(p);
    opening.push_back({". ", "", true});
  }
  opening.push_back({std::string(rng.pick(kFiller)), "", true});
  out.add(opening);

  // Identifiers paragraph.
  Paragraph ids{{"For reference, the National Insurance number is ", "", true},
                {make_nino(rng, rng.chance(60)), "uk_nino", false},
                {" and the NHS number is ", "", true},
                {make_nhs(rng, rng.chance(70)), "nhs_number", false},
                {". " + std::string(rng.pick(kFiller)) + " ", "", true}};
  if (rng.chance(30)) {
    ids.push_back({"The passport number is ", "", true});
    ids.push_back({std::string{rng.letter_from("ABCDEFGHJKLMNPRSTUVWXYZ"), rng.letter_from("ABCDEFGHJKLMNPRSTUVWXYZ")} +
                       rng.digits(7), "uk_passport", false});
    ids.push_back({". ", "", true});
  }
  if (rng.chance(30)) {
    ids.push_back({"The car involved was registration ", "", true});
    ids.push_back({make_vehicle(rng), "uk_vehicle_reg", false});
    ids.push_back({" and my driving licence number is ", "", true});
    ids.push_back({make_licence(rng, writer), "uk_driving_licence", false});
    ids.push_back({". ", "", true});
  }
  out.add(ids);

  // Middle paragraphs with filler and third parties.
  const int middle = 1 + static_cast<int>(rng.below(4));
  for (int m = 0; m < middle; ++m) {
    Paragraph para;
    for (int s = 0; s < 3; ++s) para.push_back({std::string(rng.pick(kFiller)) + " ", "", true});
    if (rng.chance(70)) {
      para.push_back({"I spoke to ", "", true});
      para.push_back(name_piece(rng, official, true));
      para.push_back({" about this, and " + mid_sentence(rng.pick(kFiller)) + " ", "", true});
    }
    if (about_relative && rng.chance(50)) {
      para.push_back({"My " + std::string(relative.female ? "mother" : "father") + ", ", "", true});
      para.push_back(name_piece(rng, relative, true));
      para.push_back({", agrees with this. ", "", true});
    }
    para.push_back({std::string(rng.pick(kFiller)), "", true});
    out.add(para);
  }

  // Payment details.
  const std::string sort = rng.digits(6);
  const std::string account = rng.digits(8);
  Paragraph pay{{"Any refund can be paid to sort code ", "", true},
                {sort.substr(0, 2) + "-" + sort.substr(2, 2) + "-" + sort.substr(4, 2), "sort_code", false},
                {", account number ", "", true},
                {account, "bank_account", false},
                {". ", "", true}};
  if (rng.chance(25)) {
    pay.push_back({"The IBAN for that account is ", "", true});
    pay.push_back({make_iban(rng, sort, account), "iban", false});
    pay.push_back({". ", "", true});
  }
  if (rng.chance(25)) {
    pay.push_back({"The fee was taken from my card ", "", true});
    pay.push_back({make_card(rng), "payment_card", false});
    pay.push_back({" in error. ", "", true});
  }
  out.add(pay);

  // Contact details.
  std::string email = writer.first + "." + writer.last;
  std::string clean;
  for (char c : email)
    if (c != '\'' && c != ' ') clean.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static constexpr std::array<std::string_view, 3> kDomains{"example.com", "example.org", "example.net"};
  out.add({{"You can contact me on ", "", true},
           {make_phone(rng), "phone", false},
           {" or by e-mail at ", "", true},
           {clean + "@" + std::string(rng.pick(kDomains)), "email", false},
           {". " + std::string(rng.pick(kFiller)), "", true}});

  out.add({{"Yours sincerely,", "", true}});
  out.add({{writer.full(), "term", false}}, false);
  out.add({{"cc: ", "", true}, {std::string(1, official.first[0]) + ". " + official.last, "term", false}});

  letter.pages = std::move(out.pages);
  letter.identifiers = std::move(out.ids);
  return letter;
}

std::string ground_truth_json(const Letter& letter) {
  nlohmann::json doc;
  doc["id"] = letter.id;
  doc["pages"] = letter.pages.size();
  doc["people"] = nlohmann::json::array();
  for (const auto& p : letter.people)
    doc["people"].push_back({{"name", p.name}, {"role", p.data_subject ? "data_subject" : "third_party"}});
  doc["identifiers"] = nlohmann::json::array();
  for (const auto& id : letter.identifiers)
    doc["identifiers"].push_back(
        {{"detector", id.detector}, {"text", id.text}, {"page", id.page}, {"begin", id.begin}, {"end", id.end}});
  return doc.dump(2);
}

}  // namespace redbox::letters
