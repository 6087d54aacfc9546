#include "redaction/detail/scrub_document.h"

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <set>

namespace redbox::redaction::detail {
namespace {

bool contains_folded(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return false;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

bool quotes_value(fz_context* c, pdf_obj* str, const std::vector<std::string>& values) {
  if (!pdf_is_string(c, str)) return false;
  const char* text = pdf_to_text_string(c, str);  // UTF-8, owned by the object
  std::string_view raw(pdf_to_str_buf(c, str), pdf_to_str_len(c, str));
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& v) { return contains_folded(text, v) || contains_folded(raw, v); });
}

// Annotation kinds kept outside marks: links (navigation) and form widgets. Everything else is a
// comment, markup, attachment or media and goes.
bool keep_annotation(fz_context* c, pdf_obj* annot) {
  pdf_obj* st = pdf_dict_get(c, annot, PDF_NAME(Subtype));
  return pdf_name_eq(c, st, PDF_NAME(Link)) || pdf_name_eq(c, st, PDF_NAME(Widget));
}

bool is_javascript_action(fz_context* c, pdf_obj* action) {
  return pdf_name_eq(c, pdf_dict_get(c, action, PDF_NAME(S)), PDF_NAME(JavaScript));
}

struct Counts {
  int annots = 0, actions = 0, titles = 0, fields = 0, signatures = 0, thumbs = 0, field_names = 0;
};

void scrub_fields(fz_context* c, pdf_obj* fields, const std::vector<std::string>& values, Counts& n, int depth,
                  std::set<int>& seen) {
  if (!pdf_is_array(c, fields) || depth > 32) return;
  for (int i = 0; i < pdf_array_len(c, fields); ++i) {
    pdf_obj* f = pdf_array_get(c, fields, i);
    if (pdf_is_indirect(c, f) && !seen.insert(pdf_to_num(c, f)).second) continue;
    pdf_obj* ft = pdf_dict_get_inheritable(c, f, PDF_NAME(FT));
    if (pdf_name_eq(c, ft, PDF_NAME(Sig)) && pdf_dict_get(c, f, PDF_NAME(V)) != nullptr) {
      pdf_dict_del(c, f, PDF_NAME(V));
      pdf_dict_del(c, f, PDF_NAME(Lock));
      ++n.signatures;
    }
    pdf_obj* v = pdf_dict_get(c, f, PDF_NAME(V));
    if (quotes_value(c, v, values) || quotes_value(c, pdf_dict_get(c, f, PDF_NAME(DV)), values)) {
      pdf_dict_del(c, f, PDF_NAME(V));
      pdf_dict_del(c, f, PDF_NAME(DV));
      pdf_dict_del(c, f, PDF_NAME(AP));
      ++n.fields;
    }
    if (pdf_dict_get(c, f, PDF_NAME(AA)) != nullptr) {
      pdf_dict_del(c, f, PDF_NAME(AA));
      ++n.actions;
    }
    // A field's name, tooltip, export name or choice options may quote a redacted value too
    // (a form with a field called after a person). Renamed fields get neutral names.
    bool renamed = false;
    if (quotes_value(c, pdf_dict_get(c, f, PDF_NAME(T)), values)) {
      // A short neutral name that itself quotes no value ("F1", "F2"...). No C++ objects with
      // destructors here: this runs under fz_try.
      char name[32];
      for (int k = n.field_names + 1; k < n.field_names + 100000; ++k) {
        std::snprintf(name, sizeof name, "F%d", k);
        if (std::none_of(values.begin(), values.end(), [&](const std::string& v) { return contains_folded(name, v); })) break;
      }
      pdf_dict_put_text_string(c, f, PDF_NAME(T), name);
      renamed = true;
    }
    if (quotes_value(c, pdf_dict_get(c, f, PDF_NAME(TU)), values)) {
      pdf_dict_del(c, f, PDF_NAME(TU));
      renamed = true;
    }
    if (quotes_value(c, pdf_dict_gets(c, f, "TM"), values)) {  // no PDF_NAME(TM) in MuPDF 1.21
      pdf_dict_dels(c, f, "TM");
      renamed = true;
    }
    pdf_obj* opt = pdf_dict_get(c, f, PDF_NAME(Opt));
    for (int k = 0; pdf_is_array(c, opt) && k < pdf_array_len(c, opt); ++k) {
      pdf_obj* o = pdf_array_get(c, opt, k);
      for (int part = 0; pdf_is_array(c, o) && part < pdf_array_len(c, o); ++part) {
        if (quotes_value(c, pdf_array_get(c, o, part), values)) {
          pdf_array_put_drop(c, o, part, pdf_new_text_string(c, "[redacted]"));
          renamed = true;
        }
      }
      if (quotes_value(c, o, values)) {
        pdf_array_put_drop(c, opt, k, pdf_new_text_string(c, "[redacted]"));
        renamed = true;
      }
    }
    n.field_names += renamed ? 1 : 0;
    scrub_fields(c, pdf_dict_get(c, f, PDF_NAME(Kids)), values, n, depth + 1, seen);
  }
}

void scrub_outline(fz_context* c, pdf_obj* item, const std::vector<std::string>& values, Counts& n, int depth,
                   std::set<int>& seen) {
  for (int guard = 0; item != nullptr && guard < 100000 && depth < 64; ++guard) {
    if (!seen.insert(pdf_to_num(c, item)).second) return;
    if (quotes_value(c, pdf_dict_get(c, item, PDF_NAME(Title)), values)) {
      pdf_dict_put_text_string(c, item, PDF_NAME(Title), "[redacted]");
      ++n.titles;
    }
    if (is_javascript_action(c, pdf_dict_get(c, item, PDF_NAME(A)))) {
      pdf_dict_del(c, item, PDF_NAME(A));
      ++n.actions;
    }
    scrub_outline(c, pdf_dict_get(c, item, PDF_NAME(First)), values, n, depth + 1, seen);
    item = pdf_dict_get(c, item, PDF_NAME(Next));
  }
}

}  // namespace

std::vector<std::string> scrub_document(const mu::Context& ctx, pdf_document* doc,
                                        const std::vector<std::string>& values) {
  std::vector<std::string> log;
  fz_context* c = ctx;
  pdf_obj* trailer = pdf_trailer(c, doc);
  pdf_obj* root = pdf_dict_get(c, trailer, PDF_NAME(Root));
  auto drop_key = [&](pdf_obj* dict, const char* key, const char* what) {
    bool had = ctx.call("scrubbing document", [&] {
      if (pdf_dict_gets(c, dict, key) == nullptr) return false;
      pdf_dict_dels(c, dict, key);
      return true;
    });
    if (had) log.emplace_back(what);
  };
  // Empty the Info dictionary itself as well: MuPDF 1.21's writer may re-attach the original
  // /Info reference for files with cross-reference streams.
  ctx.call("scrubbing document", [&] {
    pdf_obj* info = pdf_dict_get(c, trailer, PDF_NAME(Info));
    // A broken file may point /Info at another object (seen: the page tree); leave those alone.
    if (pdf_dict_get(c, info, PDF_NAME(Type)) != nullptr || pdf_dict_get(c, info, PDF_NAME(Kids)) != nullptr) return;
    while (pdf_is_dict(c, info) && pdf_dict_len(c, info) > 0) pdf_dict_del(c, info, pdf_dict_get_key(c, info, 0));
  });
  drop_key(trailer, "Info", "removed document information (/Info)");
  // With cross-reference streams the trailer keys also live in the XRef stream objects, which
  // MuPDF's writer may copy from: strip /Info there too.
  int xref_len = ctx.call("scrubbing document", [&] { return pdf_xref_len(c, doc); });
  for (int num = 1; num < xref_len; ++num) {
    ctx.call("scrubbing document", [&] {
      if (!pdf_obj_num_is_stream(c, doc, num)) return;
      pdf_obj* obj = pdf_load_object(c, doc, num);
      if (pdf_name_eq(c, pdf_dict_get(c, obj, PDF_NAME(Type)), PDF_NAME(XRef))) pdf_dict_del(c, obj, PDF_NAME(Info));
      pdf_drop_obj(c, obj);
    });
  }
  drop_key(root, "Metadata", "removed XMP metadata");
  drop_key(root, "AA", "removed document actions (/AA)");
  drop_key(root, "PieceInfo", "removed application data (/PieceInfo)");
  drop_key(root, "Perms", "removed signature permissions (/Perms)");
  drop_key(root, "StructTreeRoot", "removed the structure tree (tags may quote redacted text)");
  drop_key(root, "SpiderInfo", "removed web capture information");
  pdf_obj* names = pdf_dict_get(c, root, PDF_NAME(Names));
  drop_key(names, "JavaScript", "removed document JavaScript");
  drop_key(names, "EmbeddedFiles", "removed embedded files (attachments)");
  pdf_obj* open_action = pdf_dict_gets(c, root, "OpenAction");
  if (pdf_is_dict(c, open_action) && !pdf_name_eq(c, pdf_dict_get(c, open_action, PDF_NAME(S)), PDF_NAME(GoTo))) {
    drop_key(root, "OpenAction", "removed the open action");
  }
  pdf_obj* acroform = pdf_dict_get(c, root, PDF_NAME(AcroForm));
  drop_key(acroform, "XFA", "removed XFA form data");

  Counts n;
  int pages = ctx.call("counting pages", [&] { return pdf_count_pages(c, doc); });
  for (int p = 0; p < pages; ++p) {
    ctx.call("scrubbing page " + std::to_string(p + 1), [&] {
      pdf_obj* page = pdf_lookup_page_obj(c, doc, p);
      if (pdf_dict_get(c, page, PDF_NAME(AA))) {
        pdf_dict_del(c, page, PDF_NAME(AA));
        ++n.actions;
      }
      if (pdf_dict_gets(c, page, "Thumb")) {
        pdf_dict_dels(c, page, "Thumb");
        ++n.thumbs;
      }
      pdf_dict_dels(c, page, "PieceInfo");
      pdf_obj* annots = pdf_dict_get(c, page, PDF_NAME(Annots));
      if (!pdf_is_array(c, annots)) return;
      for (int i = pdf_array_len(c, annots) - 1; i >= 0; --i) {
        pdf_obj* a = pdf_array_get(c, annots, i);
        if (!keep_annotation(c, a)) {
          pdf_array_delete(c, annots, i);
          ++n.annots;
          continue;
        }
        if (is_javascript_action(c, pdf_dict_get(c, a, PDF_NAME(A)))) {
          pdf_dict_del(c, a, PDF_NAME(A));
          ++n.actions;
        }
        if (pdf_dict_get(c, a, PDF_NAME(AA))) {
          pdf_dict_del(c, a, PDF_NAME(AA));
          ++n.actions;
        }
        if (quotes_value(c, pdf_dict_get(c, a, PDF_NAME(Contents)), values)) pdf_dict_del(c, a, PDF_NAME(Contents));
      }
    });
  }
  std::set<int> seen_fields;
  ctx.call("scrubbing form fields",
           [&] { scrub_fields(c, pdf_dict_get(c, acroform, PDF_NAME(Fields)), values, n, 0, seen_fields); });
  std::set<int> seen_outline;
  ctx.call("scrubbing the outline", [&] {
    pdf_obj* outlines = pdf_dict_get(c, root, PDF_NAME(Outlines));
    scrub_outline(c, pdf_dict_get(c, outlines, PDF_NAME(First)), values, n, 0, seen_outline);
  });
  if (n.annots) log.push_back("removed " + std::to_string(n.annots) + " comment, markup or attachment annotation(s)");
  if (n.actions) log.push_back("removed " + std::to_string(n.actions) + " script or automatic action(s)");
  if (n.thumbs) log.push_back("removed " + std::to_string(n.thumbs) + " page thumbnail(s)");
  if (n.titles) log.push_back("replaced " + std::to_string(n.titles) + " outline title(s) quoting redacted text");
  if (n.fields) log.push_back("cleared " + std::to_string(n.fields) + " form field value(s) quoting redacted text");
  if (n.field_names) {
    log.push_back("renamed " + std::to_string(n.field_names) +
                  " form field(s) whose name, tooltip or options quoted redacted text");
  }
  if (n.signatures) {
    log.push_back("removed " + std::to_string(n.signatures) +
                  " digital signature(s): redaction changes the signed content, so the signature would be invalid");
  }
  return log;
}

}  // namespace redbox::redaction::detail
