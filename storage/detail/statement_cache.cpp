#include "storage/detail/statement_cache.h"

namespace redbox::storage::detail {

StatementCache::Borrowed StatementCache::get(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<sql::Statement>(db_.prepare(sql))).first;
  }
  return Borrowed(*it->second);
}

}  // namespace redbox::storage::detail
