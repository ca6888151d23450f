#!/usr/bin/env bash
# run_wine_tests.sh REPO WORK_DIR — builds tests/windows/wine_paths.cpp with MinGW-w64 (x86_64)
# and runs it under Wine. Exit 77 (skip) if mingw-w64 or wine is missing.
#
# The Wine prefix lives in WORK_DIR (inside the build folder): nothing in $HOME is touched, and
# the slow first start (wineboot) is paid once per build folder. Debian's wine64 runs 64-bit
# programs only; i686 programs would need wine32:i386 (multiarch), which the suite does not
# install: the i686 build is compile-checked (tests/python/mingw_check.sh), not run.
set -euo pipefail
repo=$(cd "${1:?usage: run_wine_tests.sh REPO WORK_DIR}" && pwd)
work=${2:?usage: run_wine_tests.sh REPO WORK_DIR}
mkdir -p "$work"
work=$(cd "$work" && pwd)
gxx=$(command -v x86_64-w64-mingw32-g++-posix || command -v x86_64-w64-mingw32-g++ || true)
if [ -z "$gxx" ] || ! command -v wine > /dev/null; then
  echo "SKIP: needs mingw-w64 and wine (apt-get install mingw-w64 wine wine64)"
  exit 77
fi
# Static runtime: the .exe needs no MinGW DLL beside it. src/common/error.cpp: Error's
# constructor (it makes every message valid UTF-8) lives there.
"$gxx" -std=c++20 -O1 -Wall -Wextra -Werror -static -I"$repo/include" -I"$repo/src" \
  "$repo/tests/windows/wine_paths.cpp" "$repo/src/platform/utf8.cpp" "$repo/src/platform/path.cpp" \
  "$repo/src/platform/system_error.cpp" "$repo/src/common/error.cpp" -o "$work/wine_paths.exe"
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# wine's exit code is the program's. LC_ALL=C.UTF-8: Wine stores Windows file names on the
# Unix side in the locale's charset (plain C cannot hold "é"), while its ANSI code page stays
# 1252, as on a French or English Windows (the program checks it).
cd "$work"
LC_ALL=C.UTF-8 wine "$work/wine_paths.exe"
