#include "api/cli/data_folder.h"

namespace redbox::cli {

storage::Store open_data_folder(const GlobalOptions& global) {
  return std::move(storage::open_store(global.data_dir).value());
}

}  // namespace redbox::cli
