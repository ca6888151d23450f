# bench/bed.sh — sourced by the bench/run-*.sh scripts: a throwaway test bed (tests/testbed) in
# a fresh folder, up now and taken down with its folder when the script exits.
# Sets: repo (the checkout), bed (the bed's folder). A script that has more to clean up defines
# bench_cleanup_extra before sourcing this file; it runs before the bed goes down.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bed=$(mktemp -d /tmp/verrou-bench.XXXXXX)
bench_bed_down() {
  if declare -F bench_cleanup_extra > /dev/null; then bench_cleanup_extra || true; fi
  bash "$repo/tests/testbed/testbed.sh" down "$bed" > /dev/null 2>&1
  rm -rf "$bed"
}
trap bench_bed_down EXIT
bash "$repo/tests/testbed/testbed.sh" up "$bed" > /dev/null
