// A data folder with a catalog on a ManualClock, the shipped case types and calendar, and one
// user per role plus a team leader and a Private Office user (roles granted), for case tests.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "common/clock.h"
#include "storage/store.h"
#include "support/test_support.h"
#include "workflows/case_store.h"

namespace redbox::test {

inline TimePoint at_uk_morning(workflows::Date d) { return std::chrono::sys_days(d) + std::chrono::hours(10); }
inline workflows::Date day(const char* iso) { return workflows::parse_date(iso).value(); }

struct CaseFixture {
  explicit CaseFixture(const char* today = "2026-03-02")
      : dir(temp_dir()), clock(at_uk_morning(day(today))), types(workflows::CaseTypeRegistry::built_in().value()) {
    storage::CatalogOptions options;
    options.clock = &clock;
    store = std::make_unique<storage::Store>(storage::init_store(dir.path() / "data", options).value());
    service = std::make_unique<workflows::CaseService>(*store->catalog, types, workflows::HolidayCalendar::built_in(), clock);
    auto op = workflows::Actor::cli_operator("setup");
    op.roles = {workflows::Role::admin};
    for (auto [name, role] : std::initializer_list<std::pair<const char*, storage::Role>>{
             {"ian", storage::Role::intake},      {"carla", storage::Role::caseworker}, {"rita", storage::Role::reviewer},
             {"colin", storage::Role::contributor}, {"tess", storage::Role::caseworker}, {"paul", storage::Role::contributor},
             {"ada", storage::Role::admin},       {"olive", storage::Role::contributor}}) {
      store->catalog->create_user(name, role, "test").value();
    }
    service->grant_role(op, "tess", workflows::Role::team_leader).throw_if_error();
    service->grant_role(op, "paul", workflows::Role::private_office).throw_if_error();
  }

  workflows::Actor actor(const std::string& name) const {
    std::vector<storage::User> users = store->catalog->list_users().value();
    for (const auto& u : users) {
      if (u.name == name) return service->actor_for(u).value();
    }
    throw std::runtime_error("no test user " + name);
  }
  void set_today(const char* iso) { clock.set(at_uk_morning(day(iso))); }

  TempDir dir;
  ManualClock clock;
  workflows::CaseTypeRegistry types;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<workflows::CaseService> service;
};

}  // namespace redbox::test
