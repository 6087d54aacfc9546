#include "test_intake_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

#include "common/leptonica.h"
#include "common/mupdf.h"

extern char** environ;

namespace redbox::test::intake {
namespace {

std::string pdf_escape(const std::string& line) {
  std::string out;
  for (char c : line) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::vector<std::string> content_streams(const std::vector<std::string>& pages) {
  std::vector<std::string> out;
  for (const auto& page : pages) {
    std::string s = "BT /F1 12 Tf 16 TL 72 770 Td\n";
    std::size_t start = 0;
    while (start <= page.size()) {
      std::size_t end = page.find('\n', start);
      if (end == std::string::npos) end = page.size();
      s += "(" + pdf_escape(page.substr(start, end - start)) + ") Tj T*\n";
      start = end + 1;
    }
    s += "ET\n";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string text_pdf(const std::vector<std::string>& pages) {
  mu::Context ctx = mu::Context::create();
  const std::vector<std::string> contents = content_streams(pages);
  fz_buffer* out = ctx.call("making a text PDF", [&] {
    pdf_document* doc = pdf_create_document(ctx);
    fz_font* font = fz_new_base14_font(ctx, "Helvetica");
    pdf_obj* font_ref = pdf_add_simple_font(ctx, doc, font, PDF_SIMPLE_ENCODING_LATIN);
    for (const auto& c : contents) {
      pdf_obj* resources = pdf_new_dict(ctx, doc, 1);
      pdf_obj* fonts = pdf_dict_put_dict(ctx, resources, PDF_NAME(Font), 1);
      pdf_dict_puts(ctx, fonts, "F1", font_ref);
      fz_buffer* buf = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(c.data()), c.size());
      pdf_obj* page = pdf_add_page(ctx, doc, fz_make_rect(0, 0, 595, 842), 0, resources, buf);
      pdf_insert_page(ctx, doc, -1, page);
      pdf_drop_obj(ctx, page);
      fz_drop_buffer(ctx, buf);
      pdf_drop_obj(ctx, resources);
    }
    fz_buffer* bytes = fz_new_buffer(ctx, 4096);
    fz_output* o = fz_new_output_with_buffer(ctx, bytes);
    pdf_write_options opts = pdf_default_write_options;
    opts.do_compress = 1;
    pdf_write_document(ctx, doc, o, &opts);
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

namespace {

lept::Pixa scanned_pages(const std::vector<ScanPage>& pages, int dpi, unsigned seed) {
  std::vector<std::string> texts;
  for (const auto& p : pages) texts.push_back(p.text);
  const std::string born_digital = text_pdf(texts);
  mu::Context ctx = mu::Context::create();
  mu::Document doc = mu::open_document_from_memory(ctx, born_digital, "application/pdf");
  lept::Pixa pixa(pixaCreate(0));
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    mu::Page page = mu::load_page(ctx, doc, static_cast<int>(i));
    const float scale = static_cast<float>(dpi) / 72.0F;
    fz_pixmap* raw = ctx.call("render", [&] {
      return fz_new_pixmap_from_page(ctx, page.get(), fz_scale(scale, scale), fz_device_gray(ctx), 0);
    });
    mu::Pixmap pm(ctx, raw);
    const int w = pm->w;
    const int h = pm->h;
    lept::Pix gray(pixCreate(w, h, 8));
    l_uint32* data = pixGetData(gray.get());
    const int wpl = pixGetWpl(gray.get());
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int y = 0; y < h; ++y) {
      const unsigned char* src = pm->samples + static_cast<std::ptrdiff_t>(y) * pm->stride;
      l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
      for (int x = 0; x < w; ++x) {
        unsigned char v = src[x];
        if (pages[i].noise > 0 && u(rng) < pages[i].noise) v = 0;
        SET_DATA_BYTE(line, x, v);
      }
    }
    lept::Pix bilevel(pixConvertTo1(gray.get(), 160));
    pixSetResolution(bilevel.get(), dpi, dpi);
    pixaAddPix(pixa.get(), bilevel.release(), L_INSERT);
  }
  return pixa;
}

}  // namespace

std::string scanned_pdf(const std::vector<ScanPage>& pages, int dpi, unsigned seed) {
  lept::Pixa pixa = scanned_pages(pages, dpi, seed);
  l_uint8* bytes = nullptr;
  size_t size = 0;
  if (pixaConvertToPdfData(pixa.get(), dpi, 1.0F, L_G4_ENCODE, 0, "scan", &bytes, &size) != 0) {
    throw std::runtime_error("Leptonica could not write the scanned PDF");
  }
  std::string out(reinterpret_cast<const char*>(bytes), size);
  lept_free(bytes);
  return out;
}

void scanned_tiff(const std::filesystem::path& path, const std::vector<ScanPage>& pages, int dpi, unsigned seed) {
  lept::Pixa pixa = scanned_pages(pages, dpi, seed);
  for (int i = 0; i < pixaGetCount(pixa.get()); ++i) {
    lept::Pix pix(pixaGetPix(pixa.get(), i, L_CLONE));
    if (pixWriteTiff(path.c_str(), pix.get(), IFF_TIFF_G4, i == 0 ? "w" : "a") != 0) {
      throw std::runtime_error("cannot write " + path.string());
    }
  }
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

Child::Child(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& log_dir) {
  std::vector<std::string> argv_store = {program};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = (log_dir / "child.out").string();
  const std::string err = (log_dir / "child.err").string();
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
}

Child::~Child() {
  if (!reaped_ && pid_ > 0) kill_hard();
}

void Child::kill_hard() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  wait();
}

int Child::wait() {
  if (!reaped_) {
    while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return -WTERMSIG(status_);
  return -1000;
}

bool Child::running() {
  if (reaped_) return false;
  pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

}  // namespace redbox::test::intake
