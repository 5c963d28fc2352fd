#!/usr/bin/env bash
# Coverage-guided fuzzing by hand, a short smoke run: builds the fuzz targets
# with clang, libFuzzer, ASan and UBSan into build-fuzz/ and runs each for
# SECONDS (default 60) over a copy of its seed corpus. Crashes land in
# build-fuzz/. The full campaign (executions, coverage, crashes kept as
# regression seeds) is bench/fuzz_campaign.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSIGNET_LIBFUZZER=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mapfile -t targets < <(for f in tests/fuzz/*_fuzz.cc; do basename "$f" .cc; done)
ninja -C build-fuzz "${targets[@]}"
for t in "${targets[@]}"; do
  work="build-fuzz/corpus-$t"
  mkdir -p "$work" && cp -n tests/fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
  echo "== $t ($SECONDS_EACH s)"
  mapfile -t own < <(tests/fuzz/target_flags.sh "$t")  # dictionary, TARGET.options
  (cd build-fuzz && "./tests/fuzz/$t" -max_total_time="$SECONDS_EACH" "${own[@]}" "corpus-$t")
done
