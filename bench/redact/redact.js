// mutool run redact.js IN.pdf OUT.pdf TERM... : what a user would otherwise do with MuPDF alone:
// search each term on every page, create Redact annotations, apply them, save garbage-collected.
var input = scriptArgs[0];
var output = scriptArgs[1];
var terms = scriptArgs.slice(2);
var doc = new PDFDocument(input);
var n = doc.countPages();
for (var i = 0; i < n; ++i) {
  var page = doc.loadPage(i);
  var any = false;
  for (var t = 0; t < terms.length; ++t) {
    var hits = page.search(terms[t]);
    for (var h = 0; h < hits.length; ++h) {
      var annot = page.createAnnotation("Redact");
      annot.setQuadPoints(hits[h]);
      any = true;
    }
  }
  if (any) page.applyRedactions(true, 2);  // black boxes, image pixels
}
doc.save(output, "garbage=3,compress");
