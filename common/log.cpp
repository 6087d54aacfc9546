#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <string>

namespace redbox::log {

void configure(std::string_view level, Format format) {
  std::string lvl(level);
  if (lvl.empty()) {
    const char* env = std::getenv("REDBOX_LOG_LEVEL");
    lvl = env != nullptr ? env : "warn";
  }
  spdlog::drop("redbox");
  auto logger = spdlog::stderr_color_mt("redbox");
  if (format == Format::json) {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(lvl));
  spdlog::set_default_logger(logger);
}

}  // namespace redbox::log
