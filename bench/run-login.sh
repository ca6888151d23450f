#!/usr/bin/env bash
# Starts a throwaway test bed, runs bench_login against its strict server, stops the bed.
# Usage: bench/run-login.sh [BUILD_DIR] [ROUNDS]   (BUILD_DIR: a Release build, default build-bench)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-bench}
rounds=${2:-51}
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
"$build/bench/bench_login" "$bed" "$rounds"
