// Tesseract's per-time-step OpenMP "parallel sections" run inline on the calling thread.
//
// Why: Debian's libtesseract is built with OpenMP, and LSTM::Forward opens a `parallel sections`
// region for every time step of every text line (about 250,000 per letter page). Redbox already
// keeps each Tesseract on one thread (limit_tesseract_threads), so libgomp runs each region with a
// team of one, yet still sets the team up and ends it with a futex wake system call. Measured on
// bench/ocr: 1.6 million futex calls for 8 pages, a tenth of all CPU time as system time, and
// 17% more wall time than running the sections inline. Tesseract built without OpenMP runs them
// inline too; this gives the Debian build the same behaviour without rebuilding it.
//
// How: this module defines GOMP_parallel_sections, GOMP_sections_next and
// GOMP_sections_end_nowait (libgomp's entry points for `parallel sections`). The executable's
// definitions take precedence over libgomp's for libtesseract, so a region's sections 1..count
// are handed out in order to the calling thread and nothing else happens. Section calls from a
// region not started here (none in Redbox; a real libgomp team) go to libgomp unchanged.
// REDBOX_LIBGOMP_SECTIONS=1 in the environment sends every region to libgomp instead (for
// comparison), as does set_inline_sections(false).
#pragma once

namespace redbox::ocr::detail {

// Whether `parallel sections` regions run inline (true unless REDBOX_LIBGOMP_SECTIONS is set).
bool inline_sections();
// For tests and benchmarks that compare the two.
void set_inline_sections(bool on);

}  // namespace redbox::ocr::detail
