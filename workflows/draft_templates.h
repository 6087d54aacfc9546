// The versioned library of templates and pre-approved letters for drafts. Saving under an
// existing id makes a new version; fragments record which version they came from. Texts use the
// draft markup (draft_text.h) with placeholders filled from the case:
//   {{reference}} {{type}} {{topic}} {{team}} {{owner}} {{mp}}
//   {{requester.name}} {{requester.address}} {{requester.email}} {{requester.postcode}}
//   {{received}} {{due}} {{today}} (ISO dates) and {{received.long}} {{due.long}} {{today.long}}
//   ("2 March 2026")
// An unknown placeholder, or one the case has no value for, is an error naming it (a letter is
// never sent with a gap). Templates: saved by caseworkers, team leaders and admins; pre-approved
// letters (kind "letter"): by team leaders and admins only. Every save is an audit event.
//
// Thread-safety: holds a reference to the (thread-safe) Catalog.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/catalog.h"
#include "workflows/case_store.h"

namespace redbox::workflows {

struct DraftTemplate {
  std::string id;
  int version = 0;
  std::string kind;  // template, letter
  std::string name;
  std::string text;
  std::string note;
  std::string created;
  std::string created_by;
  nlohmann::json to_json(bool with_text = true) const;
};

class TemplateLibrary {
 public:
  explicit TemplateLibrary(storage::Catalog& catalog) : catalog_(catalog) {}
  Result<DraftTemplate> save(const Actor& actor, const std::string& id, const std::string& kind, const std::string& name,
                             const std::string& text, const std::string& note);
  // The latest version unless one is given.
  Result<DraftTemplate> get(const std::string& id, std::optional<int> version = std::nullopt) const;
  Result<std::vector<DraftTemplate>> list() const;  // latest version of each
  Result<std::vector<DraftTemplate>> history(const std::string& id) const;

 private:
  storage::Catalog& catalog_;
};

// The placeholders a text uses, in order of first use.
std::vector<std::string> template_placeholders(const std::string& text);
// Fills every placeholder from the case; invalid_input naming an unknown or empty one.
Result<std::string> fill_template(const std::string& text, const Case& c, Date today);

// Internal: a template read inside a transaction.
namespace detail {
DraftTemplate load_template(sql::Database& db, const std::string& id, std::optional<int> version);
}

}  // namespace redbox::workflows
