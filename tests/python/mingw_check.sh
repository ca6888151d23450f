#!/usr/bin/env bash
# mingw_check.sh REPO [capi|core] — Windows compile check, run here with Debian's mingw-w64.
#
#   capi: verrou.h compiled as C and C++ for x86_64 and i686 (with a static_assert that the
#         functions are __stdcall on i686 and that verrou_int is pointer-sized), then every
#         capi/*.cpp with -fsyntax-only for both.
#   core: every src/**/*.cpp (the whole static core verrou.dll is built from), so a POSIX-only
#         header or call anywhere fails here, not on a customer's build machine.
#
# The -posix compilers are used: the win32 thread model has no std::mutex (MSVC does).
# OpenSSL / nlohmann / libmariadb / argon2 headers are the Linux ones, exposed alone through a
# private include dir
# (no /usr/include on the path, so the Windows system headers stay mingw's). Exit 77 = skip.
set -uo pipefail
repo=$(cd "${1:?usage: mingw_check.sh REPO [capi|core]}" && pwd)  # absolute: steps below cd elsewhere
part=${2:-capi}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc_for() { command -v "$1-w64-mingw32-$2-posix" || command -v "$1-w64-mingw32-$2"; }
for arch in x86_64 i686; do
  if [ -z "$(cc_for $arch g++)" ] || [ -z "$(cc_for $arch gcc)" ]; then
    echo "SKIP: $arch-w64-mingw32 compilers not installed (apt-get install mingw-w64)"
    exit 77
  fi
done

inc="$work/include"
mkdir -p "$inc/openssl"
ln -s /usr/include/nlohmann "$inc/nlohmann"
for f in /usr/include/openssl/* /usr/include/"$(gcc -dumpmachine)"/openssl/*; do
  [ -e "$f" ] && ln -sf "$f" "$inc/openssl/"
done
ln -s /usr/include/mariadb "$inc/mariadb"
ln -s /usr/include/argon2.h "$inc/argon2.h"

status=0
run() {  # label, command...
  local label=$1; shift
  if out=$("$@" 2>&1); then
    echo "ok    $label"
  else
    echo "FAIL  $label"; echo "$out" | head -20; status=1
  fi
}

if [ "$part" = capi ]; then
  cat > "$work/abi_check.c" <<'C'
#include "verrou.h"
/* C89-style use from C: the declarations alone must compile. */
typedef char verrou_int_is_pointer_sized[sizeof(verrou_int) == sizeof(void *) ? 1 : -1];
int main(void) { return verrou_version((char *)0, 0) == VERROU_E_BUFFER_TOO_SMALL ? 0 : 1; }
C
  cat > "$work/abi_check.cpp" <<'CPP'
#include "verrou.h"
#include <type_traits>
static_assert(sizeof(verrou_int) == sizeof(void*), "verrou_int is WinDev's entier systeme");
static_assert(std::is_signed_v<verrou_int>);
#if defined(__i386__)
// 32-bit WinDev calls API() functions as __stdcall: the type must say so.
typedef verrou_int(__stdcall* stdcall_buf_t)(char*, verrou_int);
typedef verrou_int(__cdecl* cdecl_buf_t)(char*, verrou_int);
static_assert(std::is_same_v<decltype(&verrou_version), stdcall_buf_t>, "verrou_version must be __stdcall");
static_assert(!std::is_same_v<decltype(&verrou_version), cdecl_buf_t>);
typedef verrou_int(__stdcall* stdcall_h_t)(verrou_int);
// Initialization is checked without templates (which may drop calling-convention attributes).
[[maybe_unused]] static constexpr stdcall_buf_t version_ptr = &verrou_version;
[[maybe_unused]] static constexpr stdcall_h_t connect_ptr = &verrou_connect;
static_assert(sizeof(verrou_int) == 4, "no 8-byte parameter in a 32-bit build");
#else
static_assert(sizeof(verrou_int) == 8);
#endif
int main() { return 0; }
CPP
  cat > "$work/cdecl_must_fail.cpp" <<'CPP'
#include "verrou.h"
typedef verrou_int(__cdecl* cdecl_buf_t)(char*, verrou_int);
cdecl_buf_t p = &verrou_version;  // must not compile on i686: the function is __stdcall
CPP
  run "i686 a __cdecl pointer to verrou_version is refused" bash -c \
    "! '$(cc_for i686 g++)' -std=c++20 -fsyntax-only -I'$repo/include' '$work/cdecl_must_fail.cpp' 2>/dev/null"
  for arch in x86_64 i686; do
    gcc_=$(cc_for $arch gcc); gxx=$(cc_for $arch g++)
    run "$arch verrou.h as C89"  "$gcc_" -std=c89 -pedantic -Wall -Werror -fsyntax-only -I"$repo/include" "$work/abi_check.c"
    run "$arch verrou.h as C11"  "$gcc_" -std=c11 -Wall -Werror -fsyntax-only -I"$repo/include" "$work/abi_check.c"
    run "$arch verrou.h as C++ (+ __stdcall/size asserts)" "$gxx" -std=c++20 -Wall -Werror -fsyntax-only -I"$repo/include" "$work/abi_check.cpp"
    for f in "$repo"/capi/*.cpp; do
      run "$arch capi/$(basename "$f")" "$gxx" -std=c++20 -Wall -Wextra -Werror -fsyntax-only -DVERROU_BUILDING_DLL \
        -I"$repo/include" -I"$repo/src" -isystem "$inc" "$f"
    done
  done
  # The DLL's exports as a 32-bit caller sees them: undecorated names through the .def file.
  gxx=$(cc_for i686 g++)
  run "i686 header + .def link (undecorated __stdcall exports)" bash -c "
    cd '$work' && cat > stub.cpp <<'S'
#define VERROU_BUILDING_DLL
#include \"verrou.h\"
extern \"C\" VERROU_API verrou_int VERROU_CALL verrou_version(char*, verrou_int) { return 0; }
S
    '$gxx' -std=c++20 -shared -I'$repo/include' stub.cpp -o stub.dll -Wl,--kill-at 2>&1 &&
    $(cc_for i686 gcc | sed 's/gcc\(-posix\)\{0,1\}$/objdump/') -p stub.dll | grep -q '\\bverrou_version\$'"
else
  # ~70 compiles: spread over the machine's cores (VERROU_JOBS, as scripts/test), each one's
  # report kept in its own file and printed in order.
  par=${VERROU_JOBS:-$(nproc)}
  n=0
  for arch in x86_64 i686; do
    gxx=$(cc_for $arch g++)
    while IFS= read -r f; do
      n=$((n + 1))
      while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n || true; done
      run "$arch $f" "$gxx" -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I"$repo/include" -I"$repo/src" \
        -isystem "$inc" -isystem "$inc/mariadb" "$repo/$f" > "$work/out.$(printf %04d $n)" 2>&1 &
    done < <(cd "$repo" && find src -name '*.cpp' | sort)
  done
  wait
  cat "$work"/out.*
  grep -q '^FAIL' "$work"/out.* && status=1
fi
[ $status = 0 ] && echo "windows compile check ($part): passed" || echo "windows compile check ($part): FAILED"
exit $status
