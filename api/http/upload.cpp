#include "api/http/upload.h"

#include <charconv>

namespace redbox::api {

namespace {

constexpr std::size_t kHeadBytes = 8192;
// Bytes of an over-limit body still read (and discarded) so the 413 reaches the client.
constexpr std::uint64_t kDrainAfterLimit = 1 << 20;
// Room for multipart boundaries and part headers around the file itself.
constexpr std::uint64_t kMultipartOverhead = 64 << 10;
// Form fields other than `file` are ignored, but not without bound.
constexpr std::uint64_t kMaxOtherFields = 64 << 10;

std::string limit_text(std::uint64_t max_bytes) {
  return "the upload limit of " + std::to_string(max_bytes) + " bytes";
}

// Receives file bytes into a writer, remembering the first failure and the head bytes.
class Sink {
 public:
  Sink(storage::BlobStore& blobs, std::uint64_t max_bytes) : blobs_(blobs), max_bytes_(max_bytes) {}

  bool start() {
    auto writer = blobs_.create_writer(max_bytes_);
    if (!writer.ok()) return fail(writer.error());
    writer_ = std::move(*writer);
    return true;
  }

  bool write(const char* data, std::size_t n) {
    if (draining_) {
      drained_ += n;
      return drained_ <= kDrainAfterLimit;
    }
    if (error_ || !writer_) return false;
    if (head_.size() < kHeadBytes) head_.append(data, std::min(n, kHeadBytes - head_.size()));
    if (Status s = writer_->write(data, n); !s.ok()) {
      if (s.error().kind == ErrorKind::too_large) {
        error_ = Error::too_large("the file is over " + limit_text(max_bytes_));
        writer_.reset();  // removes the temporary now
        draining_ = true;
        return true;
      }
      return fail(s.error());
    }
    return true;
  }

  bool fail(Error e) {
    if (!error_) error_ = std::move(e);
    writer_.reset();
    return false;
  }

  const std::optional<Error>& error() const { return error_; }
  storage::BlobWriter* writer() { return writer_.get(); }
  std::string take_head() { return std::move(head_); }

 private:
  storage::BlobStore& blobs_;
  std::uint64_t max_bytes_;
  std::unique_ptr<storage::BlobWriter> writer_;
  std::optional<Error> error_;
  std::string head_;
  bool draining_ = false;
  std::uint64_t drained_ = 0;
};

std::optional<std::uint64_t> content_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  std::string text = req.get_header_value("Content-Length");
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) fail(Error::invalid_input("malformed Content-Length"));
  return n;
}

}  // namespace

std::string percent_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && ptr == text.data() + i + 3) {
        out += static_cast<char>(value);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

Result<ReceivedFile> receive_upload(RequestContext& ctx, storage::BlobStore& blobs, std::uint64_t max_bytes) {
  return guard([&]() -> ReceivedFile {
    const bool multipart = ctx.req.is_multipart_form_data();
    if (auto length = content_length(ctx.req)) {
      const std::uint64_t allowed = multipart ? max_bytes + kMultipartOverhead : max_bytes;
      if (*length > allowed) {
        fail(Error::too_large("the request body of " + std::to_string(*length) + " bytes is over " +
                              limit_text(max_bytes)));
      }
    }
    ReceivedFile out;
    Sink sink(blobs, max_bytes);
    bool read_ok = false;
    if (multipart) {
      bool saw_file = false;
      bool in_file = false;
      std::uint64_t other_bytes = 0;
      read_ok = ctx.content()(
          [&](const httplib::MultipartFormData& part) {
            if (part.name != "file") {
              in_file = false;
              return true;
            }
            if (saw_file) return sink.fail(Error::invalid_input("the form has more than one 'file' part"));
            saw_file = true;
            in_file = true;
            out.file_name = part.filename;
            return sink.start();
          },
          [&](const char* data, std::size_t n) {
            if (in_file) return sink.write(data, n);
            other_bytes += n;
            if (other_bytes > kMaxOtherFields) {
              return sink.fail(Error::too_large("the form's other fields are over " +
                                                std::to_string(kMaxOtherFields) + " bytes"));
            }
            return true;
          });
      if (sink.error()) fail(*sink.error());
      if (!read_ok) {
        fail(Error::invalid_input("the multipart/form-data body is malformed or was cut short"));
      }
      if (!saw_file) fail(Error::invalid_input("the form has no 'file' part (send the document as a field named 'file')"));
    } else {
      if (!ctx.req.has_header("X-File-Name") || ctx.req.get_header_value("X-File-Name").empty()) {
        fail(Error::invalid_input(
            "send the document as multipart/form-data with a 'file' part, or as a raw body with an X-File-Name header"));
      }
      out.file_name = percent_decode(ctx.req.get_header_value("X-File-Name"));
      if (!sink.start()) fail(*sink.error());
      read_ok = ctx.content()([&](const char* data, std::size_t n) { return sink.write(data, n); });
      if (sink.error()) fail(*sink.error());
      if (!read_ok) fail(Error::invalid_input("the request body was cut short or timed out"));
    }
    storage::BlobWriter* writer = sink.writer();
    if (writer == nullptr) fail(Error::internal("upload finished without a writer"));
    if (writer->bytes_written() == 0) fail(Error::invalid_input("the uploaded file is empty"));
    auto blob = writer->commit();
    if (!blob.ok()) fail(blob.error());
    out.blob = *blob;
    out.head = sink.take_head();
    return out;
  });
}

}  // namespace redbox::api
