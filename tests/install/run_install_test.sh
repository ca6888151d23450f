#!/usr/bin/env bash
# run_install_test.sh BUILD_DIR SOURCE_DIR — the installed package works from outside the tree:
#   1. cmake --install BUILD_DIR into a scratch prefix (nothing outside it is touched);
#   2. configure, build and run tests/install/consumer against it: verrou::core (static C++)
#      and verrou::verrou (shared, C ABI), through find_package(verrou CONFIG);
#   3. compile the same C program with `pkg-config --cflags --libs verrou` and the C++ one with
#      `pkg-config --cflags --libs verrou-core`, and run them.
# Each program hashes and verifies with a profile of its own and fails on a wrong verdict.
set -euo pipefail
build=$(cd "${1:?usage: run_install_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: run_install_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
work="$build/install-test"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
step() { echo "=== $* ==="; }

step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in include/verrou.h include/verrou/profile.hpp include/verrou/password.hpp include/verrou/error_codes.def; do
  [ -f "$prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
done
ls "$prefix"/lib*/libverrou_core.a "$prefix"/lib*/libverrou.so* "$prefix"/lib*/cmake/verrou/verrouConfig.cmake \
   "$prefix"/lib*/pkgconfig/verrou.pc "$prefix"/lib*/pkgconfig/verrou-core.pc > /dev/null

# A profile with only a hashing section and a pepper file of its own (no server needed).
umask 077
printf '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n' > "$work/pepper"
cat > "$work/profile.ini" <<INI
[env.dev.hashing]
algorithm = argon2id
argon2_memory_kib = 19456
argon2_iterations = 2
current_pepper = k1
[env.dev.hashing.peppers.k1]
file = $work/pepper
INI

step "consumer project: find_package(verrou CONFIG)"
# The consumer gets the build type of the tree it is tested from (the C++ core's ABI does
# not depend on it, but the flags then match what a customer would use).
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE="${VERROU_CONSUMER_BUILD_TYPE:-Release}" > "$work/consumer.configure.log" \
  || { cat "$work/consumer.configure.log"; exit 1; }
cmake --build "$work/consumer" -j2
"$work/consumer/consumer_core" "$work/profile.ini"
"$work/consumer/consumer_c" "$work/profile.ini"

step "pkg-config"
export PKG_CONFIG_PATH="$(dirname "$(ls "$prefix"/lib*/pkgconfig/verrou.pc)")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
echo "pkg-config --libs verrou: $(pkg-config --libs verrou)"
libdir=$(pkg-config --variable=libdir verrou)
[ "$(cd "$libdir" && pwd)" = "$(cd "$(dirname "$(ls "$prefix"/lib*/libverrou.so)")" && pwd)" ] \
  || { echo "pkg-config libdir $libdir is not the installed one"; exit 1; }
# shellcheck disable=SC2046
cc -o "$work/pc_consumer_c" "$src/tests/install/consumer/consumer_c.c" $(pkg-config --cflags --libs verrou) \
  -Wl,-rpath,"$libdir"
"$work/pc_consumer_c" "$work/profile.ini"
# shellcheck disable=SC2046
c++ -std=c++20 -o "$work/pc_consumer_core" "$src/tests/install/consumer/consumer_core.cpp" \
  $(pkg-config --cflags --libs verrou-core)
"$work/pc_consumer_core" "$work/profile.ini"
echo "install test: passed"
