#!/usr/bin/env bash
# Starts a throwaway test bed, runs bench_pool against its strict server, stops the bed.
# Usage: bench/run-pool.sh [BUILD_DIR] [ROUNDS] [SECONDS]   (BUILD_DIR: a Release build, default build-bench)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-bench}
rounds=${2:-200}
seconds=${3:-5}
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
"$build/bench/bench_pool" "$bed" "$rounds" "$seconds"
