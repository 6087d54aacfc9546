// What a front door (CLI or HTTP server) needs to run cases against a data folder: the
// bank-holiday calendar and the case types the installation uses, and its case settings.
//   calendar: the explicit path, else <data>/bank-holidays.json if present, else
//             $REDBOX_BANK_HOLIDAYS, else the built-in feed (calendar.h);
//   types:    the shipped types, then $REDBOX_CASE_TYPES, then <data>/case-types/ if present,
//             then the explicit folders (later files override by type id);
//   settings: <data>/config.json {"cases": {"clarification_lapse_days": 60}}.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "workflows/calendar.h"
#include "workflows/case_type.h"

namespace redbox::workflows {

struct CaseSettings {
  int clarification_lapse_days = 60;
};

struct CaseEnvironment {
  HolidayCalendar calendar;
  CaseTypeRegistry types;
  CaseSettings settings;
};

Result<CaseEnvironment> load_case_environment(const std::filesystem::path& data_dir, const nlohmann::json& config,
                                              const std::optional<std::filesystem::path>& calendar_path = std::nullopt,
                                              const std::vector<std::filesystem::path>& type_dirs = {});

}  // namespace redbox::workflows
