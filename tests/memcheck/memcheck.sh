#!/usr/bin/env bash
# memcheck.sh OUT_DIR COMMAND [ARGS...] — runs COMMAND under Valgrind memcheck (every child
# process too), then judges the reports with judge.py:
#   * any memory error (invalid read/write, uninitialised value, bad free, fd misuse) whose
#     stack passes through verrou (libverrou, the static core in an example) fails;
#   * any leak (definite, indirect, possible) allocated through verrou fails;
#   * reports entirely inside another program (python's interpreter) are counted and listed,
#     not judged: they are not the library's;
#   * tests/memcheck/verrou.supp suppresses only reviewed one-time allocations of libmariadb
#     and OpenSSL (process-wide state kept until exit).
# The command's own exit code must be 0 too.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: memcheck.sh OUT_DIR COMMAND [ARGS...]}
shift
command -v valgrind > /dev/null || { echo "memcheck: valgrind not installed (scripts/install-deps)"; exit 77; }
rm -rf "$out"
mkdir -p "$out"
rc=0
# PYTHONMALLOC=malloc: python's own allocator hides use-after-free and leaks from valgrind.
PYTHONMALLOC=malloc valgrind --tool=memcheck --trace-children=yes --child-silent-after-fork=yes \
  --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
  --track-fds=no --num-callers=40 --suppressions="$here/verrou.supp" \
  --xml=yes --xml-file="$out/vg.%p.xml" --log-file="$out/vg.%p.log" \
  "$@" || rc=$?
if [ "$rc" != 0 ]; then
  echo "memcheck: the command failed under valgrind (exit $rc)"
  tail -n 40 "$out"/vg.*.log 2>/dev/null || true
fi
judge=0
/usr/bin/python3 "$here/judge.py" "$out" || judge=$?
[ "$rc" = 0 ] && [ "$judge" = 0 ]
