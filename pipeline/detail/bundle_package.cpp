#include "pipeline/detail/bundle_package.h"

#include <nlohmann/json.hpp>

#include "common/libzip.h"

namespace redbox::pipeline::detail {

std::string manifest_json(const BundleResult& result, const std::vector<BundleFile>& files) {
  nlohmann::ordered_json j;
  j["format"] = "redbox-bundle/1";
  j["reference"] = result.reference;
  j["created"] = result.created;
  j["total_pages"] = result.total_pages;
  j["cover_pages"] = result.cover_pages;
  j["index_pages"] = result.index_pages;
  j["parts"] = static_cast<int>(result.parts.size());
  auto& jf = j["files"] = nlohmann::ordered_json::array();
  for (const auto& f : files) {
    nlohmann::ordered_json e;
    e["name"] = f.name;
    e["bytes"] = f.bytes;
    e["sha256"] = f.sha256;
    e["pages"] = f.pages;
    if (!f.first_stamp.empty()) {
      e["first_stamp"] = f.first_stamp;
      e["last_stamp"] = f.last_stamp;
    }
    jf.push_back(std::move(e));
  }
  auto& jd = j["documents"] = nlohmann::ordered_json::array();
  for (const auto& d : result.documents) {
    nlohmann::ordered_json e;
    e["title"] = d.title;
    e["date"] = d.date;
    e["source"] = d.source;
    e["pages"] = d.pages;
    e["first_page"] = d.first_page;
    e["last_page"] = d.last_page;
    if (!d.first_stamp.empty()) {
      e["first_stamp"] = d.first_stamp;
      e["last_stamp"] = d.last_stamp;
    }
    e["first_part"] = d.first_part;
    e["last_part"] = d.last_part;
    jd.push_back(std::move(e));
  }
  return j.dump(2) + "\n";
}

std::string readme_text(const BundleResult& result, bool encrypted_zip) {
  const std::size_t parts = result.parts.size();
  std::string s;
  s += "Disclosure bundle " + result.reference + "\n";
  s += "Created " + result.created + "\n\n";
  s += "This bundle has " + std::to_string(result.total_pages) + " pages in " + std::to_string(parts) +
       (parts == 1 ? " part" : " parts") + ". Read the parts in order: the page numbers stamped at the\n"
       "bottom of each page continue from one part to the next.\n\n";
  for (const auto& p : result.parts) {
    s += "  " + p.name + "  (" + std::to_string(p.pages) + " pages";
    if (!p.first_stamp.empty()) s += ", " + p.first_stamp + " to " + p.last_stamp;
    s += ")\n";
  }
  if (result.index_pages > 0)
    s += "\nThe first part begins with an index listing every document, its pages and the part it is in.\n";
  s += "Each part has bookmarks (an outline) for the documents in it.\n\n";
  s += "manifest.json lists every file with its size and SHA-256 checksum, so you can check that\n"
       "nothing was changed or lost in transit (e.g. `sha256sum FILE` on Linux, `certutil -hashfile FILE\n"
       "SHA256` on Windows, `shasum -a 256 FILE` on macOS).\n";
  if (encrypted_zip) {
    s += "\nThe files in this package are encrypted with AES-256. Open it with 7-Zip (Windows, Linux),\n"
         "WinZip, WinRAR, Windows 11's File Explorer or The Unarchiver / Keka (macOS), using the\n"
         "password sent to you separately. Older tools such as Info-ZIP `unzip` and the built-in\n"
         "Windows 10 extractor cannot open AES-encrypted files.\n";
  }
  return s;
}

void write_zip(const std::filesystem::path& zip_path,
               const std::vector<std::pair<std::string, std::filesystem::path>>& files, std::int64_t mtime,
               const std::optional<std::string>& password) {
  auto archive = zip::open_archive(zip_path.string(), ZIP_CREATE | ZIP_TRUNCATE);
  for (const auto& [name, path] : files) {
    zip_source_t* src = zip_source_file(archive.get(), path.c_str(), 0, -1);
    if (src == nullptr) fail(Error::io("cannot add " + name + " to the package: " + zip::last_error(archive.get())));
    const zip_int64_t index = zip_file_add(archive.get(), name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(src);
      fail(Error::io("cannot add " + name + " to the package: " + zip::last_error(archive.get())));
    }
    const auto idx = static_cast<zip_uint64_t>(index);
    // PDFs are already compressed; storing them is faster and barely larger.
    const bool pdf = name.size() > 4 && name.compare(name.size() - 4, 4, ".pdf") == 0;
    if (zip_set_file_compression(archive.get(), idx, pdf ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9) != 0 ||
        zip_file_set_mtime(archive.get(), idx, static_cast<time_t>(mtime), 0) != 0)
      fail(Error::io("cannot set up " + name + " in the package: " + zip::last_error(archive.get())));
    if (password && zip_file_set_encryption(archive.get(), idx, ZIP_EM_AES_256, password->c_str()) != 0)
      fail(Error::io("cannot encrypt " + name + " in the package: " + zip::last_error(archive.get())));
  }
  zip::close_archive(std::move(archive));
}

}  // namespace redbox::pipeline::detail
