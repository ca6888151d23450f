#!/usr/bin/env bash
# Starts a throwaway test bed and its Galera cluster, runs bench_failover, stops everything.
# Usage: bench/run-failover.sh [BUILD_DIR] [RUNS]   (BUILD_DIR: a Release build, default build-bench)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-bench}
runs=${2:-5}
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
bash "$repo/tests/testbed/cluster.sh" up "$bed" 3
"$build/bench/bench_failover" "$bed" "$runs"
