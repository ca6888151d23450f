# Install rules: what a C++ service or a C program outside this tree links against.
#
#   lib/libverrou_core.a            verrou::core    (static C++ core; include/verrou/*.hpp)
#   lib/libverrou.so.1 / bin/verrou.dll + lib/verrou.lib
#                                   verrou::verrou  (the flat C ABI; include/verrou.h)
#   lib/cmake/verrou/               find_package(verrou CONFIG)
#   lib/pkgconfig/verrou.pc         pkg-config --cflags --libs verrou        (C ABI, shared)
#   lib/pkgconfig/verrou-core.pc    pkg-config --cflags --libs verrou-core   (C++ core, static)
#   bin/verrou                      the command-line tool (tools/verrou)
#
# tests/install/ installs the build into a scratch prefix and builds a separate consumer
# project against it, through both CMake targets and pkg-config.
include(CMakePackageConfigHelpers)

set(VERROU_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/verrou CACHE STRING
  "Where the CMake package files (verrouConfig.cmake, ...) are installed")

# The C ABI header: wherever it lives in the tree, it is installed as <prefix>/include/verrou.h.
if(EXISTS ${PROJECT_SOURCE_DIR}/include/verrou.h)
  set(VERROU_C_HEADER ${PROJECT_SOURCE_DIR}/include/verrou.h)
else()
  set(VERROU_C_HEADER ${PROJECT_SOURCE_DIR}/capi/verrou.h)
endif()

install(TARGETS verrou_core verrou_shared EXPORT verrouTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}   # verrou.dll beside the programs on Windows
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/verrou DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.def")  # error.hpp includes error_codes.def
install(FILES ${VERROU_C_HEADER} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(WIN32)
  # For LoadLibrary/API() users who never link: the export list, undecorated names.
  install(FILES ${PROJECT_SOURCE_DIR}/capi/verrou.def DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

install(EXPORT verrouTargets NAMESPACE verrou:: DESTINATION ${VERROU_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/verrouConfig.cmake.in
  ${PROJECT_BINARY_DIR}/verrouConfig.cmake
  INSTALL_DESTINATION ${VERROU_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/verrouConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)   # 0.x: a minor version may change the C++ API
install(FILES ${PROJECT_BINARY_DIR}/verrouConfig.cmake ${PROJECT_BINARY_DIR}/verrouConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/VerrouImportedDeps.cmake
  DESTINATION ${VERROU_INSTALL_CMAKEDIR})

# pkg-config: the prefix is found from the .pc file's own place (${pcfiledir}), so
# `cmake --install --prefix ANYWHERE` and a moved tree both give the right paths.
file(RELATIVE_PATH VERROU_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
foreach(pc verrou verrou-core)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
