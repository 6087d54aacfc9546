// Writing a stored bundle's rows (inside the job's commit transaction).
#pragma once

#include "common/sqlite.h"
#include "pipeline/bundle_store.h"

namespace redbox::pipeline::detail {

void insert_bundle(sql::Database& db, const StoredBundle& bundle);

}  // namespace redbox::pipeline::detail
