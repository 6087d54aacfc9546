// The topic directory: a versioned, hierarchical list of topics ("health", "health/nhs",
// "health/nhs/waiting-times"), each mapped to a team, its officials and their deputies, plus
// keywords (the fallback for topic suggestion when a topic has no history). Every change makes
// a new version (the earlier ones stay readable) and an audit event. A topic without its own
// team or officials inherits them from its nearest ancestor that has them.
//
// CSV (import/export), one topic a row, header required:
//   topic,name,team,officials,deputies,keywords
// with officials, deputies and keywords separated by ';'. Quoted fields ("a, b") and doubled
// quotes are understood; a malformed row is invalid_input naming its line.
//
// Thread-safety: as the Catalog (thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "common/sqlite.h"
#include "storage/catalog.h"

namespace redbox::workflows {

struct Topic {
  std::string path;
  std::string name;
  std::string team;
  std::vector<std::string> officials;
  std::vector<std::string> deputies;
  std::vector<std::string> keywords;
  nlohmann::json to_json() const;
};

struct DirectoryVersion {
  int version = 0;
  std::string created;
  std::string created_by;
  std::string note;
  nlohmann::json to_json() const;
};

// "Health / NHS" -> "health/nhs"; invalid_input for empty parts or characters outside
// [a-z0-9 -_].
Result<std::string> normalise_topic_path(std::string_view text);

Result<std::vector<Topic>> parse_directory_csv(std::string_view csv, std::string_view source);
std::string directory_csv(const std::vector<Topic>& topics);

class TopicDirectory {
 public:
  explicit TopicDirectory(storage::Catalog& catalog) : catalog_(catalog) {}

  // Replaces the whole directory with the CSV's topics as a new version.
  Result<DirectoryVersion> import_csv(const std::string& actor, std::string_view csv, const std::string& note);
  // Adds or replaces one topic (new version).
  Result<DirectoryVersion> set_topic(const std::string& actor, const Topic& topic, const std::string& note);
  Result<DirectoryVersion> remove_topic(const std::string& actor, const std::string& path, const std::string& note);
  // Topics of a version (default: the current one), sorted by path.
  Result<std::vector<Topic>> topics(std::optional<int> version = std::nullopt) const;
  Result<std::vector<DirectoryVersion>> versions() const;
  // The topic with inherited team/officials filled from its ancestors; not_found if no such
  // topic nor any ancestor is listed.
  Result<Topic> resolve(const std::string& path) const;

 private:
  storage::Catalog& catalog_;
};

// Inside a transaction or snapshot: the current version (0 if none) and resolution.
int current_directory_version(sql::Database& db);
std::optional<Topic> resolve_topic(sql::Database& db, const std::string& path);
std::vector<Topic> load_topics(sql::Database& db, int version);

}  // namespace redbox::workflows
