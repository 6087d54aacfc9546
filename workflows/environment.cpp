#include "workflows/environment.h"

namespace redbox::workflows {

Result<CaseEnvironment> load_case_environment(const std::filesystem::path& data_dir, const nlohmann::json& config,
                                              const std::optional<std::filesystem::path>& calendar_path,
                                              const std::vector<std::filesystem::path>& type_dirs) {
  std::optional<std::filesystem::path> cal = calendar_path;
  std::error_code ec;
  if (!cal && std::filesystem::exists(data_dir / "bank-holidays.json", ec)) cal = data_dir / "bank-holidays.json";
  auto calendar = load_holiday_calendar(cal);
  if (!calendar) return calendar.error();
  std::vector<std::filesystem::path> dirs;
  if (std::filesystem::is_directory(data_dir / "case-types", ec)) dirs.push_back(data_dir / "case-types");
  dirs.insert(dirs.end(), type_dirs.begin(), type_dirs.end());
  auto types = load_case_types(dirs);
  if (!types) return types.error();
  CaseSettings settings;
  if (config.is_object() && config.contains("cases")) {
    const auto& c = config["cases"];
    if (!c.is_object()) return Error::invalid_input("config.json: cases: expected an object");
    if (c.contains("clarification_lapse_days")) {
      const auto& v = c["clarification_lapse_days"];
      if (!v.is_number_integer() || v.get<int>() < 1) {
        return Error::invalid_input("config.json: cases.clarification_lapse_days: expected a whole number of days >= 1");
      }
      settings.clarification_lapse_days = v.get<int>();
    }
  }
  return CaseEnvironment{std::move(*calendar), std::move(*types), settings};
}

}  // namespace redbox::workflows
