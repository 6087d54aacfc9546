// Generated inputs for the intake tests: born-digital PDFs with known text, and "scanned"
// image-only PDFs (text rendered to pixels, speckle noise, bilevel G4 like a office scanner),
// including stacks with blank separator sheets. Plus a child process the test can SIGKILL.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace redbox::test::intake {

// A born-digital PDF (A4, Helvetica 12 pt), one entry per page, lines separated by '\n'.
std::string text_pdf(const std::vector<std::string>& pages);

struct ScanPage {
  std::string text;    // empty: a blank separator sheet
  double noise = 0.0;  // fraction of pixels flipped to black at random (scanner speckle)
};
// An image-only PDF: each page's text rendered at dpi, noise added, thresholded to 1 bpp and
// stored G4-compressed (Leptonica), as a scanner's PDF would be.
std::string scanned_pdf(const std::vector<ScanPage>& pages, int dpi = 150, unsigned seed = 1);
// The same pages as a multi-page G4 TIFF written to path.
void scanned_tiff(const std::filesystem::path& path, const std::vector<ScanPage>& pages, int dpi = 150,
                  unsigned seed = 1);

void write_bytes(const std::filesystem::path& path, const std::string& bytes);

// A child process started with posix_spawn (stdout/stderr to files), to be killed mid-work.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& log_dir);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  void kill_hard();          // SIGKILL and reap
  int wait();                // exit code, or -signal
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace redbox::test::intake
