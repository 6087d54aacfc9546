// The BlobStore conveniences, built only on the virtual interface so every backend gets them.
#include "storage/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/files.h"

namespace redbox::storage {

Result<std::vector<BlobRef>> BlobStore::commit_all(std::vector<std::unique_ptr<BlobWriter>>& writers) {
  std::vector<BlobRef> refs;
  refs.reserve(writers.size());
  for (auto& w : writers) {
    auto ref = w->commit();
    if (!ref) return ref.error();
    refs.push_back(std::move(*ref));
  }
  return refs;
}

Result<BlobRef> BlobStore::put(std::string_view bytes) {
  auto writer = create_writer();
  if (!writer) return writer.error();
  if (Status s = (*writer)->write(bytes); !s) return s.error();
  return (*writer)->commit();
}

Result<BlobRef> BlobStore::put_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string m = "cannot open " + path.string() + ": " + std::strerror(e);
    return e == ENOENT ? Error::not_found(std::move(m)) : Error::io(std::move(m));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  auto writer = create_writer();
  if (!writer) return writer.error();
  std::vector<char> buffer(1 << 20);
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::io("read error on " + path.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (Status s = (*writer)->write(buffer.data(), static_cast<std::size_t>(n)); !s) return s.error();
  }
  return (*writer)->commit();
}

Result<std::string> BlobStore::read_all(const std::string& sha256, std::uint64_t max_bytes) const {
  auto size = size_of(sha256);
  if (!size) return size.error();
  if (*size > max_bytes) {
    return Error::too_large("blob " + sha256 + " is " + std::to_string(*size) + " bytes, over the limit of " +
                            std::to_string(max_bytes));
  }
  std::string out;
  out.reserve(*size);
  Status s = read(sha256, [&](std::string_view chunk) {
    out.append(chunk);
    return true;
  });
  if (!s) return s.error();
  return out;
}

Status BlobStore::copy_to_file(const std::string& sha256, const std::filesystem::path& destination) const {
  auto file = AtomicFile::create(destination);
  if (!file) return file.error();
  Status write_status;
  Status s = read(sha256, [&](std::string_view chunk) {
    write_status = file->write(chunk);
    return write_status.ok();
  });
  if (!write_status) return write_status;
  if (!s) return s;  // corrupt: the temporary is discarded, nothing appears at destination
  return file->commit();
}

}  // namespace redbox::storage
