#include "pipeline/detail/bundle_sources.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "common/files.h"
#include "common/media_type.h"
#include "common/sha256.h"

namespace redbox::pipeline::detail {
namespace {

// Images over this many pixels are refused before decoding (a 600 dpi A3 scan is ~70 MP).
constexpr std::int64_t kMaxImagePixels = 200'000'000;

std::string read_head(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(8192, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

std::string date_from_epoch(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 16> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%d", &tm);
  return buf.data();
}

// "D:20200131..." -> "2020-01-31"; empty if not a PDF date.
std::string date_from_pdf(std::string_view raw) {
  if (raw.starts_with("D:")) raw.remove_prefix(2);
  if (raw.size() < 8) return {};
  for (std::size_t i = 0; i < 8; ++i)
    if (raw[i] < '0' || raw[i] > '9') return {};
  return std::string(raw.substr(0, 4)) + "-" + std::string(raw.substr(4, 2)) + "-" + std::string(raw.substr(6, 2));
}

std::string metadata(const mu::Context& ctx, const mu::Document& doc, const char* key) {
  std::array<char, 512> buf{};
  char* out = buf.data();
  const int size = static_cast<int>(buf.size());
  int n = ctx.call("reading metadata", [&] { return fz_lookup_metadata(ctx, doc.get(), key, out, size); });
  if (n <= 0) return {};
  return std::string(buf.data());
}

// A page per image frame: a fresh in-memory PDF whose pages show the image at its resolution.
void add_image_page(fz_context* ctx, pdf_document* pdf, fz_image* image) {
  float xres = image->xres > 1 ? static_cast<float>(image->xres) : 72.0f;
  float yres = image->yres > 1 ? static_cast<float>(image->yres) : 72.0f;
  float w = static_cast<float>(image->w) * 72.0f / xres;
  float h = static_cast<float>(image->h) * 72.0f / yres;
  pdf_obj* resources = nullptr;
  pdf_obj* page = nullptr;
  fz_buffer* contents = nullptr;
  fz_var(resources);
  fz_var(page);
  fz_var(contents);
  fz_try(ctx) {
    pdf_obj* ref = pdf_add_image(ctx, pdf, image);
    resources = pdf_new_dict(ctx, pdf, 1);
    pdf_obj* xobjects = pdf_dict_put_dict(ctx, resources, PDF_NAME(XObject), 1);
    pdf_dict_puts(ctx, xobjects, "Im0", ref);
    pdf_drop_obj(ctx, ref);
    contents = fz_new_buffer(ctx, 64);
    fz_append_printf(ctx, contents, "q %g 0 0 %g 0 0 cm /Im0 Do Q\n", w, h);
    page = pdf_add_page(ctx, pdf, fz_make_rect(0, 0, w, h), 0, resources, contents);
    pdf_insert_page(ctx, pdf, -1, page);
  }
  fz_always(ctx) {
    pdf_drop_obj(ctx, page);
    pdf_drop_obj(ctx, resources);
    fz_drop_buffer(ctx, contents);
  }
  fz_catch(ctx) { fz_rethrow(ctx); }
}

void check_pixels(const std::string& name, int w, int h) {
  if (w <= 0 || h <= 0) fail(Error::invalid_input(name + ": image has no pixels"));
  if (static_cast<std::int64_t>(w) * h > kMaxImagePixels)
    fail(Error::too_large(name + ": image of " + std::to_string(w) + "x" + std::to_string(h) +
                          " pixels is over the limit of " + std::to_string(kMaxImagePixels) + " pixels"));
}

mu::PdfDocument image_to_pdf(const mu::Context& ctx, const SourceInfo& info) {
  const std::string p = info.path.string();
  const std::string& name = info.display_name;
  mu::Buffer data(ctx, ctx.call(name + ": cannot read image", [&] { return fz_read_file(ctx, p.c_str()); }, ErrorKind::io));
  mu::PdfDocument pdf(ctx, ctx.call("creating PDF", [&] { return pdf_create_document(ctx); }, ErrorKind::internal));
  const unsigned char* bytes = data->data;
  const std::size_t len = data->len;
  const bool tiff = sniff_media_type(std::string_view(reinterpret_cast<const char*>(bytes), std::min<std::size_t>(len, 16))) == "image/tiff";
  int frames = tiff ? ctx.call(name + ": cannot read TIFF", [&] { return fz_load_tiff_subimage_count(ctx, bytes, len); }) : 1;
  if (frames < 1) fail(Error::invalid_input(name + ": TIFF has no images"));
  for (int i = 0; i < frames; ++i) {
    mu::Image image;
    if (tiff && frames > 1) {
      // MuPDF 1.21 has no per-frame header query; its decoder refuses absurd sizes itself.
      mu::Pixmap pix(ctx, ctx.call(name + ": cannot decode TIFF frame", [&] { return fz_load_tiff_subimage(ctx, bytes, len, i); }));
      check_pixels(name, pix->w, pix->h);
      image = mu::Image(ctx, ctx.call("converting image", [&] { return fz_new_image_from_pixmap(ctx, pix.get(), nullptr); }));
    } else {
      fz_buffer* buf = data.get();
      image = mu::Image(ctx, ctx.call(name + ": not a readable image", [&] { return fz_new_image_from_buffer(ctx, buf); }));
      check_pixels(name, image->w, image->h);
    }
    fz_image* img = image.get();
    pdf_document* dst = pdf.get();
    ctx.call(name + ": cannot convert image to a PDF page", [&] { add_image_page(ctx, dst, img); });
  }
  return pdf;
}

}  // namespace

std::string clean_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    out.resize(cut);
  }
  return out.empty() ? "(untitled)" : out;
}

SourceInfo inspect_source(const mu::Context& ctx, const BundleDocument& doc) {
  SourceInfo info;
  info.path = doc.path;
  info.display_name = doc.display_name.empty() ? sanitize_file_name(doc.path.filename().string())
                                               : clean_text(doc.display_name);
  const std::string& name = info.display_name;
  struct stat st {};
  if (::stat(doc.path.c_str(), &st) != 0) fail(Error::not_found(doc.path.string() + ": no such file"));
  if (!S_ISREG(st.st_mode)) fail(Error::invalid_input(doc.path.string() + ": not a regular file"));
  if (st.st_size == 0) fail(Error::invalid_input(name + ": file is empty"));
  info.mtime = st.st_mtime;
  info.bytes = static_cast<std::uint64_t>(st.st_size);

  const std::string type = sniff_media_type(read_head(doc.path));
  if (type != "application/pdf" && !(type.starts_with("image/") && is_page_media_type(type)))
    fail(Error::invalid_input(name + ": not a PDF or an image (" + type + ")"));
  info.is_image = type != "application/pdf";

  auto hash = sha256_file_hex(doc.path);
  if (!hash) fail(hash.error().within(name));
  info.sha256 = *hash;
  if (!doc.expected_sha256.empty() && doc.expected_sha256 != info.sha256)
    fail(Error::corrupt(name + ": stored bytes do not match their SHA-256 " + doc.expected_sha256));

  std::string pdf_title, pdf_date;
  if (info.is_image) {
    mu::PdfDocument pdf = image_to_pdf(ctx, info);
    pdf_document* p = pdf.get();
    info.pages = ctx.call(name + ": cannot count pages", [&] { return pdf_count_pages(ctx, p); });
  } else {
    mu::Document d = mu::open_document(ctx, doc.path);  // unsupported if it needs a password
    pdf_document* pdf = mu::as_pdf(ctx, d);
    if (pdf == nullptr) fail(Error::invalid_input(name + ": not a PDF"));
    info.pages = ctx.call(name + ": cannot count pages (corrupt PDF)", [&] { return pdf_count_pages(ctx, pdf); });
    pdf_title = metadata(ctx, d, FZ_META_INFO_TITLE);
    pdf_date = date_from_pdf(metadata(ctx, d, "info:CreationDate"));
  }
  if (info.pages <= 0) fail(Error::invalid_input(name + ": document has no pages"));

  info.title = !doc.title.empty()      ? doc.title
               : !pdf_title.empty()    ? pdf_title
                                       : doc.path.stem().string();
  info.title = clean_text(info.title);
  info.date = !doc.date.empty() ? doc.date : !pdf_date.empty() ? pdf_date : date_from_epoch(info.mtime);
  return info;
}

namespace {

constexpr std::uint64_t kReadWholeBytes = 16u << 20;

// The file read into memory and opened from there (see open_source_pdf).
mu::Document open_from_memory(const mu::Context& ctx, const SourceInfo& info) {
  mu::Buffer data = read_whole_file(ctx, info.path);
  fz_buffer* buf = data.get();
  mu::Stream stream(ctx, ctx.call("opening stream", [&] { return fz_open_buffer(ctx, buf); }, ErrorKind::internal));
  fz_stream* stm = stream.get();
  mu::Document d(ctx, ctx.call(info.display_name + ": cannot open", [&] {
    return fz_open_document_with_stream(ctx, "application/pdf", stm);
  }));
  fz_document* doc = d.get();
  // inspect_source accepted it, so it needs no password or opens with the empty one.
  const bool locked = ctx.call("checking password", [&] {
    return fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, "");
  });
  if (locked) fail(Error::unsupported(info.display_name + ": the PDF is encrypted"));
  return d;
}

}  // namespace

mu::Buffer read_whole_file(const mu::Context& ctx, const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(Error::io(path.string() + ": cannot open: " + std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail(Error::io(path.string() + ": cannot stat: " + std::strerror(errno)));
  const auto size = static_cast<std::size_t>(st.st_size);
  mu::Buffer buffer(ctx, ctx.call("allocating a buffer for " + path.filename().string(),
                                  [&] { return fz_new_buffer(ctx, std::max<std::size_t>(size, 1)); }, ErrorKind::too_large));
  unsigned char* data = buffer->data;
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(Error::io(path.string() + ": cannot read: " + std::strerror(errno)));
    if (n == 0) fail(Error::io(path.string() + ": the file shrank while it was read"));
    done += static_cast<std::size_t>(n);
  }
  buffer->len = done;
  return buffer;
}

mu::PdfDocument open_source_pdf(const mu::Context& ctx, const SourceInfo& info) {
  if (info.is_image) return image_to_pdf(ctx, info);
  mu::Document d = info.bytes <= kReadWholeBytes ? open_from_memory(ctx, info) : mu::open_document(ctx, info.path);
  pdf_document* pdf = mu::as_pdf(ctx, d);
  if (pdf == nullptr) fail(Error::invalid_input(info.display_name + ": not a PDF"));
  // Keep the PDF view alive past the fz_document handle: take our own reference.
  pdf_document* kept = ctx.call("opening PDF", [&] { return pdf_keep_document(ctx, pdf); });
  return mu::PdfDocument(ctx, kept);
}

// MuPDF 1.21's pdf_load_page_tree (a cached page map, so that page lookups are a table lookup)
// leaked the page objects it read (LeakSanitizer, with or without pdf_drop_page_tree), so pages
// are looked up through the tree: a little slower on very long sources.
OpenSource::OpenSource(const mu::Context& ctx, const SourceInfo& info) : ctx_(ctx), doc_(open_source_pdf(ctx, info)) {}

OpenSource::~OpenSource() = default;

}  // namespace redbox::pipeline::detail
