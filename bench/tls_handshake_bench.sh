#!/usr/bin/env bash
# Full TLS handshakes (and resumed ones) per second and server CPU per
# handshake: signetd's ACME listener against `openssl s_server` with the
# same certificate and key (the floor: one ECDHE, one signature), side by
# side in one run. The client is `openssl s_time` (a new connection per
# handshake, one GET each); the server's CPU comes from /proc/PID/stat.
# Usage: bench/tls_handshake_bench.sh [SECONDS]   (default 5; SKIP_BUILD=1;
#        SIGNETD=binary; ports as tests/integration/lib.sh, s_server on
#        CA_PORT+100, Pebble on CA_PORT+120)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
source bench/signetd_build.sh
source tests/integration/lib.sh
source tests/integration/agent_lib.sh
start_ca "$SIGNETD"
SIGNETD_TRUST=$DATA/root.pem
SSERVER_PORT=$((CA_PORT + 100))
openssl s_server -accept "127.0.0.1:$SSERVER_PORT" -cert "$DATA/listener.pem" \
  -key "$DATA/listener.key" -www -quiet >"$T/s_server.log" 2>&1 &
SSERVER_PID=$!; PIDS+=($SSERVER_PID)
wait_for_port 127.0.0.1 "$SSERVER_PORT"
CA_PORT=$((CA_PORT + 120)) PEBBLE_MGMT_PORT=$((CA_PORT + 121)) start_pebble
PEBBLE_PID=${PIDS[-1]} PEBBLE_PORT=$((CA_PORT + 120)) PEBBLE_TRUST=$TRUST

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() {  # name pid port mode(-new|-reuse) cafile
  local c0 c1 out n
  c0=$(ticks "$2")
  out=$(openssl s_time -connect "127.0.0.1:$3" -CAfile "$5" "$4" -time "$SECS" \
        -www / 2>&1)
  c1=$(ticks "$2")
  n=$(sed -n 's/^\([0-9]*\) connections in .*/\1/p' <<<"$out" | head -1)
  [ -n "$n" ] && [ "$n" -gt 0 ] || { echo "$out" >&2; fail "s_time against $1"; }
  local hz; hz=$(getconf CLK_TCK)
  awk -v name="$1" -v mode="$4" -v n="$n" -v s="$SECS" -v cpu="$((c1 - c0))" -v hz="$hz" \
    'BEGIN { printf "%-10s %-7s %8.0f %12.3f\n", name, mode, n / s, 1000 * cpu / hz / n }'
}
echo "TLS handshakes, $SECS s each, $(date -u +%F), $(nproc) cores, key: $(openssl pkey -in "$DATA/listener.key" -noout -text 2>/dev/null | sed -n 's/.*ASN1 OID: //p')"
printf '%-10s %-7s %8s %12s\n' server mode per_s server_cpu_ms
for mode in -new -reuse; do
  run s_server "$SSERVER_PID" "$SSERVER_PORT" "$mode" "$SIGNETD_TRUST"
  run signetd "$SIGNETD_PID" "$CA_PORT" "$mode" "$SIGNETD_TRUST"
  run pebble "$PEBBLE_PID" "$PEBBLE_PORT" "$mode" "$PEBBLE_TRUST"
done
