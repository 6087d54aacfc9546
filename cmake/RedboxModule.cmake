# redbox_module(NAME <name> [DEPS <targets>...])
# Declares the static library redbox_<name> from every .cpp in the module's folder and its
# detail/ subfolder. Files are globbed so that adding a file to a module needs no CMake edit;
# CONFIGURE_DEPENDS makes a new file trigger a re-configure. A module with no sources yet is an
# interface library, so the dependency graph is the same either way.
function(redbox_module)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  file(GLOB _sources CONFIGURE_DEPENDS
       "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp" "${CMAKE_CURRENT_SOURCE_DIR}/detail/*.cpp")
  if(_sources)
    add_library(redbox_${ARG_NAME} STATIC ${_sources})
    target_include_directories(redbox_${ARG_NAME} PUBLIC "${PROJECT_SOURCE_DIR}")
    target_link_libraries(redbox_${ARG_NAME} PUBLIC ${ARG_DEPS})
  else()
    add_library(redbox_${ARG_NAME} INTERFACE)
    target_include_directories(redbox_${ARG_NAME} INTERFACE "${PROJECT_SOURCE_DIR}")
    target_link_libraries(redbox_${ARG_NAME} INTERFACE ${ARG_DEPS})
  endif()
  add_library(redbox::${ARG_NAME} ALIAS redbox_${ARG_NAME})
endfunction()
