#include "api/cli/data_folder.h"

#include <algorithm>

namespace redbox::cli {

storage::Store open_data_folder(const GlobalOptions& global) {
  return std::move(storage::open_store(global.data_dir).value());
}

storage::User user_for_as(const storage::Store& store, const std::string& name) {
  auto users = store.catalog->list_users().value();
  auto it = std::find_if(users.begin(), users.end(), [&](const storage::User& u) { return u.name == name; });
  if (it == users.end()) fail(Error::not_found("--as: no user '" + name + "'"));
  if (it->disabled) fail(Error::forbidden("--as: user '" + name + "' is disabled"));
  return *it;
}

}  // namespace redbox::cli
