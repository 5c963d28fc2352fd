#!/usr/bin/env bash
# signetd's throughput on an empty store and on one holding SCALE_N finished
# issuances (bench/store_fill: order, valid authorization, real certificate
# each), side by side in one run, for one or more signetd binaries (e.g. the
# one before a change and the one after). Runs alternate (empty, full, empty,
# full, ... per binary, ROUNDS times) so that the load of a shared machine
# falls on both stores alike; each run is signet-bench's keep-alive workload
# (A accounts, C orders in flight, N orders, HTTP-01). The full store is
# made once in KEEP (default build/store_scale/full) and reused by later
# runs; each empty run gets a fresh data directory.
#
# Usage: bench/store_scale.sh SIGNETD [SIGNETD...]
# Knobs (environment): SCALE_N A C N ROUNDS MAX_RUN_S KEEP OUT, and the ports
# (CA_PORT DNS_PORT HTTP01_PORT MGMT_PORT; defaults apart from the tests').
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ $# -ge 1 ] || { echo "usage: $0 SIGNETD [SIGNETD...]" >&2; exit 2; }
BINARIES=("$@")
SCALE_N=${SCALE_N:-1000000} A=${A:-10} C=${C:-50} N=${N:-2000} ROUNDS=${ROUNDS:-2}
MAX_RUN_S=${MAX_RUN_S:-120}
OUT=${OUT:-$ROOT/build/store_scale}
KEEP=${KEEP:-$OUT/full}
BENCH=${BENCH:-$ROOT/build/apps/signet-bench/signet-bench}
STORE_FILL=${STORE_FILL:-$ROOT/build/bench/store_fill}
mkdir -p "$OUT"

CA_PORT=${CA_PORT:-14400} DNS_PORT=${DNS_PORT:-8453} HTTP01_PORT=${HTTP01_PORT:-5402}
MGMT_PORT=${MGMT_PORT:-8455} TLSALPN01_PORT=${TLSALPN01_PORT:-5401}
source tests/integration/lib.sh
[ "$(ulimit -n)" -ge 8192 ] || ulimit -n 8192

stop_signetd() {
  kill "$SIGNETD_PID" 2>/dev/null || true
  wait "$SIGNETD_PID" 2>/dev/null || true
}

start_dns

# The full store: made once (signetd's first start creates the CA), then filled.
if [ ! -f "$KEEP/filled" ]; then
  rm -rf "$KEEP"
  DATA=$KEEP start_signetd "${BINARIES[0]}"
  stop_signetd
  echo "=== store_fill: $SCALE_N finished issuances into $KEEP"
  "$STORE_FILL" "$KEEP" "$SCALE_N" --listen "127.0.0.1:$CA_PORT" \
    --publication-base "http://127.0.0.1:$((CA_PORT + 80))" --json "$OUT/store_fill.json" \
    2>"$T/store_fill.log" || { tail -n 5 "$T/store_fill.log"; exit 1; }
  tail -n 1 "$T/store_fill.log"
  touch "$KEEP/filled"
fi
# Flush the bulk load's dirty pages: the checkpoint's fsync would wait
# behind them, an artifact of the set-up.
sync

run() {  # label binary data-dir
  local label=$1 bin=$2
  DATA=$3 start_signetd "$bin"
  sleep 1
  timeout $((MAX_RUN_S + 180)) "$BENCH" "https://127.0.0.1:$CA_PORT/directory" \
    --ca-file "$3/root.pem" --http01-port "$HTTP01_PORT" --server-pid "$SIGNETD_PID" \
    -D "$MAX_RUN_S" --request-timeout-ms 20000 -A "$A" -C "$C" -N "$N" \
    --json "$OUT/$label.json" >"$OUT/$label.txt" 2>"$T/bench-$label.log"
  stop_signetd
  python3 - "$OUT/$label.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r.get("server") or {}
print("%-28s %5d/%-5d %8.1f orders/s %7.2f ms CPU/cert  errors %s" % (
    sys.argv[2], r["orders"]["completed"], r["orders"]["started"], r["orders_per_second"],
    1000 * s.get("cpu_seconds_per_cert", float("nan")),
    ", ".join("%s=%d" % kv for kv in sorted(r["errors"].items())) or "none"))
PY
}

for round in $(seq "$ROUNDS"); do
  for i in "${!BINARIES[@]}"; do
    rm -rf "$T/empty"
    run "bin${i}_empty_r${round}" "${BINARIES[$i]}" "$T/empty"
    run "bin${i}_full_r${round}" "${BINARIES[$i]}" "$KEEP"
  done
done

python3 - "$OUT" "${#BINARIES[@]}" "$ROUNDS" "${BINARIES[@]}" <<'PY'
import json, statistics, sys
out, nbin, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = sys.argv[4:]
print()
print("| signetd | store | orders/s (each round) | median | server CPU ms/cert (median) |")
print("|---|---|---|---|---|")
for i in range(nbin):
    med = {}
    for store in ("empty", "full"):
        runs = [json.load(open("%s/bin%d_%s_r%d.json" % (out, i, store, r)))
                for r in range(1, rounds + 1)]
        ops = [r["orders_per_second"] for r in runs]
        cpu = [1000 * r["server"]["cpu_seconds_per_cert"] for r in runs]
        med[store] = statistics.median(ops)
        print("| %s | %s | %s | %.1f | %.2f |" % (names[i], store, " / ".join("%.1f" % o for o in ops),
                                                med[store], statistics.median(cpu)))
    print("| %s | full / empty | | %.2fx | |" % (names[i], med["full"] / med["empty"]))
PY
