// A small declarative argument parser for CLI commands: declare the options a command takes,
// then parse. Unknown options, missing values and malformed numbers are invalid_input errors
// that name the option, so every command reports bad usage the same way (exit 2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace redbox::cli {

class ParsedArgs {
 public:
  bool has(std::string_view name) const;  // a flag was given, or an option had a value
  std::optional<std::string> get(std::string_view name) const;  // last value given
  std::string get_or(std::string_view name, std::string fallback) const;
  std::vector<std::string> all(std::string_view name) const;  // every value, in order
  std::optional<std::int64_t> get_int(std::string_view name) const;  // invalid_input if not an integer
  // Sizes such as 10MB, 512MiB, 1G, 2048 (bytes). invalid_input if malformed.
  std::optional<std::uint64_t> get_size(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  bool help() const { return help_; }

 private:
  friend class ArgParser;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::set<std::string, std::less<>> flags_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

class ArgParser {
 public:
  // name without leading dashes; short_name optional single letter ("o" for -o).
  ArgParser& flag(std::string name, std::string short_name = {});
  ArgParser& option(std::string name, std::string short_name = {});
  // Parses; --help / -h sets help(). "--" ends options. --name=value is accepted.
  ParsedArgs parse(const std::vector<std::string>& argv) const;

 private:
  struct Spec {
    std::string name;
    std::string short_name;
    bool takes_value = false;
  };
  const Spec* find(std::string_view token) const;
  std::vector<Spec> specs_;
};

// Parses a size such as "10MB", "512MiB", "1.5G", "2048"; nullopt if malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);

// The password in the first line of a --password-file (never taken on the command line, where
// other users could read it from the process list). Throws Failure naming the option if the
// file cannot be read or its first line is empty.
std::string read_password_file(const std::string& path);

}  // namespace redbox::cli
