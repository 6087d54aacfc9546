#include "common/media_type.h"

namespace redbox {
namespace {

using namespace std::string_view_literals;  // magic numbers contain NUL bytes

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool looks_like_text(std::string_view head) {
  if (head.empty()) return false;
  for (unsigned char c : head) {
    if (c == 0) return false;
    if (c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1B)) return false;
  }
  return true;
}

}  // namespace

std::string sniff_media_type(std::string_view head) {
  // PDF files may carry junk before the header (the spec tolerates 1024 bytes).
  if (head.substr(0, 1024).find("%PDF-") != std::string_view::npos) return "application/pdf";
  if (starts_with(head, "II*\0"sv) || starts_with(head, "MM\0*"sv) || starts_with(head, "II+\0"sv) ||
      starts_with(head, "MM\0+"sv)) {
    return "image/tiff";
  }
  if (starts_with(head, "\x89PNG\r\n\x1a\n"sv)) return "image/png";
  if (starts_with(head, "\xFF\xD8\xFF"sv)) return "image/jpeg";
  if (starts_with(head, "\0\0\0\x0CjP  \r\n\x87\n"sv) || starts_with(head, "\xFF\x4F\xFF\x51"sv)) return "image/jp2";
  if (starts_with(head, "GIF87a"sv) || starts_with(head, "GIF89a"sv)) return "image/gif";
  if (starts_with(head, "BM"sv) && head.size() >= 14) return "image/bmp";
  if (starts_with(head, "RIFF"sv) && head.size() >= 12 && head.substr(8, 4) == "WEBP"sv) return "image/webp";
  if (starts_with(head, "PK\x03\x04"sv) || starts_with(head, "PK\x05\x06"sv)) return "application/zip";
  if (looks_like_text(head)) return "text/plain";
  return "application/octet-stream";
}

bool is_page_media_type(std::string_view t) {
  return t == "application/pdf" || t == "image/tiff" || t == "image/png" || t == "image/jpeg" ||
         t == "image/jp2" || t == "image/gif" || t == "image/bmp" || t == "image/webp";
}

}  // namespace redbox
