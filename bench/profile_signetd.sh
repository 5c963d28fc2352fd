#!/usr/bin/env bash
# Where signetd's CPU goes per certificate: signetd (fresh store) under
# signet-bench load (A=10, C=50, N orders) while `perf record` samples it
# with DWARF call graphs, then a second run under `strace -c -f` for the
# system calls per certificate. Prints signetd's heaviest functions
# (inclusive, % of its CPU samples), its DSOs, and syscalls per certificate.
# The evidence behind the "what bounds it" list in docs/performance.md.
#
# Usage: bench/profile_signetd.sh [N]   (default 2000; needs perf and strace,
#        run bench/ca_side_by_side.sh or scripts/build.sh first)
#   PROFILE=NAME   the workload is signet-bench --profile NAME (keepalive,
#                  per-request, dns01, ...: src/bench/profiles.h); C=50 in flight
#   CLIENT=NAME    the workload is N processes of a real client instead
#                  (lego, uacme or certbot; CHALLENGE=http-01|dns-01, C at
#                  once; bench/side_by_side_clients.sh)
#   STRACE=0       skip the system call count
# Loopback only (CA 14300, DNS 8353, HTTP-01 5302); everything started is
# killed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${1:-2000}
PROFILE=${PROFILE:-} C=${C:-50} STRACE=${STRACE:-1}
PERF_DATA=${PERF_DATA:-}   # set to keep perf.data (e.g. for perf report --sort symbol)
BENCH=$ROOT/build/apps/signet-bench/signet-bench
SIGNETD=$ROOT/build/apps/signetd/signetd
command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)"; exit 1; }
command -v strace >/dev/null || { echo "needs strace"; exit 1; }

CA_PORT=${CA_PORT:-14300} DNS_PORT=${DNS_PORT:-8353} HTTP01_PORT=${HTTP01_PORT:-5302}
MGMT_PORT=${MGMT_PORT:-8355}
source tests/integration/lib.sh
start_dns
start_signetd "$SIGNETD"
PROFILE_FLAGS=()
[ -z "$PROFILE" ] || PROFILE_FLAGS=(--profile "$PROFILE")
if [ -n "${CLIENT:-}" ]; then
  OUT=$T/out; mkdir -p "$OUT/clients"
  source bench/side_by_side_clients.sh
  CLIENTS=$CLIENT CLIENT_CHALLENGES=${CHALLENGE:-http-01} CLIENT_C=$C
  TRUST="$DATA/root.pem" DIRECTORY="https://127.0.0.1:$CA_PORT/directory"
  stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
fi
load() {  # orders
  if [ -n "${CLIENT:-}" ]; then
    RUN_TAG=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n') CLIENT_N=$1
    clients_against signetd "$SIGNETD_PID" | grep 'certificates in'
    return
  fi
  "$BENCH" "https://127.0.0.1:$CA_PORT/directory" --ca-file "$DATA/root.pem" \
    --http01-port "$HTTP01_PORT" --dns-management "http://127.0.0.1:$MGMT_PORT" \
    --server-pid "$SIGNETD_PID" -A 10 -C "$C" -N "$1" "${PROFILE_FLAGS[@]}" \
    | grep -E '^orders:|^server pid'
}
load "$([ -n "${CLIENT:-}" ] && echo 5 || echo 200)" >/dev/null  # warm up: accounts, connections, page cache

perf record -q -e cpu-clock -F 999 --call-graph dwarf,32768 -p "$SIGNETD_PID" \
  -o "$T/perf.data" 2>/dev/null &
PERF=$!
sleep 0.5
load "$N"
kill -INT "$PERF"; wait "$PERF" 2>/dev/null || true
[ -n "$PERF_DATA" ] && cp "$T/perf.data" "$PERF_DATA"

echo
echo "== signetd CPU by DSO"
perf report -i "$T/perf.data" --no-children --sort dso -g none 2>/dev/null | grep '%' | awk 'NR<=8'
echo
echo "== signetd's heaviest functions, self % of its CPU samples"
perf report -i "$T/perf.data" --no-children --sort dso,symbol -g none 2>/dev/null | grep '%' \
  | sed -E 's/ +/ /g; s/\[\.\] //; s/\[k\] //' | cut -c1-110 | awk 'NR<=15'
echo
echo "== signetd functions, inclusive % of its CPU samples (signet code and the library calls behind it)"
perf report -i "$T/perf.data" --children --sort symbol -g none 2>/dev/null | grep '%' \
  | grep -E 'signet::|OSSL_|X509_PUBKEY_set|EVP_Digest(Sign|Verify)Final|sqlite3_step|ASN1_item_d2i|event_base_loop|__libc_malloc' \
  | grep -vE '_M_invoke|__invoke|std::function|operator\(\)' \
  | sed -E 's/ +/ /g; s/\[\.\] //; s/ - - *$//' | cut -c1-120 | awk 'NR<=30'

[ "$STRACE" = 1 ] || exit 0
echo
echo "== system calls per certificate (strace -c -f, $((N / 4)) orders; strace slows signetd)"
timeout 300 strace -f -c -p "$SIGNETD_PID" -o "$T/strace.txt" 2>/dev/null &
STRACE=$!
sleep 1
load $((N / 4)) >/dev/null
kill -INT "$STRACE" 2>/dev/null; wait "$STRACE" 2>/dev/null || true
awk -v n=$((N / 4)) '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $4 / n >= 1 {
  printf "%-16s %8.1f per cert\n", $NF, $4 / n }' "$T/strace.txt" | awk 'NR<=15'
grep -E ' fdatasync| fsync' "$T/strace.txt" | awk -v n=$((N / 4)) '{printf "%-16s %8.2f per cert\n", $NF, $4 / n}'
