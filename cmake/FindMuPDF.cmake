# Debian 12 ships MuPDF as static archives (libmupdf.a, libmupdf-third.a) whose pkg-config file
# claims 1.19.0 and omits harfbuzz; libmupdf-dev does not pull in the -dev packages it needs.
# This module finds the archives directly and links the third-party libraries through pkg-config,
# exposing one imported target: MuPDF::MuPDF. The version is read from fitz/version.h.
find_package(PkgConfig REQUIRED)
find_path(MuPDF_INCLUDE_DIR mupdf/fitz.h)
find_library(MuPDF_LIBRARY NAMES libmupdf.a mupdf)
find_library(MuPDF_THIRD_LIBRARY NAMES libmupdf-third.a mupdf-third)
pkg_check_modules(MUPDF_DEPS REQUIRED IMPORTED_TARGET
  freetype2 harfbuzz jbig2dec libopenjp2 libjpeg gumbo mujs zlib)

if(MuPDF_INCLUDE_DIR AND EXISTS "${MuPDF_INCLUDE_DIR}/mupdf/fitz/version.h")
  file(STRINGS "${MuPDF_INCLUDE_DIR}/mupdf/fitz/version.h" _fz_version_line
       REGEX "^#define FZ_VERSION \"[0-9.]+\"")
  string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" MuPDF_VERSION "${_fz_version_line}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MuPDF
  REQUIRED_VARS MuPDF_LIBRARY MuPDF_THIRD_LIBRARY MuPDF_INCLUDE_DIR
  VERSION_VAR MuPDF_VERSION)

if(MuPDF_FOUND AND NOT TARGET MuPDF::MuPDF)
  add_library(MuPDF::MuPDF INTERFACE IMPORTED)
  target_include_directories(MuPDF::MuPDF INTERFACE "${MuPDF_INCLUDE_DIR}")
  target_link_libraries(MuPDF::MuPDF INTERFACE
    "${MuPDF_LIBRARY}" "${MuPDF_THIRD_LIBRARY}" PkgConfig::MUPDF_DEPS m)
endif()
