#!/usr/bin/env bash
# Server CPU per certificate, Pebble and signetd side by side in one run
# (and an older signetd binary too when OLD_SIGNETD is set), under
# signet-bench keep-alive and --connection-per-request: the figure issue 13
# targets (signetd at most 1/3 of Pebble's). All servers run at once; the
# load runs against one at a time, ROUNDS times in turn (so a burst of other
# load on the machine hits each alike), and the median per server is printed.
# A run that fails (Pebble 2.4 deadlocks now and then under concurrent
# load; signet-bench gives up after 15 s without an answer) is left out.
# PERF=1: `perf record -g` on each signetd during its runs of each profile
# (build/server_cpu/perf-SERVER-PROFILE.data; perf costs it CPU, so the
# figures of that run are not comparable with Pebble's).
#
# Usage: bench/server_cpu.sh   (from the repository root)
# Knobs: A C N_KA N_CPR ROUNDS OLD_SIGNETD SKIP_BUILD=1 OUT=DIR PERF=1;
# OLD_DATA_ROOT=DIR puts signetd_old's data directory (its SQLite store)
# under DIR, e.g. a tmpfs (/dev/shm) to see what durable storage costs
# (OLD_SIGNETD may be the same binary);
# ports BASE_PORT (default 23100) .. BASE_PORT+130.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
A=${A:-10} C=${C:-10} N_KA=${N_KA:-300} N_CPR=${N_CPR:-200} ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$ROOT/build/server_cpu}
source bench/signetd_build.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then ninja -C build signet-bench >/dev/null; fi
BENCH=$ROOT/build/apps/signet-bench/signet-bench
mkdir -p "$OUT"
rm -f "$OUT"/*.json

BASE_PORT=${BASE_PORT:-23100}
DNS_PORT=$((BASE_PORT + 53)) MGMT_PORT=$((BASE_PORT + 55)) HTTP01_PORT=$((BASE_PORT + 2))
TLSALPN01_PORT=$((BASE_PORT + 1)) PEBBLE_MGMT_PORT=$((BASE_PORT + 15))
source tests/integration/lib.sh
source tests/integration/agent_lib.sh
[ "$(ulimit -n)" -ge 8192 ] || ulimit -n 8192

start_dns
CA_PORT=$((BASE_PORT + 10)) PEBBLE_WFE_NONCEREJECT=0 start_pebble
PEBBLE_PID=${PIDS[-1]} PEBBLE_DIR=$DIRECTORY PEBBLE_TRUST=$TRUST
declare -A PID DIR TRUSTS
PID[pebble]=$PEBBLE_PID DIR[pebble]=$PEBBLE_DIR TRUSTS[pebble]=$PEBBLE_TRUST
SERVERS=(pebble)
start_one() {  # name binary port [data root]
  # Its plain-HTTP and operator listeners are on PORT+80 and PORT+90.
  local root=${4:-$T}
  mkdir -p "$root"
  DATA="$root/$1" CA_PORT=$3 start_signetd "$2"
  PID[$1]=$SIGNETD_PID DIR[$1]="https://127.0.0.1:$3/directory" TRUSTS[$1]="$root/$1/root.pem"
  SERVERS+=("$1")
}
start_one signetd "$SIGNETD" $((BASE_PORT + 20))
[ -z "${OLD_SIGNETD:-}" ] || start_one signetd_old "$OLD_SIGNETD" $((BASE_PORT + 40)) "${OLD_DATA_ROOT:-}"
sleep 1

run() {  # server profile round [flags]
  local s=$1 p=$2 r=$3; shift 3
  local perf_pid=
  if [ "${PERF:-0}" = 1 ] && [ "$s" != pebble ]; then
    perf record -g -o "$OUT/perf-$s-$p.data" -p "${PID[$s]}" 2>/dev/null >/dev/null &
    perf_pid=$!
  fi
  "$BENCH" "${DIR[$s]}" --ca-file "${TRUSTS[$s]}" --http01-port "$HTTP01_PORT" \
    --server-pid "${PID[$s]}" --request-timeout-ms 20000 -A "$A" -C "$C" \
    --stall-ms 15000 --json "$OUT/$s-$p-$r.json" "$@" >"$OUT/$s-$p-$r.txt" 2>"$T/bench.log" \
    || { echo "($s $p round $r failed: left out)"; tail -n 3 "$T/bench.log"; rm -f "$OUT/$s-$p-$r.json"; }
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
}
for r in $(seq "$ROUNDS"); do
  for s in "${SERVERS[@]}"; do
    run "$s" keepalive "$r" -N "$N_KA"
    run "$s" conn_per_request "$r" -N "$N_CPR" --connection-per-request
  done
done

python3 - "$OUT" "${SERVERS[@]}" <<'PY'
import json, statistics, sys, glob
out, servers = sys.argv[1], sys.argv[2:]
print(f"{'profile':18} {'server':12} {'cpu ms/cert (median)':>21} {'runs':>24} {'orders/s':>9} {'x Pebble':>9}")
for p in ("keepalive", "conn_per_request"):
    base = None
    for s in servers:
        runs = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{s}-{p}-*.json"))]
        cpu = [1000 * r["server"]["cpu_seconds_per_cert"] for r in runs]
        ops = statistics.median(r["orders_per_second"] for r in runs)
        m = statistics.median(cpu)
        base = base or m
        print(f"{p:18} {s:12} {m:21.2f} {' '.join(f'{c:.2f}' for c in cpu):>24} {ops:9.1f} {m / base:9.2f}")
PY
