#include "common/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/ids.h"

namespace redbox {
namespace {

Error errno_error(std::string_view what, const fs::path& path) {
  int e = errno;
  ErrorKind kind = (e == ENOENT || e == ENOTDIR) ? ErrorKind::not_found : ErrorKind::io;
  std::string m(what);
  m += " ";
  m += path.string();
  m += ": ";
  m += std::strerror(e);
  return {kind, std::move(m)};
}

}  // namespace

AtomicFile::AtomicFile(fs::path destination, fs::path temp_path, int fd)
    : destination_(std::move(destination)), temp_path_(std::move(temp_path)), fd_(fd) {}

Result<AtomicFile> AtomicFile::create(const fs::path& destination) {
  fs::path dir = destination.parent_path();
  if (dir.empty()) dir = ".";
  fs::path temp = dir / ("." + destination.filename().string() + ".tmp-" + random_hex(6));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error("cannot create", temp);
  return AtomicFile(destination, temp, fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : destination_(std::move(other.destination_)),
      temp_path_(std::move(other.temp_path_)),
      fd_(std::exchange(other.fd_, -1)),
      bytes_written_(other.bytes_written_) {
  other.temp_path_.clear();
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    destination_ = std::move(other.destination_);
    temp_path_ = std::move(other.temp_path_);
    other.temp_path_.clear();
    fd_ = std::exchange(other.fd_, -1);
    bytes_written_ = other.bytes_written_;
  }
  return *this;
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

Status AtomicFile::write(const void* data, std::size_t size) {
  if (fd_ < 0) return Error::internal("write on a closed AtomicFile");
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOSPC || errno == EDQUOT) {
        return Error::io("disk full while writing " + destination_.string());
      }
      return errno_error("write failed for", destination_);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
    bytes_written_ += static_cast<std::uint64_t>(n);
  }
  return {};
}

Status AtomicFile::flush_and_close() {
  if (fd_ < 0) return Error::internal("commit on a closed AtomicFile");
  if (::fsync(fd_) != 0) return errno_error("fsync failed for", temp_path_);
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return errno_error("close failed for", temp_path_);
  return {};
}

Status AtomicFile::commit() {
  if (Status s = flush_and_close(); !s) return s;
  if (::rename(temp_path_.c_str(), destination_.c_str()) != 0) return errno_error("cannot rename into", destination_);
  temp_path_.clear();
  fs::path dir = destination_.parent_path();
  return fsync_directory(dir.empty() ? fs::path(".") : dir);
}

Status AtomicFile::commit_no_replace() {
  if (Status s = flush_and_close(); !s) return s;
  if (::link(temp_path_.c_str(), destination_.c_str()) != 0) {
    if (errno == EEXIST) {
      discard();
      return Error::conflict(destination_.string() + " already exists");
    }
    return errno_error("cannot link into", destination_);
  }
  ::unlink(temp_path_.c_str());
  temp_path_.clear();
  fs::path dir = destination_.parent_path();
  return fsync_directory(dir.empty() ? fs::path(".") : dir);
}

Status write_file_atomic(const fs::path& path, std::string_view bytes) {
  auto file = AtomicFile::create(path);
  if (!file) return file.error();
  if (Status s = file->write(bytes); !s) return s;
  return file->commit();
}

Result<std::string> read_file(const fs::path& path, std::uint64_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Error::not_found("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes) {
    return Error::too_large(path.string() + " is " + std::to_string(size) + " bytes, over the limit of " +
                            std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("cannot open " + path.string());
  std::string out(size, '\0');
  in.read(out.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) return Error::io("short read on " + path.string());
  return out;
}

Status fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open folder", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errno_error("fsync failed for folder", dir);
  return {};
}

Status ensure_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::io("cannot create folder " + dir.string() + ": " + ec.message());
  return {};
}

std::string sanitize_file_name(std::string_view name) {
  // Keep only the last component, whichever separator the client's OS used.
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  out.reserve(name.size());
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) continue;  // control characters, including NUL
    if (c == ':' || c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '*') {
      out += '_';
      continue;
    }
    out += static_cast<char>(c);
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  if (out.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    out.resize(cut);
  }
  if (out.empty()) out = "unnamed";
  return out;
}

Result<TempDir> TempDir::create(std::string_view prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string templ = (base / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) return errno_error("cannot create temporary folder", templ);
  return TempDir(fs::path(templ));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
}

}  // namespace redbox
