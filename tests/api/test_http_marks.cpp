// Redaction review over HTTP: only caseworkers and reviewers see or change marks (others 403,
// audited), propose -> decisions -> release, refusals with undecided marks, audited text views.
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "support/letter_pdfs.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;
namespace fs = std::filesystem;

namespace {

const char* kLetter =
    "Dear Ms Harriet Vance\n"
    "Your National Insurance number JH 49 23 87 C and e-mail harriet.vance@example.org are on file.\n"
    "Please call 020 7946 0991 if anything is wrong.\n"
    "Yours sincerely";

std::string upload_letter(ApiFixture& fx, httplib::Client& c) {
  fs::path pdf = fx.dir.path() / "letter.pdf";
  write_text_pdf({kLetter}, pdf);
  auto h = fx.auth(Role::caseworker);
  h.emplace("X-File-Name", "letter.pdf");
  auto res = c.Post("/api/v1/documents", h, read_file(pdf).value(), "application/pdf");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  return parse_json(res->body)["id"];
}

int refusals(ApiFixture& fx) {
  int n = 0;
  const auto events = fx.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : events) n += e.action == "auth.refused" ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("marks API: roles, propose, decide, release", "[http][redaction]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string doc = upload_letter(fx, c);
  const std::string base = "/api/v1/documents/" + doc;
  const std::string propose = R"({"action":"propose","detect":["uk-pii"],"terms":["Harriet Vance"]})";

  // Admin, intake and contributor may neither see nor change marks, nor release; each refusal is
  // audited.
  const int before = refusals(fx);
  for (Role role : {Role::admin, Role::intake, Role::contributor}) {
    CAPTURE(storage::to_string(role));
    auto get = c.Get(base + "/marks", fx.auth(role));
    REQUIRE(get);
    CHECK(get->status == 403);
    auto post = c.Post(base + "/marks", fx.auth(role), propose, "application/json");
    REQUIRE(post);
    CHECK(post->status == 403);
    auto rel = c.Post(base + "/release", fx.auth(role), "", "application/json");
    REQUIRE(rel);
    CHECK(rel->status == 403);
  }
  CHECK(refusals(fx) - before == 9);
  auto anonymous = c.Get(base + "/marks");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);

  auto proposed = c.Post(base + "/marks", fx.auth(Role::caseworker), propose, "application/json");
  REQUIRE(proposed);
  REQUIRE(proposed->status == 200);
  const int added = parse_json(proposed->body)["added"];
  CHECK(added >= 4);  // name (twice: "Ms Harriet Vance" and in the e-mail?), NINO, e-mail, phone

  auto listed = c.Get(base + "/marks", fx.auth(Role::reviewer));
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  auto marks = parse_json(listed->body);
  CHECK(marks["counts"]["proposed"] == added);
  CHECK(listed->body.find("JH 49 23 87 C") == std::string::npos);
  CHECK(listed->body.find("Harriet") == std::string::npos);

  auto with_text = c.Get(base + "/marks?text=1", fx.auth(Role::caseworker));
  REQUIRE(with_text);
  REQUIRE(with_text->status == 200);
  CHECK(with_text->body.find("JH 49 23 87 C") != std::string::npos);

  // Release refused while marks are undecided.
  auto early = c.Post(base + "/release", fx.auth(Role::reviewer), "", "application/json");
  REQUIRE(early);
  CHECK(early->status == 409);
  CHECK(parse_json(early->body)["error"]["code"] == "conflict");

  // Decisions: one mark by ID, the phone by detector, then everything else.
  std::string phone_id;
  std::string first_id;
  for (const auto& m : marks["marks"]) {
    if (m["detector"] == "phone") phone_id = m["id"];
    if (first_id.empty() && m["detector"] != "phone") first_id = m["id"];
  }
  REQUIRE_FALSE(phone_id.empty());
  auto reject = c.Post(base + "/marks/decisions", fx.auth(Role::reviewer), R"({"decision":"reject","detector":"phone"})",
                       "application/json");
  REQUIRE(reject);
  REQUIRE(reject->status == 200);
  CHECK(parse_json(reject->body)["changed"][0] == phone_id);
  auto one = c.Post(base + "/marks/decisions", fx.auth(Role::caseworker),
                    nlohmann::json{{"decision", "accept"}, {"marks", {first_id}}}.dump(), "application/json");
  REQUIRE(one);
  CHECK(one->status == 200);
  auto bad = c.Post(base + "/marks/decisions", fx.auth(Role::reviewer), R"({"decision":"maybe","all":true})",
                    "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto all = c.Post(base + "/marks/decisions", fx.auth(Role::reviewer), R"({"decision":"accept","all":true})",
                    "application/json");
  REQUIRE(all);
  REQUIRE(all->status == 200);
  CHECK(parse_json(all->body)["changed"].size() == static_cast<std::size_t>(added - 2));

  // An area mark drawn by a caseworker.
  auto area = c.Post(base + "/marks", fx.auth(Role::caseworker),
                     R"({"action":"add-area","page":1,"rect":[300,90,560,110],"reason":"s43 commercial interests"})",
                     "application/json");
  REQUIRE(area);
  CHECK(area->status == 201);

  auto released = c.Post(base + "/release?label=1", fx.auth(Role::reviewer), "", "application/json");
  REQUIRE(released);
  REQUIRE(released->status == 201);
  auto rel = parse_json(released->body);
  CHECK(rel["verification"]["passed"] == true);
  const std::string redacted_id = rel["redacted"]["id"];

  // The redacted version downloads; its text holds no accepted value but the rejected phone.
  auto down = c.Get(base + "/content?version=redacted", fx.auth(Role::reviewer));
  REQUIRE(down);
  REQUIRE(down->status == 200);
  CHECK(down->get_header_value("X-Version-Id") == redacted_id);
  fs::path out = fx.dir.path() / "redacted.pdf";
  write_file_atomic(out, down->body).throw_if_error();
  auto text = run_process("pdftotext", {out.string(), "-"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("JH 49 23 87 C") == std::string::npos);
  CHECK(text.out.find("harriet.vance@example.org") == std::string::npos);
  CHECK(text.out.find("Vance") == std::string::npos);
  CHECK(text.out.find("020 7946 0991") != std::string::npos);

  auto shown = c.Get(base, fx.auth(Role::intake));
  REQUIRE(shown);
  CHECK(parse_json(shown->body)["metadata"]["redaction_status"] == "released");

  // Only a reviewer may record that no redaction is needed.
  auto nrn = c.Post(base + "/no-redaction-needed", fx.auth(Role::caseworker), "", "application/json");
  REQUIRE(nrn);
  CHECK(nrn->status == 403);

  std::vector<std::string> actions;
  const auto doc_events = fx.store->catalog->audit().events_for(doc).value();
  for (const auto& e : doc_events) actions.push_back(e.action);
  for (const char* a : {"redaction.marks.propose", "redaction.marks.view", "redaction.marks.view_text",
                        "redaction.marks.reject", "redaction.marks.accept", "redaction.marks.add_area",
                        "redaction.release"}) {
    INFO(a);
    CHECK(std::find(actions.begin(), actions.end(), a) != actions.end());
  }
  const auto all_events = fx.store->catalog->audit().events(0, 100000).value();
  for (const auto& e : all_events) {
    CHECK(e.details.dump().find("JH 49 23 87") == std::string::npos);
    CHECK(e.details.dump().find("Harriet") == std::string::npos);
  }
}

TEST_CASE("marks API: no-redaction-needed and bad requests", "[http][redaction]") {
  ApiFixture fx;
  auto c = fx.client();
  const std::string doc = upload_letter(fx, c);
  const std::string base = "/api/v1/documents/" + doc;
  auto bad_action = c.Post(base + "/marks", fx.auth(Role::caseworker), R"({"action":"guess"})", "application/json");
  REQUIRE(bad_action);
  CHECK(bad_action->status == 400);
  auto bad_rect = c.Post(base + "/marks", fx.auth(Role::caseworker), R"({"action":"add-area","page":1,"rect":[1,2],"reason":"x"})",
                         "application/json");
  REQUIRE(bad_rect);
  CHECK(bad_rect->status == 400);
  auto missing = c.Get("/api/v1/documents/doc_01JD0000000000000000000000/marks", fx.auth(Role::reviewer));
  REQUIRE(missing);
  CHECK(missing->status == 404);
  auto nrn = c.Post(base + "/no-redaction-needed", fx.auth(Role::reviewer), "", "application/json");
  REQUIRE(nrn);
  CHECK(nrn->status == 200);
  auto shown = c.Get(base, fx.auth(Role::reviewer));
  REQUIRE(shown);
  CHECK(parse_json(shown->body)["metadata"]["redaction_status"] == "not-needed");
}
