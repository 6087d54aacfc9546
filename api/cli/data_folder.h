// Opening the data folder for a CLI command. The CLI acts as the local operator "cli" with
// full rights: whoever can run it against a data folder can read and write that folder's
// files anyway, so API roles would protect nothing here. Its actions are still audited under
// the actor "cli".
#pragma once

#include "api/cli/command.h"
#include "storage/store.h"

namespace redbox::cli {

inline constexpr const char* kCliActor = "cli";

// open_store(ctx.global.data_dir), throwing Failure (not_found suggests `redbox init`).
storage::Store open_data_folder(const GlobalOptions& global);

// The user named by --as (commands that act for a user, e.g. case and draft): not_found if there
// is none, forbidden if disabled.
storage::User user_for_as(const storage::Store& store, const std::string& name);

}  // namespace redbox::cli
