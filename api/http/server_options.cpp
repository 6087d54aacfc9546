#include "api/http/server_options.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "api/cli/args.h"
#include "common/files.h"

namespace redbox::api {

namespace {

// Accepts a byte count or a size text such as "512MiB".
Result<std::uint64_t> size_setting(const nlohmann::json& value, const std::string& where) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_string()) {
    if (auto size = cli::parse_size(value.get<std::string>())) return *size;
  }
  return Error::invalid_input(where + " must be a byte count or a size such as \"512MiB\"");
}

Status apply(const nlohmann::json& object, const std::string& file, ServerOptions& out) {
  if (!object.is_object()) return Status::success();
  for (const char* key : {"max_upload_bytes", "max_upload"}) {
    if (object.contains(key)) {
      auto size = size_setting(object[key], file + ": " + key);
      if (!size.ok()) return size.error();
      if (*size == 0) return Error::invalid_input(file + ": " + key + " must be more than 0");
      out.max_upload_bytes = *size;
    }
  }
  if (object.contains("threads")) {
    const auto& t = object["threads"];
    if (!t.is_number_unsigned() || t.get<std::uint64_t>() == 0 || t.get<std::uint64_t>() > 256) {
      return Error::invalid_input(file + ": threads must be a whole number from 1 to 256");
    }
    out.threads = t.get<std::size_t>();
  }
  if (object.contains("notify_every_minutes")) {
    const auto& m = object["notify_every_minutes"];
    if (!m.is_number_unsigned() || m.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxNotifyMinutes)) {
      return Error::invalid_input(file + ": notify_every_minutes must be a whole number from 0 (off) to 1440");
    }
    out.notify_every = std::chrono::minutes(m.get<std::uint64_t>());
  }
  if (object.contains("listen")) {
    if (!object["listen"].is_string()) return Error::invalid_input(file + ": listen must be \"HOST:PORT\"");
    if (Status s = parse_listen_address(object["listen"].get<std::string>(), out); !s.ok()) {
      return s.error().within(file);
    }
  }
  return Status::success();
}

}  // namespace

Result<ServerOptions> load_server_options(const std::filesystem::path& data_dir) {
  ServerOptions options;
  const auto path = data_dir / "config.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return options;
  auto text = read_file(path, 1 << 20);
  if (!text.ok()) return text.error();
  nlohmann::json config = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded() || !config.is_object()) {
    return Error::invalid_input(path.string() + " is not a JSON object");
  }
  if (Status s = apply(config, path.string(), options); !s.ok()) return s.error();
  if (config.contains("server")) {
    if (Status s = apply(config["server"], path.string(), options); !s.ok()) return s.error();
  }
  return options;
}

Status parse_listen_address(const std::string& text, ServerOptions& options) {
  std::string host = options.host;
  std::string port_text = text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error::invalid_input("listen address '" + text + "' should look like [::1]:8080");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  int port = -1;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 0 || port > 65535 || host.empty()) {
    return Error::invalid_input("listen address '" + text + "' should look like 127.0.0.1:8080 (port 0-65535)");
  }
  options.host = host;
  options.port = port;
  return Status::success();
}

}  // namespace redbox::api
