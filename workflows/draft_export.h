// The PDF documents a draft exports (workflows/rich_pdf.h renders them): the clean final
// letter, and the reviewer's copy with each fragment's authors in the margin and the changes
// since the last review marked (inserted words underlined, removed words struck through, a bar
// beside changed blocks). DraftService::export_pdf builds, renders and stores them.
//
// Pure functions over loaded data; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workflows/draft_store.h"
#include "workflows/rich_pdf.h"

namespace redbox::workflows {

struct ExportFragment {
  std::string fragment_id;
  std::string text;                       // current version
  std::vector<std::string> authors;       // of the current words
  std::optional<std::string> reviewed_text;  // the version at the last review, if the fragment was there
};

struct ExportInput {
  std::string reference;
  int revision = 0;
  int reviewed_revision = 0;
  std::vector<ExportFragment> fragments;  // in draft order
  std::vector<std::string> removed_since_review;  // texts of fragments removed since the review
};

rich_pdf::Document final_letter(const ExportInput& input);
rich_pdf::Document reviewer_copy(const ExportInput& input);

}  // namespace redbox::workflows
