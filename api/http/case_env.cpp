#include "api/http/case_env.h"

#include <map>
#include <memory>
#include <mutex>

namespace redbox::api {

const workflows::CaseEnvironment& case_environment(storage::Store& store) {
  static std::mutex mutex;
  static std::map<const storage::Store*, std::unique_ptr<workflows::CaseEnvironment>> environments;
  std::lock_guard lock(mutex);
  auto& slot = environments[&store];
  if (!slot) {
    slot = std::make_unique<workflows::CaseEnvironment>(workflows::load_case_environment(store.root, store.config.raw).value());
  }
  return *slot;
}

workflows::CaseService case_service(storage::Store& store) {
  const auto& env = case_environment(store);
  return workflows::CaseService(*store.catalog, env.types, env.calendar);
}

workflows::Actor case_actor(RequestContext& ctx) { return case_service(ctx.store()).actor_for(ctx.user).value(); }

}  // namespace redbox::api
