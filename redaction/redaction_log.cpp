#include "redaction/redaction_log.h"

#include <map>
#include <utility>

#include "common/clock.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "common/csv.h"

namespace redbox::redaction {

RedactionLog new_redaction_log() {
  RedactionLog log;
  log.salt_hex = random_hex(16);
  log.created_utc = format_utc(SystemClock::instance().now());
  return log;
}

std::string RedactionLog::hash_text(const std::string& text) const { return sha256_hex(salt_hex + text); }

nlohmann::json RedactionLog::to_json() const {
  nlohmann::json marks_json = nlohmann::json::array();
  for (const Mark& m : marks) {
    nlohmann::json rects = nlohmann::json::array();
    for (const Quad& q : m.quads) {
      Rect r = q.bounds();
      rects.push_back({r.x0, r.y0, r.x1, r.y1});
    }
    nlohmann::json j = {{"page", m.page + 1}, {"kind", std::string(to_string(m.kind))}, {"rects", rects},
                        {"reason", m.reason},  {"source", m.source},                    {"author", m.author},
                        {"time", created_utc}};
    if (!m.text.empty()) j["text_sha256"] = hash_text(m.text);
    marks_json.push_back(std::move(j));
  }
  nlohmann::json notes = nlohmann::json::array();
  for (const PageNote& n : page_notes) notes.push_back({{"page", n.page + 1}, {"note", n.note}});
  return {{"format", "redbox-redaction-log/1"},
          {"created", created_utc},
          {"salt", salt_hex},
          {"hash", "sha256(salt || utf8 text)"},
          {"input", {{"name", input_name}, {"sha256", input_sha256}}},
          {"output", {{"sha256", output_sha256}}},
          {"marks", marks_json},
          {"document_actions", document_actions},
          {"page_notes", notes}};
}

namespace {
std::string csv_field(const std::string& s) { return csv::field(s); }
}  // namespace

std::string RedactionLog::schedule_csv() const {
  std::map<std::pair<int, std::string>, int> counts;
  for (const Mark& m : marks) {
    std::string reason = m.reason.empty() ? "unspecified" : m.reason;
    if (m.kind == MarkKind::whole_page) reason += " (page withheld)";
    ++counts[{m.page + 1, reason}];
  }
  std::string out = "page,reason,count\n";
  for (const auto& [key, n] : counts) {
    out += std::to_string(key.first) + "," + csv_field(key.second) + "," + std::to_string(n) + "\n";
  }
  return out;
}

}  // namespace redbox::redaction
