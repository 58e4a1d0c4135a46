# freeDiameter 1.2.1 from Debian (libfreediameter-dev) ships no CMake config: find the headers and the two
# libraries, and the extensions directory (freediameter-extensions) where dict_*.fdx live.
find_path(FreeDiameter_INCLUDE_DIR freeDiameter/libfdcore.h)
find_library(FreeDiameter_FDCORE_LIBRARY fdcore)
find_library(FreeDiameter_FDPROTO_LIBRARY fdproto)
find_path(FreeDiameter_EXTENSIONS_DIR dict_dcca_3gpp.fdx PATHS /usr/lib/freeDiameter /usr/local/lib/freeDiameter
          NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(FreeDiameter
  REQUIRED_VARS FreeDiameter_INCLUDE_DIR FreeDiameter_FDCORE_LIBRARY FreeDiameter_FDPROTO_LIBRARY
                FreeDiameter_EXTENSIONS_DIR)

if(FreeDiameter_FOUND AND NOT TARGET FreeDiameter::fdcore)
  add_library(FreeDiameter::fdproto UNKNOWN IMPORTED)
  set_target_properties(FreeDiameter::fdproto PROPERTIES
    IMPORTED_LOCATION "${FreeDiameter_FDPROTO_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FreeDiameter_INCLUDE_DIR}")
  add_library(FreeDiameter::fdcore UNKNOWN IMPORTED)
  set_target_properties(FreeDiameter::fdcore PROPERTIES
    IMPORTED_LOCATION "${FreeDiameter_FDCORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FreeDiameter_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES FreeDiameter::fdproto)
endif()
