# libmariadb and argon2 as the targets PkgConfig::MARIADB and PkgConfig::ARGON2, for verrou's
# own build (VerrouDeps.cmake) and for users of the installed static core (verrouConfig.cmake).
#   Linux (Debian): pkg-config modules libmariadb and libargon2.
#   Windows (vcpkg): its CMake packages unofficial-libmariadb and unofficial-argon2, wrapped
#   under the same names (not run here: see docs/windows.md).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  if(NOT TARGET PkgConfig::MARIADB)
    pkg_check_modules(MARIADB QUIET IMPORTED_TARGET libmariadb>=3.3)
  endif()
  if(NOT TARGET PkgConfig::ARGON2)
    pkg_check_modules(ARGON2 QUIET IMPORTED_TARGET libargon2)
  endif()
endif()
if(NOT TARGET PkgConfig::MARIADB)
  find_package(unofficial-libmariadb CONFIG QUIET)
  if(TARGET unofficial::libmariadb)
    add_library(PkgConfig::MARIADB INTERFACE IMPORTED)
    target_link_libraries(PkgConfig::MARIADB INTERFACE unofficial::libmariadb)
  endif()
endif()
if(NOT TARGET PkgConfig::ARGON2)
  find_package(unofficial-argon2 CONFIG QUIET)
  if(TARGET unofficial::argon2::libargon2)
    add_library(PkgConfig::ARGON2 INTERFACE IMPORTED)
    target_link_libraries(PkgConfig::ARGON2 INTERFACE unofficial::argon2::libargon2)
  endif()
endif()
