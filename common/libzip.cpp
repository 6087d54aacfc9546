#include "common/libzip.h"

namespace redbox::zip {

ArchivePtr open_archive(const std::string& path, int flags) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), flags, &code);
  if (z == nullptr) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    std::string m = "cannot open zip " + path + ": " + zip_error_strerror(&err);
    zip_error_fini(&err);
    fail(code == ZIP_ER_NOENT ? Error::not_found(m) : Error::invalid_input(m));
  }
  return ArchivePtr(z);
}

void close_archive(ArchivePtr archive) {
  if (zip_close(archive.get()) != 0) {
    std::string m = "cannot write zip: " + last_error(archive.get());
    fail(Error::io(m));  // archive's deleter discards it
  }
  (void)archive.release();  // zip_close freed it
}

std::string last_error(zip_t* archive) { return zip_strerror(archive); }

}  // namespace redbox::zip
