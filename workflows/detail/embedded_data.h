// Data files compiled into the binary (generated at build time by workflows/embed_data.cmake
// from workflows/data/bank-holidays.json and workflows/types/*.json), so an installation always
// has a calendar and the shipped case types even with no data folder.
#pragma once

#include <span>
#include <string_view>

namespace redbox::workflows::embedded {

struct File {
  std::string_view name;     // file name, e.g. "sar.json"
  std::string_view content;  // the bytes of the file
};

std::string_view bank_holidays_json();
// The shipped case types, sorted by file name.
std::span<const File> case_type_files();

}  // namespace redbox::workflows::embedded
