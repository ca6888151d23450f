#!/usr/bin/env bash
# Starts a throwaway test bed, runs bench_ocsp against its strict server with the bed's own OCSP
# responder (both on 127.0.0.1 only), stops the bed.
# Usage: bench/run-ocsp.sh [BUILD_DIR] [ROUNDS] [COLD_ROUNDS]   (BUILD_DIR: a Release build, default build-bench)
# BENCH_WRAPPER, when set, runs the bench under that command: instruction counts that the load
# cannot move (docs/benchmarks.md), e.g.
#   BENCH_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=/tmp/ocsp.cg" bench/run-ocsp.sh build-bench 20 1
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-bench}
rounds=${2:-200}
cold_rounds=${3:-20}
bench_cleanup_extra() {
  # The bench stops its responder itself; should it die first, end that responder by its pid
  # (found by this bed's own, unique path) before the bed's servers go down.
  local pid
  for pid in $(pgrep -f -- "$bed/ocsp-bench/" || true); do kill "$pid" 2> /dev/null || true; done
}
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
${BENCH_WRAPPER:-} "$build/bench/bench_ocsp" "$bed" "$rounds" "$cold_rounds"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
