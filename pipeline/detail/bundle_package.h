// What goes beside the parts: manifest.json (every file's name, size, SHA-256, pages and
// stamp range, the documents and the bundle reference and creation time), README.txt with
// instructions for the requester, and the optional ZIP package (AES-256 when a password is
// given; fixed entry times and order so an unencrypted package is byte-identical on rebuild).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/bundle.h"

namespace redbox::pipeline::detail {

std::string manifest_json(const BundleResult& result, const std::vector<BundleFile>& files);
std::string readme_text(const BundleResult& result, bool encrypted_zip);

// Zips files (name in the ZIP -> path on disk) in the given order into zip_path. libzip writes
// to a temporary name and renames on success; on failure nothing is left at zip_path.
void write_zip(const std::filesystem::path& zip_path,
               const std::vector<std::pair<std::string, std::filesystem::path>>& files, std::int64_t mtime,
               const std::optional<std::string>& password);

}  // namespace redbox::pipeline::detail
