#!/usr/bin/env bash
# Issuance with Certificate Transparency on and off, side by side (issue 11):
# the same signet-bench workload against signetd without a log list, then
# against signetd with three signet-ctlog instances of three operators
# (their log.json files merged; 2 SCTs of 2 operators per certificate), on
# fresh data directories. Prints orders/s and the order latency's p50/p99 of
# both runs and their ratio; the signet-ctlog side's own add-pre-chain rate
# is bench/ctlog_bench's (on the signet-ctlog branch).
#
# Usage: SIGNET_CTLOG=/path/to/signet-ctlog bench/ct_side_by_side.sh
# Knobs (environment): A C N MAX_RUN_S, SKIP_BUILD=1, OUT=DIR (default
# build/ct_side_by_side), CT_TIMEOUT_MS. Loopback only, on ports apart from
# the integration tests' (CA 14500, DNS 8553, HTTP-01 5502, logs 16980-16982);
# every process started is killed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CTLOG=${SIGNET_CTLOG:?set SIGNET_CTLOG to the signet-ctlog binary}
A=${A:-10} C=${C:-20} N=${N:-1000}
MAX_RUN_S=${MAX_RUN_S:-120}
CT_TIMEOUT_MS=${CT_TIMEOUT_MS:-10000}
OUT=${OUT:-$ROOT/build/ct_side_by_side}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build signetd signet-bench >/dev/null
fi
SIGNETD=$ROOT/build/apps/signetd/signetd
BENCH=$ROOT/build/apps/signet-bench/signet-bench
mkdir -p "$OUT"
rm -f "$OUT"/*.json

CA_PORT=${CA_PORT:-14500} DNS_PORT=${DNS_PORT:-8553} HTTP01_PORT=${HTTP01_PORT:-5502}
MGMT_PORT=${MGMT_PORT:-8555} CT_PORT=${CT_PORT:-16980}
source tests/integration/lib.sh
[ "$(ulimit -n)" -ge 8192 ] || ulimit -n 8192

stop_pid() {  # pid: kill one process we started and drop it from PIDS
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}
bench() {  # name: one signet-bench run against the signetd running now
  echo
  echo "=== $1"
  timeout $((MAX_RUN_S + 180)) "$BENCH" "$DIRECTORY" --ca-file "$DATA/root.pem" \
    --http01-port "$HTTP01_PORT" --server-pid "$SIGNETD_PID" -D "$MAX_RUN_S" \
    --request-timeout-ms 30000 -A "$A" -C "$C" -N "$N" --json "$OUT/$1.json" \
    2>"$T/bench-$1.log" | tee "$OUT/$1.txt"
}

start_dns

# 1. CT off: signetd as the test contract runs it.
DATA="$T/ca-off"
start_signetd "$SIGNETD"
bench ct_off
stop_pid "$SIGNETD_PID"

# 2. CT on: a fresh CA (made by a first start), three logs accepting its
# root, signetd restarted with the merged list.
DATA="$T/ca-on"
start_signetd "$SIGNETD"
stop_pid "$SIGNETD_PID"
for i in 0 1 2; do
  "$CTLOG" serve --data-dir "$T/log$i" --listen "127.0.0.1:$((CT_PORT + i))" \
    --roots "$DATA/root.pem" --operator "Operator $i" --description "bench log $i" \
    >>"$T/ctlog$i.log" 2>&1 &
  PIDS+=($!)
  wait_for_port 127.0.0.1 "$((CT_PORT + i))"
  for _ in $(seq 50); do [ -s "$T/log$i/log.json" ] && break; sleep 0.1; done
done
python3 - "$T/logs.json" "$T"/log{0,1,2}/log.json <<'PY'
import json, sys
merged = {"version": "1.0", "operators": []}
for path in sys.argv[2:]:
    merged["operators"] += json.load(open(path))["operators"]
json.dump(merged, open(sys.argv[1], "w"))
PY
start_signetd "$SIGNETD" --ct-log-list "$T/logs.json" --ct-timeout-ms "$CT_TIMEOUT_MS"
bench ct_on
curl -sS "http://127.0.0.1:$((CA_PORT + 90))/metrics" | grep '^signetd_ct_' >"$OUT/ct_metrics.txt" || true
stop_pid "$SIGNETD_PID"

python3 - "$OUT/ct_off.json" "$OUT/ct_on.json" <<'PY'
import json, sys
off, on = (json.load(open(p)) for p in sys.argv[1:3])
def row(name, r):
    lat = r["order_latency"]
    return "%-8s %8.1f %10.1f %10.1f %9d %7d" % (
        name, r["orders_per_second"], lat["p50_ms"], lat["p99_ms"],
        r["orders"]["completed"], r["orders"]["failed"])
print()
print("%-8s %8s %10s %10s %9s %7s" % ("CT", "orders/s", "p50 ms", "p99 ms", "completed", "failed"))
print(row("off", off))
print(row("on", on))
if off["orders_per_second"] > 0:
    print("CT on / off: throughput x%.2f, p99 x%.2f" % (
        on["orders_per_second"] / off["orders_per_second"],
        on["order_latency"]["p99_ms"] / max(off["order_latency"]["p99_ms"], 1e-9)))
PY
# What CT itself costs, apart from the client's polling: each log's mean
# add-pre-chain time as signetd measured it. (With CT, finalize answers
# "processing" with Retry-After: 1, so clients that honour it poll a second
# later: that, not the logs, is most of the order latency above.)
python3 - "$OUT/ct_metrics.txt" <<'PY'
import re, sys
sums, counts = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'signetd_ct_submission_duration_seconds_(sum|count)\{kind="(\w+)",log="([^"]*)"\} (\S+)', line)
    if m:
        (sums if m.group(1) == "sum" else counts)[(m.group(2), m.group(3))] = float(m.group(4))
for key in sorted(counts):
    if counts[key]:
        print("CT %-7s %-12s %6d submissions, mean %.1f ms" % (key[0], key[1], counts[key], 1000 * sums[key] / counts[key]))
PY
echo "(runs' JSON and signetd_ct_* metrics in $OUT)"
