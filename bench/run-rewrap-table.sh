#!/usr/bin/env bash
# Starts a throwaway test bed, times `verrou field rewrap-table` on it, stops the bed.
# Usage: bench/run-rewrap-table.sh [BUILD_DIR] [ROWS]   (BUILD_DIR: a Release build with verrou_cli and
# verrou_shared, default build-bench)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-bench}
rows=${2:-10000}
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
/usr/bin/python3 "$repo/bench/bench_rewrap_table.py" "$bed" "$(cd "$build" && pwd)" "$rows"
