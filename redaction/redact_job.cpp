#include "redaction/redact_job.h"


#include <algorithm>
#include <map>
#include <set>

#include "common/files.h"
#include "common/mupdf.h"
#include "common/sha256.h"
#include "redaction/detail/apply_page.h"
#include "redaction/detail/scrub_document.h"
#include "redaction/page_text.h"
#include "redaction/propose.h"

namespace redbox::redaction {
namespace {

std::string page_name(int p) { return "page " + std::to_string(p + 1); }

Rect page_rect(const mu::Context& ctx, const mu::Document& doc, int p) {
  mu::Page page = mu::load_page(ctx, doc, p);
  fz_rect r = ctx.call("measuring " + page_name(p), [&] { return fz_bound_page(ctx, page.get()); });
  return {r.x0, r.y0, r.x1, r.y1};
}

// Finds text hits on every page (recording which pages cannot be searched) and adds the
// caller's area, whole-page and prepared marks.
std::vector<Mark> collect_marks(const mu::Context& ctx, const mu::Document& doc, int pages, const RedactOptions& o,
                                RedactionLog& log) {
  std::vector<Mark> marks =
      o.document_threads > 1
          ? detail::find_text_marks_two_threads(ctx, doc, o.input, o.password, pages, o.finders, o.reason, o.author,
                                                log.page_notes)
          : detail::find_text_marks(ctx, doc, 0, pages, o.finders, o.reason, o.author, log.page_notes);
  for (const AreaMark& a : o.areas) {
    if (a.page < 0 || a.page >= pages) {
      fail(Error::invalid_input("area mark on page " + std::to_string(a.page + 1) + ", but the document has " +
                                std::to_string(pages) + " page(s)"));
    }
    if (a.rect.empty()) fail(Error::invalid_input("area mark on " + page_name(a.page) + " has no area"));
    Rect pr = page_rect(ctx, doc, a.page);
    Rect r{std::max(a.rect.x0, pr.x0), std::max(a.rect.y0, pr.y0), std::min(a.rect.x1, pr.x1), std::min(a.rect.y1, pr.y1)};
    if (r.empty()) fail(Error::invalid_input("area mark on " + page_name(a.page) + " lies outside the page"));
    marks.push_back({a.page, MarkKind::area, {Quad::from_rect(r)}, {}, "manual", o.reason, o.author});
  }
  for (int p : o.withheld_pages) {
    if (p < 0 || p >= pages) {
      fail(Error::invalid_input("cannot withhold page " + std::to_string(p + 1) + ": the document has " +
                                std::to_string(pages) + " page(s)"));
    }
    marks.push_back({p, MarkKind::whole_page, {Quad::from_rect(page_rect(ctx, doc, p))}, {}, "manual", o.reason, o.author});
  }
  for (const Mark& m : o.extra_marks) {
    if (m.page < 0 || m.page >= pages) fail(Error::invalid_input("a mark names page " + std::to_string(m.page + 1) + " which does not exist"));
    marks.push_back(m);
  }
  return marks;
}

// clean: also rewrite the content streams of pages without marks (clean + sanitize). The marked
// pages' content has already been rewritten by MuPDF's redaction filter; rewriting every other
// page as well was a sixth of all the work on a 117-page document, so it is done only when the
// verifier found something in the file saved without it (then the save and check are repeated).
std::string save_full_rewrite(const mu::Context& ctx, pdf_document* doc, bool clean) {
  fz_context* c = ctx;
  fz_buffer* raw = ctx.call("allocating output", [&] { return fz_new_buffer(c, 1 << 16); });
  mu::Buffer buf(c, raw);
  ctx.call("writing the redacted PDF", [&] {
    pdf_write_options opts{};
    opts.do_incremental = 0;  // a full rewrite: earlier revisions are never carried over
    // Drop unreferenced objects (old content, old images) and renumber. Not level 3: its
    // de-duplication compares every pair of objects (a quarter of the CPU time of a 117-page
    // document) and removes nothing a reader could recover.
    opts.do_garbage = 2;
    opts.do_compress = 1;
    opts.do_compress_images = 1;  // pixel-redacted images come back uncompressed from MuPDF
    opts.do_compress_fonts = 1;
    opts.do_clean = clean ? 1 : 0;     // rewrite content streams ...
    opts.do_sanitize = clean ? 1 : 0;  // ... dropping unused resources and junk operators
    opts.do_encrypt = PDF_ENCRYPT_NONE;
    fz_output* out = fz_new_output_with_buffer(c, buf.get());
    fz_try(c) {
      pdf_write_document(c, doc, out, &opts);
      fz_close_output(c, out);
    }
    fz_always(c) { fz_drop_output(c, out); }
    fz_catch(c) { fz_rethrow(c); }
  }, ErrorKind::internal);
  return mu::buffer_bytes(ctx, buf);
}

void write_pending(AtomicFile& file, const std::string& bytes) {
  file.write(bytes).throw_if_error();
}

}  // namespace

Result<RedactResult> run_redact_job(const RedactOptions& o) {
  return guard([&]() -> RedactResult {
    const std::string name = o.input.filename().string();
    try {
      RedactResult result;
      result.log = new_redaction_log();
      result.log.input_name = sanitize_file_name(name);
      result.log.input_sha256 = sha256_file_hex(o.input).value();
      mu::Context ctx = mu::Context::create();
      mu::Document doc = mu::open_document(ctx, o.input, o.password);
      pdf_document* pdf = mu::as_pdf(ctx, doc);
      if (pdf == nullptr) fail(Error::unsupported("only PDF files can be redacted"));
      result.pages = mu::page_count(ctx, doc);
      if (result.pages <= 0) fail(Error::invalid_input("the document has no pages"));
      if (pdf_dict_get(ctx, pdf_trailer(ctx, pdf), PDF_NAME(Encrypt)) != nullptr) result.log.document_actions.emplace_back("removed encryption (output is not encrypted)");

      std::vector<Mark> marks = collect_marks(ctx, doc, result.pages, o, result.log);
      std::map<int, std::vector<const Mark*>> by_page;
      for (const Mark& m : marks) by_page[m.page].push_back(&m);
      result.pages_with_marks = static_cast<int>(by_page.size());

      detail::BoxStyle style{o.fill, o.label};
      for (const auto& [p, page_marks] : by_page) {
        for (std::string& note : detail::apply_page_marks(ctx, pdf, p, page_marks, style)) {
          result.log.page_notes.push_back({p, std::move(note)});
        }
      }
      std::vector<std::string> values;
      for (const Mark& m : marks) {
        if (!m.text.empty() && std::find(values.begin(), values.end(), m.text) == values.end()) values.push_back(m.text);
      }
      for (std::string& a : detail::scrub_document(ctx, pdf, values)) result.log.document_actions.push_back(std::move(a));

      AtomicFile out = AtomicFile::create(o.output).value();
      bool clean = false;
      std::string bytes = save_full_rewrite(ctx, pdf, clean);
      write_pending(out, bytes);

      VerifyInput vin{out.temp_path(), o.input, o.password, marks, o.fill, o.label, 96, o.document_threads};
      VerifyReport report = verify(vin).value();
      if (!report.passed() && report.pages_failing_pixels().empty()) {
        // Something other than pixels: save again with every page's content rewritten.
        clean = true;
        out.discard();
        out = AtomicFile::create(o.output).value();
        bytes = save_full_rewrite(ctx, pdf, clean);
        write_pending(out, bytes);
        vin.output = out.temp_path();
        report = verify(vin).value();
      }
      std::vector<int> raster = report.pages_failing_pixels();
      if (!report.passed() && o.allow_rasterise && !raster.empty()) {
        for (int p : raster) {
          detail::rasterise_page(ctx, pdf, p, by_page[p], style, o.raster_dpi);
          result.log.page_notes.push_back(
              {p, "rasterised: content MuPDF cannot remove (vector art, pattern, soft mask or Type3) lay under a mark"});
        }
        result.rasterised_pages = raster;
        out.discard();
        out = AtomicFile::create(o.output).value();
        bytes = save_full_rewrite(ctx, pdf, clean);
        write_pending(out, bytes);
        vin.output = out.temp_path();
        report = verify(vin).value();
      }
      result.verification = report;
      if (!report.passed()) {
        out.discard();
        fail(Error::corrupt("verification failed, nothing was written:\n" + report.summary()));
      }
      result.log.marks = marks;
      result.log.output_sha256 = sha256_hex(bytes);
      // The PDF first, then the records that describe it.
      out.commit().throw_if_error();
      if (o.log_path) write_file_atomic(*o.log_path, result.log.to_json().dump(2) + "\n").throw_if_error();
      if (o.schedule_path) write_file_atomic(*o.schedule_path, result.log.schedule_csv()).throw_if_error();
      return result;
    } catch (const Failure& f) {
      throw Failure(f.error().within(name));
    }
  });
}

}  // namespace redbox::redaction
