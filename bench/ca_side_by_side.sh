#!/usr/bin/env bash
# signetd and Pebble side by side under the same ACME load, in one run, on
# this machine, with signet-bench (apps/signet-bench) as the client. DNS is
# pebble-challtestsrv (every name -> 127.0.0.1); HTTP-01 is answered by
# signet-bench itself.
#   1. Pebble 2.4 (PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0): A accounts,
#      C orders in flight, N orders. Pebble 2.4 deadlocks under concurrent
#      load (its authz-reuse lookup takes its store lock and authz locks in
#      the opposite order to its handlers), so C is small and a run that
#      stalls is retried on a fresh Pebble, up to 3 times. Then Pebble once
#      at HIGH_C in flight, to show where it stops.
#   2. signetd on a fresh data directory: the same workload; then HIGH_C in
#      flight; then BIG_C in flight over BIG_C connections (RSS at idle and
#      under that load).
#   3. Scale: signetd stopped, SCALE_N finished issuances (order, valid
#      authorization, real certificate) added to its store by
#      bench/store_fill, signetd restarted on it, and the HIGH_C workload
#      again, to compare with the fresh store; the store's bytes per
#      certificate. SCALE_N=0 skips it.
#   4. profiles: each signet-bench client profile (--profile: keepalive,
#      keepalive-poll1s, per-request, dns01, dns01-caa, fresh-account)
#      against Pebble and a fresh signetd, then signetd's maximum orders/s
#      per profile and its p99 per request type at half of it.
#   5. clients: lego, uacme and certbot themselves, CLIENT_C at once, one
#      certificate per process, HTTP-01 and DNS-01, against both CAs.
#      (4 and 5: bench/side_by_side_clients.sh.)
#   6. `openssl speed ecdsap256 ecdhx25519` for the crypto floor.
# Prints each run's table, then the rows, the ratios, the floor and which
# targets are met (bench/side_by_side_report.py for 1-3,
# bench/profiles_report.py for 4-5). Every run's JSON stays in $OUT
# (default build/ca_side_by_side).
#
# Usage: bench/ca_side_by_side.sh      (from a clean checkout: installs deps,
#        builds signetd + signet-bench; 1-3 take about ten minutes on 2
#        cores, 4-5 about as long again)
#        PARTS=profiles,clients bench/ca_side_by_side.sh   (4 and 5 only)
# Knobs (environment): PARTS (throughput,profiles,clients: any of them; all
# by default), A C N HIGH_C HIGH_N BIG_C BIG_N SCALE_N MAX_RUN_S; PROFILES
# PROFILE_C PROFILE_N MAX_C RATE_N CLIENTS CLIENT_CHALLENGES CLIENT_C
# CLIENT_N (see side_by_side_clients.sh); SKIP_BUILD=1, OUT=DIR. Loopback
# only, on ports apart from the integration tests' (CA 14300, DNS 8353,
# HTTP-01 5302, management 8355; CA_PORT DNS_PORT HTTP01_PORT MGMT_PORT
# PEBBLE_MGMT_PORT override them); every process started is killed at exit.
# Part 5 counts the server's accepted connections with `perf stat`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
A=${A:-10} C=${C:-10} N=${N:-1000}
HIGH_C=${HIGH_C:-50} HIGH_N=${HIGH_N:-2000}
BIG_C=${BIG_C:-1000} BIG_N=${BIG_N:-5000}
SCALE_N=${SCALE_N:-1000000}
MAX_RUN_S=${MAX_RUN_S:-240}   # no run starts orders for longer than this
OUT=${OUT:-$ROOT/build/ca_side_by_side}
PARTS=${PARTS:-throughput,profiles,clients}
part() { [[ ",$PARTS," == *",$1,"* ]]; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/install-deps.sh >/dev/null
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build signetd signet-bench store_fill >/dev/null
fi
SIGNETD=$ROOT/build/apps/signetd/signetd
BENCH=$ROOT/build/apps/signet-bench/signet-bench
STORE_FILL=$ROOT/build/bench/store_fill
mkdir -p "$OUT" "$OUT/profiles" "$OUT/clients"
rm -f "$OUT"/*.json "$OUT"/profiles/*.json "$OUT"/clients/*.json "$OUT/loadavg.txt"

CA_PORT=${CA_PORT:-14300} DNS_PORT=${DNS_PORT:-8353} HTTP01_PORT=${HTTP01_PORT:-5302}
MGMT_PORT=${MGMT_PORT:-8355} PEBBLE_MGMT_PORT=${PEBBLE_MGMT_PORT:-15300}
source tests/integration/lib.sh
source tests/integration/agent_lib.sh
source bench/side_by_side_clients.sh
trap - EXIT
finish() {
  local rc=$?
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 20 "$f"; }; done
  fi
  rm -rf "$T"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM
# A thousand connections each way, plus validations.
[ "$(ulimit -n)" -ge 8192 ] || ulimit -n 8192

stop_pid() {  # pid: kill one process we started and drop it from PIDS
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

bench() {  # name trust pid [extra flags]: one signet-bench run
  local name=$1 trust=$2 pid=$3; shift 3
  echo
  echo "=== $name"
  timeout $((MAX_RUN_S + 180)) "$BENCH" "$DIRECTORY" --ca-file "$trust" \
    --http01-port "$HTTP01_PORT" --server-pid "$pid" -D "$MAX_RUN_S" --request-timeout-ms 20000 \
    --json "$OUT/$name.json" "$@" 2>"$T/bench-$name.log" | tee "$OUT/$name.txt"
}

start_dns
loadavg_sampler &
PIDS+=($!)
RUN_TAG=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')

stalled() { python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["stalled"] else 1)' "$1"; }

if part throughput; then
# 1. Pebble: the common workload (retried on a fresh Pebble if it deadlocks),
# then HIGH_C in flight once.
for attempt in 1 2 3; do
  PEBBLE_WFE_NONCEREJECT=0 start_pebble
  PEBBLE_PID=${PIDS[-1]}
  bench pebble "$TRUST" "$PEBBLE_PID" -A "$A" -C "$C" -N "$N"
  stop_pid "$PEBBLE_PID"
  echo "$attempt" >"$OUT/pebble_attempts"
  stalled "$OUT/pebble.json" || break
  echo "(Pebble stalled: attempt $attempt of 3)"
done
PEBBLE_WFE_NONCEREJECT=0 start_pebble
PEBBLE_PID=${PIDS[-1]}
bench pebble_high "$TRUST" "$PEBBLE_PID" -A "$A" -C "$HIGH_C" -N "$HIGH_N"
stop_pid "$PEBBLE_PID"

# 2. signetd, fresh store: the same workload, then HIGH_C, then BIG_C in
# flight over one connection each.
start_signetd_ca "$SIGNETD"
sleep 1
rss_kb "$SIGNETD_PID" >"$OUT/signetd_idle_rss_kb"
bench signetd "$TRUST" "$SIGNETD_PID" -A "$A" -C "$C" -N "$N"
bench signetd_high "$TRUST" "$SIGNETD_PID" -A "$A" -C "$HIGH_C" -N "$HIGH_N"
bench signetd_big "$TRUST" "$SIGNETD_PID" -A 100 -C "$BIG_C" -N "$BIG_N" --connections "$BIG_C"

# 3. Scale: the HIGH_C workload again with SCALE_N more certificates (and
# their orders and authorizations) in the store.
if [ "$SCALE_N" -gt 0 ]; then
  stop_pid "$SIGNETD_PID"
  echo
  echo "=== store_fill: adding $SCALE_N finished issuances to signetd's store"
  "$STORE_FILL" "$DATA" "$SCALE_N" --listen "127.0.0.1:$CA_PORT" \
    --publication-base "http://127.0.0.1:$((CA_PORT + 80))" --json "$OUT/store_fill.json" \
    2>"$T/store_fill.log" || { tail -n 5 "$T/store_fill.log"; exit 1; }
  tail -n 1 "$T/store_fill.log"
  # The bulk load leaves gigabytes of dirty pages that the kernel writes back
  # for the next minute, and SQLite's checkpoint fsync would wait behind
  # that: an artifact of setting up, not how a store that grew over months
  # behaves. Flush it before measuring.
  sync
  start_signetd_ca "$SIGNETD"
  sleep 1
  rss_kb "$SIGNETD_PID" >"$OUT/signetd_scale_idle_rss_kb"
  bench signetd_scale "$TRUST" "$SIGNETD_PID" -A "$A" -C "$HIGH_C" -N "$HIGH_N"
fi

stop_pid "$SIGNETD_PID"
fi

# 4 and 5: the client profiles and the real clients, on a fresh signetd.
if part profiles || part clients; then
  part profiles && profiles_pebble
  part clients && clients_pebble
  DATA="$T/ca-clients"
  start_signetd_ca "$SIGNETD"
  part profiles && profiles_signetd
  part clients && clients_signetd
  stop_pid "$SIGNETD_PID"
fi

# 6. The crypto floor on this machine.
openssl speed -seconds 2 ecdsap256 ecdhx25519 2>/dev/null >"$OUT/openssl_speed.txt"

echo
if part throughput; then python3 bench/side_by_side_report.py "$OUT"; fi
if part profiles || part clients; then python3 bench/profiles_report.py "$OUT"; fi
