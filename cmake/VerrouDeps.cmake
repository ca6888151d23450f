# Finds verrou's dependencies the CMake way and fails with the Debian package to install.
# (scripts/install-deps installs all of them.)

function(verrou_missing what package)
  message(FATAL_ERROR
    "verrou: ${what} not found. On Debian 12 install it with:\n"
    "    apt-get install ${package}\n"
    "or run scripts/install-deps as root, which installs everything verrou needs.")
endfunction()

find_package(OpenSSL 3 QUIET)
if(NOT OpenSSL_FOUND)
  verrou_missing("OpenSSL >= 3 (headers and libraries)" libssl-dev)
endif()

# libmariadb and argon2: pkg-config on Linux; vcpkg's CMake packages on Windows
# (cmake/VerrouImportedDeps.cmake, shared with the installed verrouConfig.cmake). Either way
# the targets are PkgConfig::MARIADB and PkgConfig::ARGON2.
include(${CMAKE_CURRENT_LIST_DIR}/VerrouImportedDeps.cmake)
if(NOT TARGET PkgConfig::MARIADB)
  if(NOT PkgConfig_FOUND)
    verrou_missing("pkg-config" pkg-config)
  endif()
  verrou_missing("MariaDB Connector/C >= 3.3 (pkg-config module libmariadb)" libmariadb-dev)
endif()
if(NOT TARGET PkgConfig::ARGON2)
  verrou_missing("the Argon2 reference library (pkg-config module libargon2)" libargon2-dev)
endif()

find_package(nlohmann_json 3 QUIET)
if(NOT nlohmann_json_FOUND)
  verrou_missing("nlohmann-json 3" nlohmann-json3-dev)
endif()

if(VERROU_BUILD_TESTS)
  find_package(doctest QUIET)
  if(NOT doctest_FOUND)
    verrou_missing("doctest" doctest-dev)
  endif()
endif()

# libsodium is only an oracle for tests and the Argon2 benchmark baseline.
if(PkgConfig_FOUND)
  pkg_check_modules(SODIUM QUIET IMPORTED_TARGET libsodium)
endif()
