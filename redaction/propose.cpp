#include "redaction/propose.h"

#include <iterator>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>

#include "redaction/page_text.h"

namespace redbox::redaction {
namespace {

std::string page_name(int p) { return "page " + std::to_string(p + 1); }

// True when a font can draw text that extraction cannot turn into Unicode: no /ToUnicode and
// either a Type3 font, a TrueType font without an encoding, or an Identity-encoded CID font.
bool font_lacks_unicode(fz_context* c, pdf_obj* font) {
  if (pdf_dict_get(c, font, PDF_NAME(ToUnicode)) != nullptr) return false;
  pdf_obj* subtype = pdf_dict_get(c, font, PDF_NAME(Subtype));
  if (pdf_name_eq(c, subtype, PDF_NAME(Type3))) return true;
  if (pdf_name_eq(c, subtype, PDF_NAME(Type0))) {
    // Identity-encoded CID fonts map glyph ids, not characters, unless the CIDs are a known
    // character collection.
    pdf_obj* descendant = pdf_array_get(c, pdf_dict_get(c, font, PDF_NAME(DescendantFonts)), 0);
    pdf_obj* ordering = pdf_dict_get(c, pdf_dict_get(c, descendant, PDF_NAME(CIDSystemInfo)), PDF_NAME(Ordering));
    const char* o = pdf_to_str_buf(c, ordering);
    return o == nullptr || std::string_view(o) == "Identity";
  }
  // Type1 fonts without an encoding use their built-in glyph names, which MuPDF maps.
  return pdf_name_eq(c, subtype, PDF_NAME(TrueType)) && pdf_dict_get(c, font, PDF_NAME(Encoding)) == nullptr;
}

// Counts fonts without Unicode mapping in a resources dictionary and the forms it uses.
int count_unmapped_fonts(fz_context* c, pdf_obj* res, int depth) {
  if (res == nullptr || depth > 8) return 0;
  int n = 0;
  pdf_obj* fonts = pdf_dict_get(c, res, PDF_NAME(Font));
  for (int i = 0; i < pdf_dict_len(c, fonts); ++i) n += font_lacks_unicode(c, pdf_dict_get_val(c, fonts, i)) ? 1 : 0;
  pdf_obj* xobjs = pdf_dict_get(c, res, PDF_NAME(XObject));
  for (int i = 0; i < pdf_dict_len(c, xobjs); ++i) {
    pdf_obj* x = pdf_dict_get_val(c, xobjs, i);
    if (pdf_name_eq(c, pdf_dict_get(c, x, PDF_NAME(Subtype)), PDF_NAME(Form))) {
      n += count_unmapped_fonts(c, pdf_dict_get(c, x, PDF_NAME(Resources)), depth + 1);
    }
  }
  return n;
}

}  // namespace

namespace detail {

std::vector<Mark> find_text_marks(const mu::Context& ctx, const mu::Document& doc, int first, int last,
                                  const std::vector<std::shared_ptr<const TextHitSource>>& finders,
                                  const std::string& reason, const std::string& author, std::vector<PageNote>& notes) {
  std::vector<Mark> marks;
  if (finders.empty()) return marks;
  pdf_document* pdf = mu::as_pdf(ctx, doc);
  if (pdf == nullptr) fail(Error::unsupported("only PDF files can be searched for redaction"));
  for (int p = first; p < last; ++p) {
    mu::Page page = mu::load_page(ctx, doc, p);
    PageText text = PageText::extract(ctx, page.get());
    int unmapped_fonts = ctx.call("checking fonts of " + page_name(p), [&] {
      pdf_obj* page_obj = pdf_lookup_page_obj(ctx, pdf, p);
      return count_unmapped_fonts(ctx, pdf_dict_get_inheritable(ctx, page_obj, PDF_NAME(Resources)), 0);
    });
    if (unmapped_fonts > 0 && text.searchability() == Searchability::searchable) {
      notes.push_back({p, "partly searchable: " + std::to_string(unmapped_fonts) +
                              " font(s) without Unicode mapping; their text cannot be found by search; "
                              "use area marks, page withholding or OCR"});
    } else if (text.searchability() == Searchability::not_searchable || text.searchability() == Searchability::partly) {
      notes.push_back({p, std::string(to_string(text.searchability())) +
                              ": text drawn as curves or without Unicode mapping cannot be found by "
                              "search; use area marks, page withholding or OCR"});
    }
    for (const auto& finder : finders) {
      std::vector<Mark> found = text.marks_for(p, finder->find(text.text()), reason, author);
      for (Mark& m : found) marks.push_back(std::move(m));
    }
  }
  return marks;
}

std::vector<Mark> find_text_marks_two_threads(const mu::Context& ctx, const mu::Document& doc,
                                              const std::filesystem::path& input,
                                              const std::optional<std::string>& password, int pages,
                                              const std::vector<std::shared_ptr<const TextHitSource>>& finders,
                                              const std::string& reason, const std::string& author,
                                              std::vector<PageNote>& notes) {
  constexpr int kMinPagesForTwoThreads = 8;
  if (finders.empty() || pages < kMinPagesForTwoThreads) return find_text_marks(ctx, doc, 0, pages, finders, reason, author, notes);
  const int half = pages / 2;
  std::vector<Mark> second_marks;
  std::vector<PageNote> second_notes;
  Status second = Error::internal("text search of the second half did not run");
  auto second_half = [&] {
    second = guard([&] {
      mu::Context c2 = mu::Context::create();
      mu::Document d2 = mu::open_document(c2, input, password);
      second_marks = find_text_marks(c2, d2, half, pages, finders, reason, author, second_notes);
    });
  };
  std::optional<std::thread> worker;
  try {
    worker.emplace(second_half);
  } catch (const std::system_error&) {
    // No second thread to be had: this thread does all pages.
  }
  std::vector<Mark> marks;
  Status first = guard([&] { marks = find_text_marks(ctx, doc, 0, worker ? half : pages, finders, reason, author, notes); });
  if (worker) worker->join();
  first.throw_if_error();
  if (worker) {
    second.throw_if_error();
    marks.insert(marks.end(), std::make_move_iterator(second_marks.begin()), std::make_move_iterator(second_marks.end()));
    notes.insert(notes.end(), second_notes.begin(), second_notes.end());
  }
  return marks;
}

}  // namespace detail

Result<Proposal> propose_marks(const ProposeOptions& o) {
  return guard([&]() -> Proposal {
    const std::string name = o.input.filename().string();
    try {
      mu::Context ctx = mu::Context::create();
      mu::Document doc = mu::open_document(ctx, o.input, o.password);
      if (mu::as_pdf(ctx, doc) == nullptr) fail(Error::unsupported("only PDF files can be searched for redaction"));
      Proposal proposal;
      proposal.pages = mu::page_count(ctx, doc);
      if (proposal.pages <= 0) fail(Error::invalid_input("the document has no pages"));
      proposal.marks = detail::find_text_marks_two_threads(ctx, doc, o.input, o.password, proposal.pages, o.finders,
                                                           o.reason, o.author, proposal.page_notes);
      return proposal;
    } catch (const Failure& f) {
      throw Failure(f.error().within(name));
    }
  });
}

}  // namespace redbox::redaction
