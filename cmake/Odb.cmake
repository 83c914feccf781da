# ODB runtime (Debian bullseye's 2.4 packages) and code generation.
# ODB 2.4's shared-ptr headers use dynamic exception specifications, which C++17 rejects.
# Fixed copies go to the build tree and are put on the include path as -isystem, ahead of
# /usr/include, so the installed headers stay untouched (see docs/toolchain.md).
find_program(ODB_COMPILER odb REQUIRED)
find_path(ODB_INCLUDE_DIR odb/version.hxx REQUIRED)
find_library(ODB_LIBRARY odb REQUIRED)
find_library(ODB_PGSQL_LIBRARY odb-pgsql REQUIRED)

set(ODB_OVERLAY_DIR "${CMAKE_BINARY_DIR}/odb-overlay")
foreach(_hdr odb/details/shared-ptr/base.hxx odb/details/shared-ptr/base.ixx)
  file(READ "${ODB_INCLUDE_DIR}/${_hdr}" _text)
  string(REPLACE "throw (std::bad_alloc)" "" _text "${_text}")
  file(WRITE "${CMAKE_BINARY_DIR}/odb-overlay.tmp" "${_text}")
  configure_file("${CMAKE_BINARY_DIR}/odb-overlay.tmp" "${ODB_OVERLAY_DIR}/${_hdr}" COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ODB_INCLUDE_DIR}/${_hdr}")
endforeach()

add_library(odb::odb UNKNOWN IMPORTED)
set_target_properties(odb::odb PROPERTIES IMPORTED_LOCATION "${ODB_LIBRARY}")
target_include_directories(odb::odb SYSTEM BEFORE INTERFACE "${ODB_OVERLAY_DIR}")
add_library(odb::pgsql UNKNOWN IMPORTED)
set_target_properties(odb::pgsql PROPERTIES IMPORTED_LOCATION "${ODB_PGSQL_LIBRARY}")
target_link_libraries(odb::pgsql INTERFACE odb::odb)

# odb_generate(<out-var> <header>...): one add_custom_command per header; outputs go to
# ${CMAKE_BINARY_DIR}/odb-gen and are never committed.
function(odb_generate out_var)
  set(_gen_dir "${CMAKE_BINARY_DIR}/odb-gen")
  file(MAKE_DIRECTORY "${_gen_dir}")
  set(_sources)
  foreach(_hdr IN LISTS ARGN)
    get_filename_component(_abs "${_hdr}" ABSOLUTE)
    get_filename_component(_name "${_hdr}" NAME_WE)
    set(_cxx "${_gen_dir}/${_name}-odb.cxx")
    add_custom_command(
      OUTPUT "${_cxx}" "${_gen_dir}/${_name}-odb.hxx" "${_gen_dir}/${_name}-odb.ixx"
      COMMAND "${ODB_COMPILER}" --database pgsql --std c++14 -x -std=c++17
              --generate-query --generate-prepared --default-pointer std::shared_ptr
              --hxx-prologue "#include \"odb_types.hxx\""
              -I "${ODB_OVERLAY_DIR}" -I "${CMAKE_SOURCE_DIR}/odb"
              -o "${_gen_dir}" "${_abs}"
      DEPENDS "${_abs}" "${CMAKE_SOURCE_DIR}/odb/odb_types.hxx"
      COMMENT "ODB ${_name}.hxx"
      VERBATIM)
    list(APPEND _sources "${_cxx}")
  endforeach()
  set(${out_var} ${_sources} PARENT_SCOPE)
endfunction()
