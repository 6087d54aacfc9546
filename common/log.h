// Logging: spdlog, levelled, one line per event with key=value fields so that logs can be
// grepped and parsed. Never log document text, names or other personal data at info level or
// above; IDs and hashes are fine. Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace redbox::log {

enum class Format { text, json };

// Configures the default logger: level name ("trace".."off"), text or JSON lines, to stderr.
// Reads REDBOX_LOG_LEVEL when level is empty. Safe to call more than once.
void configure(std::string_view level = {}, Format format = Format::text);

}  // namespace redbox::log
