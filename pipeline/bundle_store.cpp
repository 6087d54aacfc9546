// The store-backed bundle request, the release rule and the in-memory ZIP passwords.
#include "pipeline/bundle_store.h"

#include <algorithm>
#include <set>

#include "common/ids.h"

namespace redbox::pipeline {

namespace {

constexpr std::size_t kMaxDocuments = 10'000;

using json = nlohmann::json;

Error field_error(const std::string& field, const std::string& what) {
  return Error::invalid_input("options." + field + ": " + what);
}

}  // namespace

json StoreBundleRequest::to_json() const {
  json j;
  j["documents"] = document_ids;
  j["order"] = order == BundleOrder::given ? "given" : "received";
  j["reference"] = reference;
  j["stamp"] = stamp_pattern;
  j["page_of_total"] = page_of_total;
  j["index"] = index;
  j["max_part_bytes"] = max_part_bytes;
  j["max_part_pages"] = max_part_pages;
  j["reencode_dpi"] = reencode_dpi;
  j["zip"] = zip;
  if (password_ref) j["password_ref"] = *password_ref;
  return j;
}

Result<StoreBundleRequest> StoreBundleRequest::from_json(const json& j) {
  if (!j.is_object()) return Error::invalid_input("the bundle request must be a JSON object");
  static const std::set<std::string> known = {"documents", "order", "reference", "stamp", "page_of_total", "index",
                                              "max_part_bytes", "max_part_pages", "reencode_dpi", "zip",
                                              "password_ref"};
  for (const auto& [key, value] : j.items())
    if (!known.contains(key)) return Error::invalid_input("unknown field \"" + key + "\"");
  StoreBundleRequest r;
  auto docs = j.find("documents");
  if (docs == j.end() || !docs->is_array()) return Error::invalid_input("documents: expected an array of document IDs");
  for (const auto& d : *docs) {
    if (!d.is_string()) return Error::invalid_input("documents: every entry must be a document ID string");
    r.document_ids.push_back(d.get<std::string>());
  }
  auto text = [&](const char* key, std::string& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) return field_error(key, "expected a string");
    out = it->get<std::string>();
    return {};
  };
  auto flag = [&](const char* key, bool& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_boolean()) return field_error(key, "expected true or false");
    out = it->get<bool>();
    return {};
  };
  auto number = [&](const char* key, std::int64_t lo, std::int64_t hi, std::int64_t& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_number_integer() && !it->is_number_unsigned()) return field_error(key, "expected a whole number");
    const auto v = it->get<std::int64_t>();
    if (v < lo || v > hi) return field_error(key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi));
    out = v;
    return {};
  };
  std::string order = "received";
  std::string password_ref;
  std::int64_t max_bytes = 0, max_pages = 0, dpi = r.reencode_dpi;
  for (const Status& s : {text("order", order), text("reference", r.reference), text("stamp", r.stamp_pattern),
                   flag("page_of_total", r.page_of_total), flag("index", r.index), flag("zip", r.zip),
                   number("max_part_bytes", 0, std::int64_t{1} << 50, max_bytes),
                   number("max_part_pages", 0, 1'000'000, max_pages), number("reencode_dpi", 36, 600, dpi),
                   text("password_ref", password_ref)}) {
    if (!s.ok()) return s.error();
  }
  if (order == "received") {
    r.order = BundleOrder::received;
  } else if (order == "given") {
    r.order = BundleOrder::given;
  } else {
    return field_error("order", "expected \"received\" or \"given\"");
  }
  r.max_part_bytes = static_cast<std::uint64_t>(max_bytes);
  r.max_part_pages = static_cast<int>(max_pages);
  r.reencode_dpi = static_cast<int>(dpi);
  if (!password_ref.empty()) r.password_ref = password_ref;
  if (Status s = r.validate(); !s.ok()) return s.error();
  return r;
}

Status StoreBundleRequest::validate() const {
  if (document_ids.empty()) return Error::invalid_input("a bundle needs at least one document");
  if (document_ids.size() > kMaxDocuments)
    return Error::invalid_input("a bundle takes at most " + std::to_string(kMaxDocuments) + " documents");
  if (reference.empty() || reference.size() > 100 ||
      reference.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos ||
      reference.front() == '.' || reference.front() == '-')
    return field_error("reference", "must be 1-100 letters, digits, '.', '_' or '-' (it names the files)");
  if (!stamp_pattern.empty()) {
    auto s = format_stamp(stamp_pattern, 1, reference);
    if (!s.ok()) return field_error("stamp", s.error().message);
  }
  if (max_part_bytes != 0 && max_part_bytes < 4096) return field_error("max_part_bytes", "must be at least 4096");
  if (max_part_pages < 0) return field_error("max_part_pages", "must not be negative");
  if (reencode_dpi < 36 || reencode_dpi > 600) return field_error("reencode_dpi", "must be from 36 to 600");
  if (password_ref && !zip) return Error::invalid_input("a ZIP password needs the zip option");
  return {};
}

Result<std::vector<ReleasedDocument>> resolve_released(const storage::Catalog& catalog,
                                                       const std::vector<std::string>& document_ids,
                                                       BundleOrder order) {
  if (document_ids.empty()) return Error::invalid_input("a bundle needs at least one document");
  std::set<std::string> seen;
  std::vector<ReleasedDocument> out;
  for (const auto& id : document_ids) {
    if (!seen.insert(id).second) return Error::invalid_input("document " + id + " is listed twice");
    if (!is_id(id, "doc")) return Error::not_found("no document " + id);
    auto doc = catalog.get_document(id);
    if (!doc.ok()) return doc.error();
    ReleasedDocument r;
    r.document = std::move(*doc);
    // The newest version of a kind (versions are oldest first).
    auto latest = [&](storage::VersionKind kind) -> const storage::Version* {
      const storage::Version* found = nullptr;
      for (const auto& v : r.document.versions)
        if (v.kind == kind) found = &v;
      return found;
    };
    const auto status = r.document.metadata.find("redaction_status");
    const bool not_needed = status != r.document.metadata.end() && status->is_string() && *status == "not-needed";
    if (const auto* redacted = latest(storage::VersionKind::redacted)) {
      r.version = *redacted;
      r.basis = "redacted";
    } else if (not_needed) {
      const auto* v = latest(storage::VersionKind::searchable);
      if (v == nullptr) v = latest(storage::VersionKind::original);
      if (v == nullptr) return Error::conflict("document " + id + " has no original version");
      r.version = *v;
      r.basis = "not-needed";
    } else {
      return Error::conflict("document " + id +
                             " cannot go into a requester bundle: it has no released redacted version and no "
                             "reviewer has marked it as needing no redaction");
    }
    out.push_back(std::move(r));
  }
  if (order == BundleOrder::received) {
    std::stable_sort(out.begin(), out.end(), [](const ReleasedDocument& a, const ReleasedDocument& b) {
      return a.document.received < b.document.received;
    });
  }
  return out;
}

std::string BundleSecrets::put(std::string password) {
  std::string ref = new_id("zpw");
  std::lock_guard lock(mutex_);
  secrets_[ref] = std::move(password);
  return ref;
}

std::optional<std::string> BundleSecrets::get(const std::string& ref) const {
  std::lock_guard lock(mutex_);
  auto it = secrets_.find(ref);
  if (it == secrets_.end()) return std::nullopt;
  return it->second;
}

void BundleSecrets::erase(const std::string& ref) {
  std::lock_guard lock(mutex_);
  secrets_.erase(ref);
}

}  // namespace redbox::pipeline
