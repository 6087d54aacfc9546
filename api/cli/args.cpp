#include "api/cli/args.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "common/error.h"
#include "common/files.h"

namespace redbox::cli {

bool ParsedArgs::has(std::string_view name) const {
  return flags_.find(name) != flags_.end() || values_.find(name) != values_.end();
}

std::optional<std::string> ParsedArgs::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string ParsedArgs::get_or(std::string_view name, std::string fallback) const {
  auto v = get(name);
  return v ? *v : std::move(fallback);
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::int64_t> ParsedArgs::get_int(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  const std::string& text = *v;
  const char* end = text.data() + text.size();
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || ptr != end) {
    fail(Error::invalid_input("--" + std::string(name) + " expects a whole number, not '" + text + "'"));
  }
  return out;
}

std::optional<std::uint64_t> ParsedArgs::get_size(std::string_view name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  auto size = parse_size(*v);
  if (!size) {
    fail(Error::invalid_input("--" + std::string(name) + " expects a size such as 10MB or 512MiB, not '" + *v + "'"));
  }
  return size;
}

ArgParser& ArgParser::flag(std::string name, std::string short_name) {
  specs_.push_back({std::move(name), std::move(short_name), false});
  return *this;
}

ArgParser& ArgParser::option(std::string name, std::string short_name) {
  specs_.push_back({std::move(name), std::move(short_name), true});
  return *this;
}

const ArgParser::Spec* ArgParser::find(std::string_view token) const {
  for (const auto& s : specs_) {
    if (token.size() > 2 && token.substr(0, 2) == "--" && token.substr(2) == s.name) return &s;
    if (!s.short_name.empty() && token.size() == 2 && token[0] == '-' && token.substr(1) == s.short_name) return &s;
  }
  return nullptr;
}

ParsedArgs ArgParser::parse(const std::vector<std::string>& argv) const {
  ParsedArgs out;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& tok = argv[i];
    if (options_done || tok.size() < 2 || tok[0] != '-' || tok == "-") {
      out.positionals_.push_back(tok);
      continue;
    }
    if (tok == "--") {
      options_done = true;
      continue;
    }
    if (tok == "--help" || tok == "-h") {
      out.help_ = true;
      continue;
    }
    std::string key = tok;
    std::optional<std::string> inline_value;
    if (auto eq = tok.find('='); tok.rfind("--", 0) == 0 && eq != std::string::npos) {
      key = tok.substr(0, eq);
      inline_value = tok.substr(eq + 1);
    }
    const Spec* spec = find(key);
    if (spec == nullptr) fail(Error::invalid_input("unknown option " + key + " (see --help)"));
    if (!spec->takes_value) {
      if (inline_value) fail(Error::invalid_input(key + " takes no value"));
      out.flags_.insert(spec->name);
      continue;
    }
    if (inline_value) {
      out.values_[spec->name].push_back(*inline_value);
    } else {
      if (i + 1 >= argv.size()) fail(Error::invalid_input(key + " needs a value"));
      out.values_[spec->name].push_back(argv[++i]);
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, number);
  if (ec != std::errc() || ptr != text.data() + i || number < 0) return std::nullopt;
  std::string unit;
  for (char c : text.substr(i)) unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "K" || unit == "KB") mult = 1e3;
  else if (unit == "KIB") mult = 1024.0;
  else if (unit == "M" || unit == "MB") mult = 1e6;
  else if (unit == "MIB") mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB") mult = 1e9;
  else if (unit == "GIB") mult = 1024.0 * 1024 * 1024;
  else return std::nullopt;
  double bytes = number * mult;
  if (bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(bytes));
}

std::string read_password_file(const std::string& path) {
  auto text = read_file(path, 4096);
  if (!text) fail(text.error().within("--password-file"));
  std::string password = *text;
  const auto eol = password.find_first_of("\r\n");
  if (eol != std::string::npos) password.resize(eol);
  if (password.empty()) fail(Error::invalid_input("--password-file: the first line is empty"));
  return password;
}

}  // namespace redbox::cli
