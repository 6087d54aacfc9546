// Media type sniffed from a file's first bytes, never from its name: an upload called
// "letter.pdf" that is really an executable is stored as application/octet-stream.
#pragma once

#include <string>
#include <string_view>

namespace redbox {

// Needs at least the first 16 bytes to be reliable; pass up to the first 8 KiB.
// Returns one of: application/pdf, image/tiff, image/png, image/jpeg, image/jp2, image/gif,
// image/bmp, image/webp, application/zip, text/plain, application/octet-stream.
std::string sniff_media_type(std::string_view head);

// True for the types intake can turn into pages (PDF and raster images).
bool is_page_media_type(std::string_view media_type);

}  // namespace redbox
