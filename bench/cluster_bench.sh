#!/usr/bin/env bash
# signetd on SQLite, and on PostgreSQL with 1, 2 and 3 instances behind
# HAProxy (scripts/cluster.sh), side by side in one run, under the same
# signet-bench load (apps/signet-bench; HTTP-01 answered by signet-bench,
# DNS by pebble-challtestsrv). Per run:
#   - orders/s (certificates downloaded per second of the order phase);
#   - CPU seconds per certificate of every signetd process together, of
#     PostgreSQL (the postmaster and its backends) and of HAProxy, from
#     /proc/PID/stat (utime + stime) before and after the run;
#   - database round trips per certificate: the calls counted by
#     pg_stat_statements (one statement sent is one round trip; reset before
#     the run; its own queries left out) and the transactions committed
#     (pg_stat_database.xact_commit), each divided by the certificates.
# Rows:
#   sqlite      one signetd on its SQLite store, clients straight to it
#   pg1-direct  one signetd on PostgreSQL, clients straight to it (the
#               store's cost alone, without HAProxy)
#   pg1 pg2 pg3 `cluster.sh up N`: N signetd on one PostgreSQL behind HAProxy
# Prints one table at the end; every run's signet-bench JSON and text stay
# in $OUT (default build/cluster_bench).
#
# Usage: bench/cluster_bench.sh   (SKIP_BUILD=1 to use build/ as it is)
# Knobs: A (accounts, 10) C (orders in flight, 32) D (seconds of orders per
# run, 20). Loopback only, ports 14600-14799 (DNS 8653, HTTP-01 5602);
# everything started is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
A=${A:-10} C=${C:-32} D=${D:-20}
OUT=${OUT:-$ROOT/build/cluster_bench}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/install-deps.sh >/dev/null
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build signetd signet-bench >/dev/null
fi
export SIGNETD=$ROOT/build/apps/signetd/signetd
BENCH=$ROOT/build/apps/signet-bench/signet-bench
CLUSTER=$ROOT/scripts/cluster.sh
export CA_PORT=${CA_PORT:-14600} DNS_PORT=${DNS_PORT:-8653} MGMT_PORT=${MGMT_PORT:-8655}
export HTTP01_PORT=${HTTP01_PORT:-5602} TLSALPN01_PORT=${TLSALPN01_PORT:-5601}
WORK=$(mktemp -d /tmp/signet-cluster-bench.XXXXXX)
chmod 711 "$WORK"  # PostgreSQL runs as nobody under root
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.txt
SOLO_PID=""
finish() {
  local rc=$?
  [ -n "$SOLO_PID" ] && kill "$SOLO_PID" 2>/dev/null && wait "$SOLO_PID" 2>/dev/null
  for d in "$WORK"/c*; do [ -f "$d/cluster.env" ] && CLUSTER_DIR=$d "$CLUSTER" down >/dev/null 2>&1; done
  if [ $rc -ne 0 ]; then
    for f in "$WORK"/*.log "$WORK"/*/i*/signetd.log; do [ -f "$f" ] && { echo "== $f"; tail -n 10 "$f"; }; done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

cpu_ticks() {  # PID...: utime + stime of these processes, in clock ticks
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    # Fields after the command (which may hold spaces): utime is 14, stime 15.
    t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$t"
}
reaped_ticks() {  # PID: cutime + cstime, the CPU of its children it has reaped
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $14 + $15}'
}
signetd_pids() { pgrep -f "^$SIGNETD serve --data-dir $1" || true; }
pg_pids() {  # the postmaster of DIR/pg/data and its children
  local pm
  pm=$(head -1 "$1/pg/data/postmaster.pid" 2>/dev/null) || return 0
  echo "$pm"; pgrep -P "$pm" || true
}
pg_ticks() {  # DIR: PostgreSQL's CPU so far, backends that exited included
  local pm
  pm=$(head -1 "$1/pg/data/postmaster.pid")
  echo $(( $(cpu_ticks $(pg_pids "$1")) + $(reaped_ticks "$pm") ))
}
haproxy_pids() { cat "$1/haproxy/pid" 2>/dev/null || true; }
psql_() {  # CLUSTER_DIR SQL
  psql -X -q -tA -h "$1/pg" -p 5432 -U postgres -d signet -c "$2"
}
STATS_WHERE="FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'signet'
  AND s.query NOT LIKE '%pg_stat_%'"

# run NAME DIRECTORY TRUST CLUSTER_DIR|"" SIGNETD_DIR_PATTERN
run() {
  local name=$1 directory=$2 trust=$3 cdir=$4 pattern=$5
  local hz s0 p0 h0 s1 p1 h1 calls=0 xact0=0 xact1=0
  hz=$(getconf CLK_TCK)
  if [ -n "$cdir" ]; then
    psql_ "$cdir" "SELECT pg_stat_statements_reset()" >/dev/null
    xact0=$(psql_ "$cdir" "SELECT xact_commit FROM pg_stat_database WHERE datname = 'signet'")
    p0=$(pg_ticks "$cdir"); h0=$(cpu_ticks $(haproxy_pids "$cdir"))
  fi
  s0=$(cpu_ticks $(signetd_pids "$pattern"))
  echo "=== $name"
  "$BENCH" "$directory" --ca-file "$trust" --http01-port "$HTTP01_PORT" -A "$A" -C "$C" -N 0 -D "$D" \
    --request-timeout-ms 20000 --json "$OUT/$name.json" 2>"$WORK/bench-$name.log" | tee "$OUT/$name.txt" \
    | grep -E '^(orders|errors|failed)'
  s1=$(cpu_ticks $(signetd_pids "$pattern"))
  if [ -n "$cdir" ]; then
    p1=$(pg_ticks "$cdir"); h1=$(cpu_ticks $(haproxy_pids "$cdir"))
    xact1=$(psql_ "$cdir" "SELECT xact_commit FROM pg_stat_database WHERE datname = 'signet'")
    calls=$(psql_ "$cdir" "SELECT coalesce(sum(calls), 0) $STATS_WHERE")
    psql_ "$cdir" "SELECT calls, left(regexp_replace(query, '\s+', ' ', 'g'), 110) $STATS_WHERE
                   ORDER BY calls DESC LIMIT 25" >"$OUT/$name.statements.txt"
  else
    p0=0 p1=0 h0=0 h1=0
  fi
  python3 - "$OUT/$name.json" "$name" "$hz" "$((s1 - s0))" "$((p1 - p0))" "$((h1 - h0))" \
    "$calls" "$((xact1 - xact0))" "${cdir:+pg}" >>"$OUT/rows.tsv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
name, hz = sys.argv[2], float(sys.argv[3])
sig, pg, hap, calls, xact = (float(x) for x in sys.argv[4:9])
pgrun = sys.argv[9] == "pg"
done = r["orders"]["completed"]
per = lambda x: x / done if done else 0
na = lambda v, f: f % v if pgrun else "-"
print("\t".join([name, str(done), str(r["orders"]["failed"]), "%.1f" % r["orders_per_second"],
                 "%.1f" % (1000 * per(sig / hz)), na(1000 * per(pg / hz), "%.1f"),
                 na(1000 * per(hap / hz), "%.1f"), na(per(calls), "%.1f"), na(per(xact), "%.1f"),
                 "%.1f" % r["requests"]["signed_per_certificate"]]))
PY
}

# The mock DNS for the runs without cluster.sh.
pebble-challtestsrv -dns01 "127.0.0.1:$DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
  -management "127.0.0.1:$MGMT_PORT" -defaultIPv4 127.0.0.1 -defaultIPv6 "" >"$WORK/dns.log" 2>&1 &
DNS_PID=$!
solo() {  # NAME DATA_DIR [flags]: one signetd straight on CA_PORT
  local name=$1 data=$2; shift 2
  "$SIGNETD" serve --data-dir "$data" --listen "127.0.0.1:$CA_PORT" --dns-resolver "127.0.0.1:$DNS_PORT" \
    --http01-port "$HTTP01_PORT" --tlsalpn01-port "$TLSALPN01_PORT" --allow-loopback-validation \
    --max-connections-per-address 0 --log-level warn "$@" >"$WORK/$name.log" 2>&1 &
  SOLO_PID=$!
  for _ in $(seq 200); do
    curl -sf -o /dev/null --cacert "$data/root.pem" "https://127.0.0.1:$CA_PORT/directory" && return 0
    sleep 0.1
  done
  echo "signetd ($name) did not start" >&2; exit 1
}
solo_stop() { kill "$SOLO_PID"; wait "$SOLO_PID" 2>/dev/null || true; SOLO_PID=""; }

: >"$OUT/rows.tsv"
# 1. SQLite, one signetd.
solo sqlite "$WORK/sqlite"
run sqlite "https://127.0.0.1:$CA_PORT/directory" "$WORK/sqlite/root.pem" "" "$WORK/sqlite"
solo_stop
kill "$DNS_PID"; wait "$DNS_PID" 2>/dev/null || true

# 2. PostgreSQL: a cluster of N behind HAProxy, N = 1, 2, 3; with N = 1 also
# one signetd on the same database straight (HAProxy's share apart).
for n in 1 2 3; do
  cdir=$WORK/c$n
  CLUSTER_DIR=$cdir SIGNETD_FLAGS="--log-level warn" "$CLUSTER" up "$n" >"$WORK/up$n.log" 2>&1 \
    || { tail -3 "$WORK/up$n.log"; exit 1; }
  directory=$(tail -2 "$WORK/up$n.log" | head -1)
  trust=$(tail -1 "$WORK/up$n.log")
  if [ "$n" = 1 ]; then
    # Instance 1 answers on its own port too: the same store, no HAProxy.
    port=$(( CA_PORT + 10 ))
    run pg1-direct "https://127.0.0.1:$port/directory" "$trust" "$cdir" "$cdir/i"
  fi
  run "pg$n" "$directory" "$trust" "$cdir" "$cdir/i"
  CLUSTER_DIR=$cdir "$CLUSTER" down >/dev/null
done

nproc_=$(nproc)
echo
echo "signetd side by side: $A accounts, $C orders in flight, $D s of orders per run, $nproc_ cores"
{
  printf 'run\tcerts\tfailed\torders/s\tsignetd_ms_cpu/cert\tpg_ms_cpu/cert\thaproxy_ms_cpu/cert\tdb_round_trips/cert\tdb_xacts/cert\tsigned_requests/cert\n'
  cat "$OUT/rows.tsv"
} | column -t -s $'\t' | tee "$OUT/table.txt"
