// Case types: every shipped type loads, validates and can be walked from receipt to closure;
// invalid files are rejected with the file and field named; installations override by id.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/test_support.h"
#include "workflows/case_type.h"

using namespace redbox;
using namespace redbox::workflows;

namespace {

const CaseTypeRegistry& shipped() {
  static const CaseTypeRegistry reg = CaseTypeRegistry::built_in().value();
  return reg;
}

// A small valid type, edited per test to break one thing.
nlohmann::json minimal_type() {
  return nlohmann::json::parse(R"({
    "id": "demo", "name": "Demo", "reference": "D-{yyyy}-{seq:03}",
    "stages": [{"id": "received"}, {"id": "draft"}, {"id": "closed", "closed": true}],
    "transitions": [
      {"id": "start", "from": "received", "to": "draft", "roles": ["caseworker"]},
      {"id": "send", "from": "draft", "to": "closed", "roles": ["team_leader"]}],
    "deadline": {"kind": "working_days", "days": 20},
    "sign_off": [{"stage": "draft", "role": "team_leader"}]
  })");
}

std::string rejection(const nlohmann::json& j) {
  auto r = parse_case_type(j.dump(), "demo.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::invalid_input);
  CHECK(r.error().message.rfind("demo.json: ", 0) == 0);
  return r.error().message;
}

}  // namespace

TEST_CASE("every shipped case type loads and validates", "[workflows][types]") {
  std::vector<std::string> ids;
  for (const CaseType* t : shipped().all()) ids.push_back(t->id);
  CHECK(ids == std::vector<std::string>{"campaign", "complaint-1", "complaint-2", "complaint-3", "data-breach",
                                        "dp-advice", "foi", "foi-transfer", "mp-official", "mp-private-office", "pq",
                                        "sar", "write-round"});
  CHECK(shipped().validate_links().ok());
  // The source files are the same as the compiled-in copies.
  for (const CaseType* t : shipped().all()) {
    auto text = read_file(test::source_path("workflows/types/" + t->id + ".json"));
    REQUIRE(text.ok());
    auto from_disk = parse_case_type(*text, t->id + ".json");
    REQUIRE(from_disk.ok());
    CHECK(from_disk->to_json() == t->to_json());
  }
}

TEST_CASE("each shipped type can be walked from receipt to closure by its allowed transitions", "[workflows][types]") {
  for (const CaseType* t : shipped().all()) {
    INFO(t->id);
    auto path = t->path_to_closure();
    REQUIRE_FALSE(path.empty());
    std::string at = t->initial_stage;
    for (const Transition* tr : path) {
      auto checked = t->check_transition(at, tr->id, tr->roles.front());
      REQUIRE(checked.ok());
      at = (*checked)->to;
    }
    CHECK(t->stage(at)->closed);
    // A deadline can be computed for each type.
    DeadlineRequest req;
    req.received = parse_date("2026-03-02").value();
    if (t->deadline.kind == DeadlineKind::named_day) req.named_day = parse_date("2026-03-09").value();
    auto d = compute_deadline(t->deadline, req, HolidayCalendar::built_in());
    REQUIRE(d.ok());
    CHECK(days_between(req.received, d->due) >= 0);
  }
}

TEST_CASE("shipped types carry the rules from the source material", "[workflows][types]") {
  const CaseType& sar = *shipped().get("sar").value();
  CHECK(sar.deadline.kind == DeadlineKind::calendar_months);
  CHECK(sar.deadline.extension == 2);
  CHECK(sar.reference.format(2026, 42) == "SAR-2026-0042");
  const CaseType& foi = *shipped().get("foi").value();
  CHECK(foi.deadline.divisions_for(Division::scotland) == DivisionSet::uk());
  CHECK(foi.transition("transfer")->creates_case == "foi-transfer");
  CHECK(shipped().get("complaint-1").value()->transition("escalate")->creates_case == "complaint-2");
  CHECK(shipped().get("complaint-2").value()->transition("escalate")->creates_case == "complaint-3");
  CHECK(shipped().get("complaint-3").value()->transition("escalate") == nullptr);
  const CaseType& official = *shipped().get("mp-official").value();
  CHECK(official.reference.format(2026, 7) == "B2026/00007");
  CHECK(official.sign_off.back().role == Role::team_leader);
  // Only a team leader signs off; a contributor cannot.
  CHECK(official.check_transition("clearance", "sign_off", Role::team_leader).ok());
  CHECK(official.check_transition("clearance", "sign_off", Role::contributor).error().kind == ErrorKind::forbidden);
  CHECK(official.check_transition("draft", "sign_off", Role::team_leader).error().kind == ErrorKind::conflict);
  const CaseType& po = *shipped().get("mp-private-office").value();
  CHECK(po.reference.format(2026, 7) == "M2026/00007");
  CHECK(po.transition("sign_off")->to == "private_office");
  CHECK(po.sign_off.back().role == Role::private_office);
  const CaseType& pq = *shipped().get("pq").value();
  CHECK(pq.deadline.kind == DeadlineKind::named_day);
  CHECK(pq.deadline.time == "12:00");
  // A write round is logged into an open stage, never closed by logging.
  const CaseType& wr = *shipped().get("write-round").value();
  CHECK_FALSE(wr.stage(wr.transition("log")->to)->closed);
  CHECK(shipped().get("nonsense").error().kind == ErrorKind::not_found);
}

TEST_CASE("invalid case type files are rejected naming the file and field", "[workflows][types]") {
  CHECK(parse_case_type(minimal_type().dump(), "demo.json").ok());

  auto j = minimal_type();
  j["transitions"][0]["to"] = "drafting";
  CHECK(rejection(j).find("transitions[0].to: unknown stage 'drafting'") != std::string::npos);

  j = minimal_type();
  j["transitions"][1]["from"] = nlohmann::json::array({"draft", "qa"});
  CHECK(rejection(j).find("transitions[1].from: unknown stage 'qa'") != std::string::npos);

  j = minimal_type();
  j["transitions"][0]["roles"] = nlohmann::json::array({"caseworker", "minister"});
  CHECK(rejection(j).find("transitions[0].roles[1]: unknown role 'minister'") != std::string::npos);

  j = minimal_type();
  j["deadline"] = {{"kind", "working_days"}};
  CHECK(rejection(j).find("deadline.days: missing") != std::string::npos);

  j = minimal_type();
  j["reference"] = "D-{year}-{seq}";
  CHECK(rejection(j).find("unknown placeholder {year}") != std::string::npos);

  j = minimal_type();
  j["stages"].push_back({{"id", "orphan"}});
  CHECK(rejection(j).find("stage 'orphan' cannot be reached") != std::string::npos);

  j = minimal_type();
  j["stages"].insert(j["stages"].begin() + 2, nlohmann::json::parse(R"({"id": "limbo"})"));
  j["transitions"].push_back(
      nlohmann::json::parse(R"({"id": "park", "from": "draft", "to": "limbo", "roles": ["caseworker"]})"));
  CHECK(rejection(j).find("no closed stage can be reached from stage 'limbo'") != std::string::npos);

  j = minimal_type();
  j["stages"][2].erase("closed");
  CHECK(rejection(j).find("no stage is marked") != std::string::npos);

  j = minimal_type();
  j["sign_off"][0]["role"] = "reviewer";
  CHECK(rejection(j).find("sign_off[0]: no transition out of stage 'draft' may be made by reviewer") != std::string::npos);

  j = minimal_type();
  j["colour"] = "red";
  CHECK(rejection(j).find("colour: unknown field") != std::string::npos);

  j = minimal_type();
  j["stages"].push_back({{"id", "draft"}});
  CHECK(rejection(j).find("stage 'draft' is defined twice") != std::string::npos);

  auto not_json = parse_case_type("{\"id\": ", "broken.json");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.error().message.find("broken.json: (file): not valid JSON") == 0);
}

TEST_CASE("an installation's folder overrides types by id and links are checked", "[workflows][types]") {
  auto dir = test::temp_dir();
  // A Scottish authority: FOI counts Scottish bank holidays only (FOISA s73).
  auto foi = shipped().get("foi").value()->to_json();
  foi["deadline"]["divisions"] = "scotland";
  std::ofstream(dir.path() / "foi.json") << foi.dump(2);
  auto reg = load_case_types({dir.path()});
  REQUIRE(reg.ok());
  const CaseType* t = reg->get("foi").value();
  DeadlineRequest req;
  req.received = parse_date("2026-12-22").value();
  CHECK(format_date(compute_deadline(t->deadline, req, HolidayCalendar::built_in())->due) == "2027-01-25");
  req.received = parse_date("2026-04-01").value();
  // Easter Monday is not a Scottish holiday: one day earlier than UK-wide.
  CHECK(format_date(compute_deadline(t->deadline, req, HolidayCalendar::built_in())->due) == "2026-04-30");
  CHECK(format_date(compute_deadline(shipped().get("foi").value()->deadline, req, HolidayCalendar::built_in())->due) ==
        "2026-05-01");

  // A type linking to a type nobody defines is refused.
  auto dangling = minimal_type();
  dangling["transitions"][1]["creates_case"] = "no-such-type";
  std::ofstream(dir.path() / "zz-demo.json") << dangling.dump();
  auto bad = load_case_types({dir.path()});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("unknown type 'no-such-type'") != std::string::npos);
  CHECK(bad.error().message.find("zz-demo.json") != std::string::npos);
  CHECK(load_case_types({dir.path() / "missing"}).error().kind == ErrorKind::not_found);
}
