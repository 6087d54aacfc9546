// Intake through the HTTP API: an upload is OCRed/indexed by the server's job workers; the job
// is visible at /api/v1/jobs/{id}; /api/v1/search finds its pages, with auth, audit and 400s.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api_fixture.h"
#include "common/mupdf.h"

using namespace redbox;
using namespace redbox::test;
using storage::Role;

namespace {

// A two-page born-digital letter (MuPDF), so the test needs no OCR time.
std::string letter_pdf() {
  mu::Context ctx = mu::Context::create();
  const std::string page1 = "BT /F1 12 Tf 72 770 Td (Dear Sir, the bridge on Mill Lane is closed.) Tj ET";
  const std::string page2 = "BT /F1 12 Tf 72 770 Td (Annex: diversion routes via Station Road SW1A 2AA) Tj ET";
  fz_buffer* out = ctx.call("letter", [&] {
    pdf_document* doc = pdf_create_document(ctx);
    fz_font* font = fz_new_base14_font(ctx, "Helvetica");
    pdf_obj* font_ref = pdf_add_simple_font(ctx, doc, font, PDF_SIMPLE_ENCODING_LATIN);
    for (const std::string* c : {&page1, &page2}) {
      pdf_obj* res = pdf_new_dict(ctx, doc, 1);
      pdf_dict_puts(ctx, pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1), "F1", font_ref);
      fz_buffer* buf = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(c->data()), c->size());
      pdf_obj* page = pdf_add_page(ctx, doc, fz_make_rect(0, 0, 595, 842), 0, res, buf);
      pdf_insert_page(ctx, doc, -1, page);
      pdf_drop_obj(ctx, page);
      fz_drop_buffer(ctx, buf);
      pdf_drop_obj(ctx, res);
    }
    fz_buffer* bytes = fz_new_buffer(ctx, 4096);
    fz_output* o = fz_new_output_with_buffer(ctx, bytes);
    pdf_write_document(ctx, doc, o, &pdf_default_write_options);
    fz_close_output(ctx, o);
    fz_drop_output(ctx, o);
    pdf_drop_obj(ctx, font_ref);
    fz_drop_font(ctx, font);
    pdf_drop_document(ctx, doc);
    return bytes;
  });
  mu::Buffer holder(ctx, out);
  return mu::buffer_bytes(ctx, holder);
}

nlohmann::json wait_for_job(httplib::Client& c, const ApiFixture& fx, const std::string& id) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = c.Get("/api/v1/jobs/" + id, fx.auth(Role::reviewer));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto job = parse_json(res->body);
    if (job["state"] == "done" || job["state"] == "failed") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("job " << id << " did not finish");
  return {};
}

api::ServerOptions with_workers() {
  api::ServerOptions o;
  o.job_workers = 1;
  return o;
}

}  // namespace

TEST_CASE("intake API: upload -> queued intake -> job status -> search", "[http][intake]") {
  ApiFixture fx(with_workers());
  auto c = fx.client();
  httplib::Headers h = fx.auth(Role::intake);
  h.emplace("X-File-Name", "bridge.pdf");
  auto up = c.Post("/api/v1/documents", h, letter_pdf(), "application/pdf");
  REQUIRE(up);
  REQUIRE(up->status == 201);
  auto doc = parse_json(up->body);
  INFO(up->body);
  REQUIRE(doc["intake_job"].is_string());
  const std::string job_id = doc["intake_job"];
  CHECK(up->get_header_value("X-Intake-Job") == job_id);

  auto job = wait_for_job(c, fx, job_id);
  INFO(job.dump());
  REQUIRE(job["state"] == "done");
  CHECK(job["kind"] == "intake");
  CHECK(job["result"]["documents"][0]["id"] == doc["id"]);
  CHECK(job["result"]["pages"] == 2);

  // The upload's document now has its searchable, text and words versions and fields.
  auto shown = parse_json(c.Get("/api/v1/documents/" + doc["id"].get<std::string>(), fx.auth(Role::reviewer))->body);
  CHECK(shown["versions"].size() == 4);
  auto stored = fx.store->catalog->get_document(doc["id"]).value();
  CHECK(stored.metadata["fields"]["postcodes"] == nlohmann::json({"SW1A 2AA"}));
  CHECK(stored.page_count == 2);

  auto hits = c.Get("/api/v1/search?q=diversion%20routes", fx.auth(Role::caseworker));
  REQUIRE(hits);
  REQUIRE(hits->status == 200);
  auto body = parse_json(hits->body);
  REQUIRE(body["hits"].size() == 1);
  CHECK(body["hits"][0]["document_id"] == doc["id"]);
  CHECK(body["hits"][0]["page"] == 2);
  CHECK(body["hits"][0]["file_name"] == "bridge.pdf");
  CHECK(body["hits"][0]["snippet"].get<std::string>().find("[diversion]") != std::string::npos);

  // Jobs list.
  auto list = c.Get("/api/v1/jobs?state=done", fx.auth(Role::admin));
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(parse_json(list->body)["jobs"].size() == 1);
  CHECK(c.Get("/api/v1/jobs?state=nope", fx.auth(Role::admin))->status == 400);
  CHECK(c.Get("/api/v1/jobs/job_01ARZ3NDEKTSV4RRFFQ69G5FAV", fx.auth(Role::admin))->status == 404);
  CHECK(c.Get("/api/v1/jobs/" + job_id, fx.auth(Role::contributor))->status == 403);
  CHECK(c.Get("/api/v1/jobs/" + job_id)->status == 401);
}

TEST_CASE("intake API: search needs a staff role, audits, and rejects malformed queries with 400",
          "[http][intake]") {
  ApiFixture fx;
  auto c = fx.client();
  CHECK(c.Get("/api/v1/search?q=bridge")->status == 401);
  CHECK(c.Get("/api/v1/search?q=bridge", fx.auth(Role::contributor))->status == 403);
  auto ok = c.Get("/api/v1/search?q=bridge", fx.auth(Role::reviewer));
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(parse_json(ok->body)["hits"].empty());
  for (const char* q : {"%22unclosed", "OR", "bridge%20NOT", "", "%21%21%21"}) {
    CAPTURE(q);
    auto bad = c.Get(std::string("/api/v1/search?q=") + q, fx.auth(Role::reviewer));
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(parse_json(bad->body).dump().find("search") != std::string::npos);
  }
  CHECK(c.Get("/api/v1/search?q=a&limit=0", fx.auth(Role::reviewer))->status == 400);
  CHECK(c.Get("/api/v1/search", fx.auth(Role::reviewer))->status == 400);

  auto events = fx.store->catalog->audit().events(0, 10000).value();
  int searches = 0;
  for (const auto& e : events) {
    if (e.action != "search.query") continue;
    ++searches;
    CHECK(e.actor == "reviewer-user");
    CHECK(e.details.dump().find("bridge") == std::string::npos);
  }
  CHECK(searches == 1);

  // Without job workers an upload is stored only (no intake job).
  httplib::Headers h = fx.auth(Role::intake);
  h.emplace("X-File-Name", "bridge.pdf");
  auto up = c.Post("/api/v1/documents", h, letter_pdf(), "application/pdf");
  REQUIRE(up);
  CHECK(up->status == 201);
  CHECK_FALSE(parse_json(up->body).contains("intake_job"));
}
