#!/usr/bin/env bash
# The fuzz campaign (issue 14): builds the libFuzzer build (clang; every
# library instrumented for coverage, ASan and UBSan) in build-fuzz/ and runs
# every target in tests/fuzz, one at a time, to RUNS executions each, with
# its dictionary (tests/fuzz/dict) and its checked-in seeds
# (tests/fuzz/corpus). Reports per target the executions, the time, the
# coverage (libFuzzer's final cov: edges and ft: features) and the crashes.
# A crash is minimized (-minimize_crash) and copied into
# tests/fuzz/corpus/TARGET/ as crash-<sha1>, where CTest replays it from then
# on: fix the code, keep the input.
#
# Usage: bench/fuzz_campaign.sh [TARGET...]        (default: every target)
# Knobs (environment):
#   RUNS=10000000      executions per target
#   MAX_TIME=0         seconds per target at most (0: no limit); a target
#                      stopped by it reports the executions it reached
#   SKIP_BUILD=1       use build-fuzz/ as it is
#   MERGE=1            merge what the run found into the checked-in corpus,
#                      minimized (-merge=1: only inputs adding coverage)
#   OUT=DIR            work directory (default build-fuzz/campaign)
#   NICE=19            nice level of the fuzzers and the build
#   JOBS=1             fuzzer processes per target (libFuzzer -jobs/-workers:
#                      RUNS/JOBS executions each, one shared working corpus,
#                      each picking up the others' finds); the report sums
#                      their executions and CPU seconds and gives the
#                      highest coverage among them. JOBS=2 on 2 cores halves
#                      a slow target's time (nginx_conf_fuzz).
# A target's own libFuzzer flags, one a line (# comments), are read from
# tests/fuzz/TARGET.options (nginx_conf_fuzz: -max_len), by
# tests/fuzz/target_flags.sh.
# Since the fuzzers run at nice 19 and get only the CPU others leave, the
# report also gives each fuzzer's CPU seconds and executions per CPU second
# (the rate of a quiet core) and the machine's load average during the run
# (1-minute, sampled every 10 s: min-max).
# Writes OUT/report.md (the table) and OUT/TARGET.log (libFuzzer's output).
# Exit status 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-10000000}
MAX_TIME=${MAX_TIME:-0}
OUT=${OUT:-$ROOT/build-fuzz/campaign}
NICE=${NICE:-19}
JOBS=${JOBS:-1}
BUILD=$ROOT/build-fuzz

all_targets() {
  for f in tests/fuzz/*_fuzz.cc; do basename "$f" .cc; done
}
# Prints "min-max" of the 1-minute load average sampled while PID runs.
sample_load() {
  local pid=$1 min="" max="" tick=0 l
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((tick++ % 10)) = 0 ]; then
      l=$(cut -d' ' -f1 /proc/loadavg)
      [ -z "$min" ] && min=$l max=$l
      awk -v a="$l" -v b="$min" 'BEGIN{exit !(a<b)}' && min=$l
      awk -v a="$l" -v b="$max" 'BEGIN{exit !(a>b)}' && max=$l
    fi
    sleep 1
  done
  echo "${min:-?}-${max:-?}"
}
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(all_targets); fi

if [ -z "${SKIP_BUILD:-}" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DSIGNET_LIBFUZZER=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice -n "$NICE" ninja -C "$BUILD" "${targets[@]}"
fi

mkdir -p "$OUT"
OUT=$(realpath "$OUT")
report=$OUT/report.md
{
  echo "Fuzz campaign $(date -u +%Y-%m-%dT%H:%MZ), $(clang --version | head -1), RUNS=$RUNS MAX_TIME=$MAX_TIME"
  echo
  echo "| target | executions | seconds | exec/s | CPU s | exec/CPU s | cov | ft | corpus | crashes | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$report"

crashed=0
for t in "${targets[@]}"; do
  bin=$BUILD/tests/fuzz/$t
  seeds=$ROOT/tests/fuzz/corpus/$t
  work=$OUT/corpus-$t
  artifacts=$OUT/artifacts-$t
  log=$OUT/$t.log
  mkdir -p "$work" "$artifacts" "$seeds"
  args=(-runs="$((RUNS / JOBS))" -print_final_stats=1 -timeout=25 -rss_limit_mb=2560
        -artifact_prefix="$artifacts/" -close_fd_mask=1)
  # Each job writes OUT/fuzz-K.log.
  [ "$JOBS" -gt 1 ] && { args+=(-jobs="$JOBS" -workers="$JOBS"); rm -f "$OUT"/fuzz-*.log; }
  [ "$MAX_TIME" != 0 ] && args+=(-max_total_time="$MAX_TIME")
  # Its dictionary and its own flags (tests/fuzz/TARGET.options).
  mapfile -t own < <("$ROOT/tests/fuzz/target_flags.sh" "$t")
  args+=("${own[@]}")
  echo "== $t"
  start=$(date +%s)
  # New inputs go to $work; the checked-in seeds are read, never written.
  set +e
  # `times` after the fuzzer: its CPU seconds (user and system), which give
  # the executions per CPU second, what a quiet core would run.
  (cd "$OUT" && nice -n "$NICE" "$bin" "${args[@]}" "$work" "$seeds"
   r=$?; times >"$OUT/$t.cpu"; exit $r) >"$log" 2>&1 &
  fuzzer=$!
  load=$(sample_load $fuzzer)
  wait $fuzzer
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  # With JOBS > 1, libFuzzer copies each job's log (OUT/fuzz-K.log) into its
  # own as the job ends: the executions are their sum.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
          awk '{ n += $1; k++ } END { if (k) print n }')
  # The last status line: "#N  DONE  cov: C ft: F corp: K/..." (or the last
  # "pulse"/"NEW" line before a crash).
  # With JOBS > 1, the job that reached the most features.
  status=$(if [ "$JOBS" -gt 1 ]; then
             for j in "$OUT"/fuzz-*.log; do grep -E '^#[0-9]+.*cov: ' "$j" | tail -1; done |
               awk '{ for (i = 1; i < NF; i++) if ($i == "ft:") print $(i + 1), $0 }' |
               sort -n | tail -1 | cut -d' ' -f2-
           else grep -E '^#[0-9]+.*cov: ' "$log" | tail -1; fi || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$status")
  [ -z "$execs" ] && execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$status")
  ncrash=0
  for a in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    [ -f "$a" ] || continue
    case "$a" in *.min | *.seen | *.log) continue ;; esac  # ours, from earlier runs
    ncrash=$((ncrash + 1))
    min=$a.min
    nice -n "$NICE" "$bin" -minimize_crash=1 -runs=20000 -exact_artifact_path="$min" "$a" \
      >"$a.minimize.log" 2>&1 || true
    [ -s "$min" ] || cp "$a" "$min"
    name=$(basename "$a" | cut -d- -f1)-$(sha1sum "$min" | cut -c1-16)
    cp "$min" "$seeds/$name"
    echo "   $t: $(basename "$a") -> tests/fuzz/corpus/$t/$name (replay: $bin $seeds/$name)"
    mv "$a" "$a.seen"  # not counted again by a later run
  done
  # With JOBS > 1 the parent exits 1 when its jobs were interrupted: each
  # job's "Job K exited with exit code 72" says so.
  if [ "$JOBS" -gt 1 ] && [ $rc -ne 0 ] &&
     grep -q '^=* Job [0-9]* exited with exit code' "$log" &&
     ! grep '^=* Job [0-9]* exited with exit code' "$log" | grep -qv 'exit code 72 '; then
    rc=72
  fi
  # 72: libFuzzer stopped by SIGINT (a campaign cut short), not a crash.
  [ $rc -ne 0 ] && [ $rc -ne 72 ] && [ $ncrash -eq 0 ] && ncrash="rc=$rc"
  [ $rc -eq 72 ] && execs="${execs:-?} (interrupted)"
  [ "$ncrash" != 0 ] && crashed=1
  rate=$(( secs > 0 ? ${execs%% *} / secs : ${execs%% *} ))
  # The second line, "0m12.345s 0m0.678s": the fuzzer's user and system time.
  read -r cpu cpu_rate < <(awk -v n="${execs%% *}" 'NR == 2 { t = 0
      for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
      printf "%.1f %.0f\n", t, (t > 0 ? n / t : 0) }' "$OUT/$t.cpu" 2>/dev/null || echo "? ?")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "${execs:-?}" "$secs" \
    "$rate" "$cpu" "$cpu_rate" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$ncrash" "$load" |
    tee -a "$report"
  if [ -n "${MERGE:-}" ] && [ "$ncrash" = 0 ]; then
    merged=$OUT/merged-$t
    rm -rf "$merged" && mkdir -p "$merged"
    nice -n "$NICE" "$bin" -merge=1 -timeout=25 "$merged" "$seeds" "$work" \
      >"$OUT/$t.merge.log" 2>&1
    # -merge names its picks by their SHA-1: keep the ones the seeds lack.
    known=$(cd "$seeds" && sha1sum -- * 2>/dev/null | cut -d' ' -f1)
    added=0
    for f in "$merged"/*; do
      [ -f "$f" ] || continue
      grep -qx "$(basename "$f")" <<<"$known" && continue
      cp "$f" "$seeds/" && added=$((added + 1))
    done
    echo "   $t: merged $added inputs adding coverage into tests/fuzz/corpus/$t"
  fi
done
echo
cat "$report"
exit $crashed
