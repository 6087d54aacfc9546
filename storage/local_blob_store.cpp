// The local file-system BlobStore: <root>/<aa>/<bb>/<sha256>, temporaries in <root>/tmp/.
//
// Writing: bytes stream into tmp/<random>.tmp (hashed as they arrive), then fsync, rename to the
// hash's path, fsync the folder. A writer holds an exclusive flock() on its temporary for its
// whole life; remove_stale_temporaries() only deletes temporaries whose lock it can take, i.e.
// whose writer is gone (the kernel drops the lock when a process dies, even by SIGKILL). So it
// is safe to run while other threads or processes are writing.
// Identical content needs no lock: rename is atomic and both writers carry the same bytes.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/files.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "storage/blob_store.h"

namespace redbox::storage {
namespace {

constexpr std::size_t kReadChunk = 1 << 20;

Error errno_error(std::string_view what, const fs::path& path, int e = errno) {
  std::string m(what);
  m += " " + path.string() + ": " + std::strerror(e);
  if (e == ENOSPC || e == EDQUOT) return Error::io("disk full: " + m);
  return (e == ENOENT || e == ENOTDIR) ? Error::not_found(std::move(m)) : Error::io(std::move(m));
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status check_hash(const std::string& sha256) {
  if (!is_sha256_hex(sha256)) return Error::invalid_input("not a SHA-256 blob name: '" + sha256.substr(0, 80) + "'");
  return {};
}

// The second-level folders (<aa>/<bb>, 65,536 of them) this process knows to exist with a
// durable entry in their parent, so a blob going into one needs no mkdir. A bit is set only
// once the folder's entry is known durable: after fsync of the parent, or after a group
// commit's barrier. Shared by the writers of one store, any thread.
class KnownFolders {
 public:
  static int index(const std::string& sha256) { return std::stoi(sha256.substr(0, 4), nullptr, 16); }
  bool contains(int i) const { return (bits_[i >> 6].load(std::memory_order_acquire) >> (i & 63)) & 1U; }
  void add(int i) { bits_[i >> 6].fetch_or(std::uint64_t{1} << (i & 63), std::memory_order_acq_rel); }

 private:
  std::array<std::atomic<std::uint64_t>, 65536 / 64> bits_{};
};

// Creates dir (one level below an existing parent). With sync, the new (or found: another
// writer may have just created it without fsync yet) entry is made durable by fsyncing the
// parent; without, the caller's barrier does that.
Status ensure_durable_dir(const fs::path& dir, bool sync) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_error("cannot create folder", dir);
  return sync ? fsync_directory(dir.parent_path()) : Status{};
}

// rename() that refuses to replace an existing name (false, errno EEXIST), so the common case
// (new content) needs no stat() first. Falls back to stat + rename where renameat2 is missing.
bool rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return false;
  }
  return ::rename(from.c_str(), to.c_str()) == 0;
}

class LocalBlobWriter final : public BlobWriter {
 public:
  LocalBlobWriter(const fs::path& root, fs::path temp, Fd fd, std::uint64_t max_bytes, KnownFolders& known)
      : root_(root), temp_(std::move(temp)), fd_(std::move(fd)), max_bytes_(max_bytes), known_(known) {}
  ~LocalBlobWriter() override {
    if (!temp_.empty()) ::unlink(temp_.c_str());
  }

  Status write(const void* data, std::size_t size) override {
    if (!fd_) return Error::internal("write on a finished blob writer");
    if (size > max_bytes_ - written_ || written_ > max_bytes_) {
      abandon();
      return Error::too_large("upload is larger than the limit of " + std::to_string(max_bytes_) + " bytes");
    }
    hash_.update(data, size);
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
      ssize_t n = ::write(fd_.get(), p, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        Error e = errno_error("cannot write blob temporary", temp_);
        abandon();
        return e;
      }
      p += n;
      size -= static_cast<std::size_t>(n);
      written_ += static_cast<std::uint64_t>(n);
    }
    return {};
  }

  std::uint64_t bytes_written() const override { return written_; }

  Result<BlobRef> commit() override {
    if (Status s = seal(); !s) return s.error();
    if (::fsync(fd_.get()) != 0) {
      Error e = errno_error("cannot make durable", temp_);
      abandon();
      return e;
    }
    return publish(true);
  }

  // Group commit, stage 1: the hash is final; not yet durable. (The temporary was created
  // read-only, 0444: nothing in Redbox rewrites a blob in place.)
  Status seal() {
    if (!fd_) return Error::internal("commit on a finished blob writer");
    if (!sealed_) sealed_ = BlobRef{hash_.finish_hex(), written_};
    return {};
  }

  // Stage 2 (after the bytes are durable): moves the blob under its name. With sync, makes the
  // names durable too; without, the caller's barrier does and then calls mark_durable().
  Result<BlobRef> publish(bool sync) {
    if (!sealed_ || !fd_) return Error::internal("publish before seal");
    BlobRef ref = *sealed_;
    fs::path second = root_ / ref.sha256.substr(0, 2) / ref.sha256.substr(2, 2);
    fs::path dest = second / ref.sha256;
    folder_ = KnownFolders::index(ref.sha256);
    if (!known_.contains(folder_)) {
      Status made = ensure_durable_dir(second, sync);
      if (!made && made.error().kind == ErrorKind::not_found) {  // first level missing (removed by hand)
        if (Status s = ensure_durable_dir(second.parent_path(), sync); !s) return s.error();
        made = ensure_durable_dir(second, sync);
      }
      if (!made) return made.error();
      if (sync) known_.add(folder_);
    }

    bool moved = rename_no_replace(temp_, dest);
    if (!moved && errno == ENOENT && known_.contains(folder_)) {
      // A folder this process knew was removed from outside (by hand): make it again.
      if (Status s = ensure_durable_dir(second.parent_path(), sync); !s) return s.error();
      if (Status s = ensure_durable_dir(second, sync); !s) return s.error();
      moved = rename_no_replace(temp_, dest);
    }
    if (moved) {
      temp_.clear();
      fd_.reset();  // releases the flock
    } else if (errno != EEXIST) {
      Error e = errno_error("cannot move blob into", dest);
      abandon();
      return e;
    } else {
      struct stat existing {};
      if (::stat(dest.c_str(), &existing) == 0 && S_ISREG(existing.st_mode) &&
          static_cast<std::uint64_t>(existing.st_size) == ref.size) {
        // Dedupe: the same bytes are stored already. Refresh the mtime so that fsck's orphan
        // grace period protects the blob until our caller has recorded it in the catalog.
        ::utimensat(AT_FDCWD, dest.c_str(), nullptr, 0);
        abandon();
      } else if (::rename(temp_.c_str(), dest.c_str()) == 0) {
        // A damaged copy of the wrong size, which our verified bytes replace.
        temp_.clear();
        fd_.reset();
      } else {
        Error e = errno_error("cannot move blob into", dest);
        abandon();
        return e;
      }
    }
    // Also on dedupe: another writer may have renamed but not yet fsynced the folder.
    if (sync) {
      if (Status s = fsync_directory(second); !s) return s.error();
    }
    return ref;
  }

  // After a group commit's barrier: the folder's entry is durable, later blobs skip the mkdir.
  void mark_durable() {
    if (folder_ >= 0) known_.add(folder_);
  }

 private:
  void abandon() {
    if (!temp_.empty()) {
      ::unlink(temp_.c_str());
      temp_.clear();
    }
    fd_.reset();
  }

  fs::path root_;
  fs::path temp_;
  Fd fd_;
  std::uint64_t max_bytes_;
  std::uint64_t written_ = 0;
  Sha256 hash_;
  std::optional<BlobRef> sealed_;
  KnownFolders& known_;
  int folder_ = -1;
};

class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(fs::path root) : root_(std::move(root)), tmp_(root_ / "tmp") {}

  Result<std::unique_ptr<BlobWriter>> create_writer(std::uint64_t max_bytes) override {
    for (int attempt = 0; attempt < 8; ++attempt) {
      fs::path temp = tmp_ / (random_hex(12) + ".tmp");
      // Created read-only (0444): the mode applies to later opens, this descriptor can write.
      Fd fd(::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
      if (!fd) {
        if (errno == EEXIST) continue;
        return errno_error("cannot create blob temporary", temp);
      }
      // Lock, then check the name still points at our file: a concurrent
      // remove_stale_temporaries() may have taken the lock in the instant before ours.
      if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
      struct stat by_fd {};
      struct stat by_name {};
      if (::fstat(fd.get(), &by_fd) != 0 || ::stat(temp.c_str(), &by_name) != 0 || by_fd.st_ino != by_name.st_ino) {
        continue;
      }
      return std::unique_ptr<BlobWriter>(std::make_unique<LocalBlobWriter>(root_, temp, std::move(fd), max_bytes, *known_));
    }
    return Error::io("cannot create a blob temporary in " + tmp_.string());
  }

  bool contains(const std::string& sha256) const override {
    if (!is_sha256_hex(sha256)) return false;
    struct stat st {};
    return ::stat(path_of(sha256).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  Result<std::uint64_t> size_of(const std::string& sha256) const override {
    if (Status s = check_hash(sha256); !s) return s.error();
    struct stat st {};
    if (::stat(path_of(sha256).c_str(), &st) != 0) {
      if (errno == ENOENT) return Error::not_found("blob " + sha256 + " is not in the store");
      return errno_error("cannot stat blob", path_of(sha256));
    }
    return static_cast<std::uint64_t>(st.st_size);
  }

  Status read(const std::string& sha256, const BlobSink& sink) const override {
    if (Status s = check_hash(sha256); !s) return s;
    fs::path path = path_of(sha256);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) return Error::not_found("blob " + sha256 + " is not in the store");
      return errno_error("cannot open blob", path);
    }
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    Sha256 hash;
    std::vector<char> buffer(kReadChunk);
    while (true) {
      ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_error("cannot read blob", path);
      }
      if (n == 0) break;
      hash.update(buffer.data(), static_cast<std::size_t>(n));
      if (sink && !sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) return {};
    }
    std::string actual = hash.finish_hex();
    if (actual != sha256) {
      return Error::corrupt("blob " + sha256 + " is corrupt: its bytes hash to " + actual);
    }
    return {};
  }

  Status verify(const std::string& sha256) const override { return read(sha256, nullptr); }

  Status for_each(const std::function<Status(const BlobRef&)>& visit) const override {
    std::error_code ec;
    for (const auto& first : fs::directory_iterator(root_, ec)) {
      std::string a = first.path().filename().string();
      if (a.size() != 2 || !first.is_directory()) continue;  // tmp/ and anything foreign
      for (const auto& second : fs::directory_iterator(first.path(), ec)) {
        std::string b = second.path().filename().string();
        if (b.size() != 2 || !second.is_directory()) continue;
        for (const auto& entry : fs::directory_iterator(second.path(), ec)) {
          std::string name = entry.path().filename().string();
          if (!is_sha256_hex(name) || name.compare(0, 2, a) != 0 || name.compare(2, 2, b) != 0) continue;
          std::error_code size_ec;
          auto size = entry.file_size(size_ec);
          if (size_ec) continue;  // removed meanwhile
          if (Status s = visit(BlobRef{name, size}); !s) return s;
        }
        if (ec) break;
      }
      if (ec) break;
    }
    if (ec) return Error::io("cannot list blobs under " + root_.string() + ": " + ec.message());
    return {};
  }

  Status remove(const std::string& sha256) override {
    if (Status s = check_hash(sha256); !s) return s;
    fs::path path = path_of(sha256);
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return Error::not_found("blob " + sha256 + " is not in the store");
      return errno_error("cannot remove blob", path);
    }
    return fsync_directory(path.parent_path());
  }

  Result<std::uint64_t> remove_stale_temporaries() override {
    std::uint64_t removed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(tmp_, ec)) {
      const fs::path& path = entry.path();
      Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
      if (!fd) continue;  // gone meanwhile, or not a file we can lock
      if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live writer holds it
      if (::unlink(path.c_str()) == 0) ++removed;
    }
    if (ec) return Error::io("cannot list blob temporaries in " + tmp_.string() + ": " + ec.message());
    return removed;
  }

  std::optional<fs::path> local_path(const std::string& sha256) const override {
    if (!is_sha256_hex(sha256)) return std::nullopt;
    return path_of(sha256);
  }

  Result<std::vector<BlobRef>> commit_all(std::vector<std::unique_ptr<BlobWriter>>& writers) override {
    std::vector<LocalBlobWriter*> local;
    for (auto& w : writers) {
      auto* l = dynamic_cast<LocalBlobWriter*>(w.get());
      if (l == nullptr) return Error::internal("commit_all: a writer from another blob store");
      local.push_back(l);
    }
    for (auto* w : local) {
      if (Status s = w->seal(); !s) return s.error();
    }
    if (Status s = barrier(); !s) return s.error();  // every blob's bytes are durable
    std::vector<BlobRef> refs;
    refs.reserve(local.size());
    for (auto* w : local) {
      auto ref = w->publish(false);
      if (!ref) return ref.error();
      refs.push_back(std::move(*ref));
    }
    if (Status s = barrier(); !s) return s.error();  // and so is every name
    for (auto* w : local) w->mark_durable();
    return refs;
  }

  Status prepare() {
    if (Status s = ensure_directory(root_); !s) return s;
    if (Status s = ensure_directory(tmp_); !s) return s;
    // The 256 first-level folders up front: saves a mkdir and a folder fsync on early writes.
    std::error_code ec;
    if (!fs::exists(root_ / "ff", ec)) {
      static constexpr char kHex[] = "0123456789abcdef";
      for (int i = 0; i < 256; ++i) {
        fs::path dir = root_ / std::string{kHex[i >> 4], kHex[i & 15]};
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_error("cannot create folder", dir);
      }
      if (Status s = fsync_directory(root_); !s) return s;
    }
    return fsync_directory(tmp_.parent_path());
  }

 private:
  // One durability barrier for the whole file system holding the store: syncfs() flushes every
  // dirty page and metadata change and reports write-back errors (Linux >= 5.8). Cheaper than
  // one fsync per file and per folder once a batch has more than a few blobs.
  Status barrier() const {
    Fd fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return errno_error("cannot open", root_);
    if (::syncfs(fd.get()) != 0) return errno_error("syncfs failed for", root_);
    return {};
  }

  fs::path path_of(const std::string& sha256) const {
    return root_ / sha256.substr(0, 2) / sha256.substr(2, 2) / sha256;
  }

  fs::path root_;
  fs::path tmp_;
  std::unique_ptr<KnownFolders> known_ = std::make_unique<KnownFolders>();
};

}  // namespace

Result<std::unique_ptr<BlobStore>> open_local_blob_store(const std::filesystem::path& root) {
  auto store = std::make_unique<LocalBlobStore>(root);
  if (Status s = store->prepare(); !s) return s.error();
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace redbox::storage
