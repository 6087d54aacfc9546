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

}  // namespace redbox::cli
