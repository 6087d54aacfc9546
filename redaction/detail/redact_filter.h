// Applying a page's Redact annotations: what MuPDF 1.21's pdf_redact_page does with black boxes
// off and PDF_REDACT_IMAGE_PIXELS (glyphs whose box touches a quad are removed; image pixels under
// a quad are blanked and an image wholly inside one quad is dropped; Form XObjects are instanced
// and filtered; links under a quad are removed; the Redact annotations are deleted), through the
// public pdf_filter_page_contents with our own callbacks.
//
// Why not pdf_redact_page itself: MuPDF 1.21's content filter never drops the reference its image
// callback returns for an image it leaves unchanged, and pdf_redact_page's callback always returns
// a new reference, so every image on a redacted page that is not under a mark leaked (its
// compressed data too; seen under LeakSanitizer and confirmed in the library's code). Our
// callback returns such an image without a new reference, which is what the filter expects.
//
// Raw MuPDF: call inside mu::Context::call (it throws MuPDF errors). Returns the number of quads
// applied (0 when the page has no Redact annotation; nothing is changed then).
#pragma once

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

namespace redbox::redaction::detail {

int apply_redact_annotations(fz_context* ctx, pdf_document* doc, pdf_page* page);

}  // namespace redbox::redaction::detail
