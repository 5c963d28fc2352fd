#!/usr/bin/env bash
# A Signet cluster on one machine, on loopback only (issue 10):
#   scripts/cluster.sh up N     PostgreSQL, N signetd instances sharing it,
#                               HAProxy in front, and the test contract's mock
#                               DNS (pebble-challtestsrv); prints the directory
#                               URL and the root certificate's path last
#   scripts/cluster.sh kill I   SIGKILL instance I (1..N)
#   scripts/cluster.sh start I  start instance I again
#   scripts/cluster.sh down     stop everything (the state stays; `up` resumes it)
#
# State: $CLUSTER_DIR (default /tmp/signet-cluster): cluster.env (the
# settings `up` chose, which the other verbs reuse), ca/ (the hierarchy made
# by `signetd ceremony`), pg/ (PostgreSQL's data and unix socket), iK/ (data
# directory, log and pid of instance K: the certificates and the
# intermediate's key, copied from ca/, and its own listener certificate),
# haproxy/ and dns.*. Delete it after `down` for a new CA.
#
# Ports (environment, at `up`): CA_PORT (default 14000, the HTTPS front:
# https://127.0.0.1:CA_PORT/directory), CA_PORT+80 (the CRL/OCSP front),
# INSTANCE_PORT (default CA_PORT+10: instance K listens on INSTANCE_PORT+K-1,
# its CRL listener 80 above and its operator listener 90 above), DNS_PORT
# (8053), MGMT_PORT (8055), HTTP01_PORT (5002), TLSALPN01_PORT (5001), as in
# the README's test contract. SIGNETD: the binary (default build/apps/signetd/signetd).
#
# HAProxy terminates TLS with instance 1's listener certificate (issued by
# the CA and recorded in its store) and speaks HTTPS to the instances, so
# that a request cut by an instance's death is retried on another one
# (retry-on empty-response): every ACME POST is a JWS with a single-use
# nonce, so a request the dead instance had already taken is answered
# badNonce on the retry, which clients resend with a new nonce; a request
# nobody could answer gets an ACME problem document (serverInternal,
# Retry-After), never HAProxy's HTML.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-/tmp/signet-cluster}
PG_BIN=/usr/lib/postgresql/15/bin
MAX_INSTANCES=10

die() { echo "cluster.sh: $*" >&2; exit 2; }
usage() { die "usage: cluster.sh up N | kill I | start I | down  (state in \$CLUSTER_DIR, now $CLUSTER_DIR)"; }

# A process is alive while it exists and is not a zombie (whoever reaps the
# orphans of an earlier cluster.sh may be slow to).
pid_alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
alive() { [ -f "$1" ] && pid_alive "$(cat "$1")"; }
is_number() { [[ "$1" =~ ^[0-9]+$ ]]; }

load_env() {
  [ -f "$CLUSTER_DIR/cluster.env" ] || die "no cluster in $CLUSTER_DIR (run: cluster.sh up N)"
  # shellcheck source=/dev/null
  source "$CLUSTER_DIR/cluster.env"
}

instance_arg() {  # I: check it names an instance of the cluster
  is_number "$1" && [ "$1" -ge 1 ] && [ "$1" -le "$N" ] \
    || die "no instance '$1': the cluster in $CLUSTER_DIR has instances 1 to $N"
}

wait_until() {  # seconds command...: poll command every 0.1 s until it succeeds
  local seconds=$1; shift
  for _ in $(seq $((seconds * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}

# --- PostgreSQL: initdb once, then pg_ctl on a unix socket in pg/ (no TCP).
# initdb refuses root: under root it runs as "nobody".
PG_AS=()
pg_setup_user() { [ "$(id -u)" -eq 0 ] && PG_AS=(runuser -u nobody --); return 0; }
pg_ctl_() { "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/pg/data" "$@" >>"$CLUSTER_DIR/pg/pg_ctl.log" 2>&1; }
pg_up() {
  local pg=$CLUSTER_DIR/pg
  if [ ! -d "$pg/data" ]; then
    mkdir -p "$pg"
    if [ ${#PG_AS[@]} -gt 0 ]; then
      chown nobody "$pg"
      runuser -u nobody -- test -w "$pg" \
        || die "the user nobody (PostgreSQL refuses root) cannot write $pg: give it a parent it can search"
    fi
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 --locale=C \
      >"$pg/initdb.log" 2>&1 || die "initdb failed: $(tail -1 "$pg/initdb.log")"
  fi
  pg_ctl_ -l "$pg/server.log" -w -t 30 -o "-k $pg -p 5432 -c listen_addresses='' \
    -c max_connections=300 -c shared_preload_libraries=pg_stat_statements \
    -c pg_stat_statements.track=top" start \
    || die "PostgreSQL did not start: $(tail -1 "$pg/server.log")"
  if [ "$(psql_ postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'signet'")" = 0 ]; then
    psql_ postgres -c "CREATE DATABASE signet" >/dev/null
  fi
  psql_ signet -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
}
psql_() {  # DB ARGS...: unaligned, tuples only
  local db=$1; shift
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -tA -h "$CLUSTER_DIR/pg" -p 5432 \
    -U postgres -d "$db" "$@"
}

# --- The mock DNS of the test contract: every name is 127.0.0.1.
dns_up() {
  nohup pebble-challtestsrv -dns01 "127.0.0.1:$DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
    -management "127.0.0.1:$MGMT_PORT" -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
    </dev/null >"$CLUSTER_DIR/dns.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/dns.pid"
  wait_until 10 port_open "$MGMT_PORT" || die "pebble-challtestsrv did not start: $(tail -1 "$CLUSTER_DIR/dns.log")"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- The CA's hierarchy, once; each instance gets the certificates and the
# intermediate's key (the roots' keys stay in ca/).
hierarchy_up() {
  [ -f "$CLUSTER_DIR/ca/root.pem" ] && return 0
  cat >"$CLUSTER_DIR/ceremony.toml" <<TOML
dir = "$CLUSTER_DIR/ca"
name_prefix = "Signet Cluster"
TOML
  "$SIGNETD" ceremony --config "$CLUSTER_DIR/ceremony.toml" >"$CLUSTER_DIR/ceremony.log" 2>&1 \
    || die "signetd ceremony failed: $(tail -1 "$CLUSTER_DIR/ceremony.log")"
}

instance_port() { echo $((INSTANCE_PORT + $1 - 1)); }

start_instance() {  # K
  local k=$1 dir=$CLUSTER_DIR/i$1 port
  port=$(instance_port "$k")
  mkdir -p "$dir"
  for f in root.pem intermediate.pem intermediate.key; do
    [ -f "$dir/$f" ] || cp -p "$CLUSTER_DIR/ca/$f" "$dir/$f"
  done
  nohup "$SIGNETD" serve --data-dir "$dir" --store "$PG_URI" --listen "127.0.0.1:$port" \
    --dns-resolver "127.0.0.1:$DNS_PORT" --http01-port "$HTTP01_PORT" \
    --tlsalpn01-port "$TLSALPN01_PORT" --allow-loopback-validation \
    --acme-base-url "https://127.0.0.1:$CA_PORT" --public-base-url "http://127.0.0.1:$((CA_PORT + 80))" \
    --max-connections-per-address 0 --shutdown-timeout 5 --log-format logfmt $SIGNETD_FLAGS \
    </dev/null >>"$dir/signetd.log" 2>&1 &
  echo $! >"$dir/pid"
}

wait_instance() {  # K: until its /health/ready answers 200
  local k=$1 port
  port=$(instance_port "$k")
  ready() {
    alive "$CLUSTER_DIR/i$k/pid" || return 2
    curl -sf -o /dev/null "http://127.0.0.1:$((port + 90))/health/ready"
  }
  for _ in $(seq 300); do
    ready && return 0
    [ $? -eq 2 ] && die "instance $k exited: $(tail -1 "$CLUSTER_DIR/i$k/signetd.log")"
    sleep 0.1
  done
  die "instance $k not ready after 30 s: $(tail -1 "$CLUSTER_DIR/i$k/signetd.log")"
}

# --- HAProxy: TLS and HTTP in front of the instances (see the top).
haproxy_up() {
  local h=$CLUSTER_DIR/haproxy k port
  mkdir -p "$h"
  # Leaf, then the intermediate (the chain clients are sent), then the key.
  cat "$CLUSTER_DIR/i1/listener.pem" "$CLUSTER_DIR/i1/intermediate.pem" "$CLUSTER_DIR/i1/listener.key" \
    >"$h/front.pem"
  chmod 600 "$h/front.pem"
  problem "$h/502.http" "502 Bad Gateway" \
    "the signetd instance serving this request stopped before answering; send it again with a new nonce"
  problem "$h/503.http" "503 Service Unavailable" "no signetd instance is available; retry in a few seconds"
  problem "$h/504.http" "504 Gateway Timeout" "the signetd instance did not answer in time; retry in a few seconds"
  # Two descriptors a connection (client and instance), under the hard limit.
  local maxconn fds
  fds=$(ulimit -Hn)
  [ "$fds" = unlimited ] && fds=65536
  maxconn=$(( (fds - 200) / 2 )); [ "$maxconn" -gt 10000 ] && maxconn=10000
  {
    cat <<CFG
global
  maxconn $maxconn
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 30s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
  errorfile 502 $h/502.http
  errorfile 503 $h/503.http
  errorfile 504 $h/504.http
frontend acme
  bind 127.0.0.1:$CA_PORT ssl crt $h/front.pem alpn http/1.1
  default_backend signetd
frontend publication
  bind 127.0.0.1:$((CA_PORT + 80))
  default_backend publication
backend signetd
  balance roundrobin
  option httpchk
  http-check send meth GET uri /health/ready
  default-server inter 500ms fall 2 rise 2 ssl verify required ca-file $CLUSTER_DIR/ca/root.pem
backend publication
  balance roundrobin
  option httpchk
  http-check send meth GET uri /health/ready
  default-server inter 500ms fall 2 rise 2
CFG
  } >"$h/haproxy.cfg"
  # The servers, in their backends (appended after each backend's header).
  local acme="" publication=""
  for k in $(seq "$N"); do
    port=$(instance_port "$k")
    acme+="  server i$k 127.0.0.1:$port check port $((port + 90)) no-check-ssl"$'\n'
    publication+="  server i$k 127.0.0.1:$((port + 80)) check port $((port + 90))"$'\n'
  done
  awk -v a="$acme" -v p="$publication" '
    { print }
    /^backend signetd/ { b = "a" } /^backend publication/ { b = "p" }
    /^  default-server/ { printf "%s", (b == "a" ? a : p) }' "$h/haproxy.cfg" >"$h/haproxy.cfg.new"
  mv "$h/haproxy.cfg.new" "$h/haproxy.cfg"
  haproxy -c -q -f "$h/haproxy.cfg" >"$h/check.log" 2>&1 || die "haproxy.cfg: $(head -1 "$h/check.log")"
  haproxy -D -f "$h/haproxy.cfg" -p "$h/pid" >"$h/haproxy.log" 2>&1 \
    || die "haproxy did not start: $(tail -1 "$h/haproxy.log")"
}
problem() {  # FILE STATUS DETAIL: an HAProxy errorfile holding an RFC 7807 problem (RFC 8555 6.7)
  local body
  body="{\"type\":\"urn:ietf:params:acme:error:serverInternal\",\"detail\":\"$3\",\"status\":${2%% *}}"
  printf 'HTTP/1.1 %s\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\nCache-Control: no-store\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$2" "${#body}" "$body" >"$1"
}

directory_ok() {
  curl -sf -o /dev/null --cacert "$CLUSTER_DIR/ca/root.pem" "https://127.0.0.1:$CA_PORT/directory"
}

cmd_up() {
  [ $# -eq 1 ] || usage
  is_number "$1" && [ "$1" -ge 1 ] && [ "$1" -le $MAX_INSTANCES ] \
    || die "up N: N must be a number of instances from 1 to $MAX_INSTANCES, not '$1'"
  if [ -f "$CLUSTER_DIR/cluster.env" ]; then
    (source "$CLUSTER_DIR/cluster.env"; any_running) \
      && die "a cluster is already up in $CLUSTER_DIR (cluster.sh down first)"
  fi
  N=$1
  SIGNETD=${SIGNETD:-$ROOT/build/apps/signetd/signetd}
  [ -x "$SIGNETD" ] || die "no signetd at $SIGNETD (scripts/build.sh, or set SIGNETD)"
  SIGNETD=$(cd "$(dirname "$SIGNETD")" && pwd)/$(basename "$SIGNETD")
  for t in haproxy pebble-challtestsrv psql curl "$PG_BIN/initdb"; do
    command -v "$t" >/dev/null || die "$t is missing (scripts/install-deps.sh)"
  done
  CA_PORT=${CA_PORT:-14000}
  INSTANCE_PORT=${INSTANCE_PORT:-$((CA_PORT + 10))}
  DNS_PORT=${DNS_PORT:-8053} MGMT_PORT=${MGMT_PORT:-8055}
  HTTP01_PORT=${HTTP01_PORT:-5002} TLSALPN01_PORT=${TLSALPN01_PORT:-5001}
  SIGNETD_FLAGS=${SIGNETD_FLAGS:-}
  mkdir -p "$CLUSTER_DIR"
  CLUSTER_DIR=$(cd "$CLUSTER_DIR" && pwd)
  PG_URI="postgresql:///signet?host=$CLUSTER_DIR/pg&port=5432&user=postgres"
  local port
  for port in "$CA_PORT" $((CA_PORT + 80)) "$DNS_PORT" "$MGMT_PORT" \
              $(for k in $(seq "$N"); do p=$(instance_port "$k"); echo "$p $((p + 80)) $((p + 90))"; done); do
    port_open "$port" && die "port $port on 127.0.0.1 is in use (set CA_PORT, INSTANCE_PORT, DNS_PORT, MGMT_PORT)"
  done
  local v
  for v in N SIGNETD SIGNETD_FLAGS CA_PORT INSTANCE_PORT DNS_PORT MGMT_PORT HTTP01_PORT \
           TLSALPN01_PORT PG_URI; do
    printf '%s=%q\n' "$v" "${!v}"
  done >"$CLUSTER_DIR/cluster.env"
  pg_setup_user
  trap 'up_failed' EXIT
  pg_up
  dns_up
  hierarchy_up
  local k
  # Instance 1 first: it migrates the schema and makes the listener
  # certificate HAProxy presents; the others then start together.
  start_instance 1
  wait_instance 1
  for k in $(seq 2 "$N"); do start_instance "$k"; done
  for k in $(seq 2 "$N"); do wait_instance "$k"; done
  haproxy_up
  wait_until 30 directory_ok || die "HAProxy does not serve the directory: see $CLUSTER_DIR/haproxy"
  trap - EXIT
  echo "cluster: $N signetd instances on 127.0.0.1:$INSTANCE_PORT-$(instance_port "$N"), PostgreSQL at $PG_URI"
  echo "cluster: DNS 127.0.0.1:$DNS_PORT, HTTP-01 port $HTTP01_PORT, CRLs at http://127.0.0.1:$((CA_PORT + 80)), state in $CLUSTER_DIR"
  echo "https://127.0.0.1:$CA_PORT/directory"
  echo "$CLUSTER_DIR/ca/root.pem"
}

up_failed() {  # EXIT trap of a failed up: stop what it started
  local rc=$?
  [ $rc -eq 0 ] && return 0
  cmd_down >/dev/null 2>&1 || true
  exit $rc
}

any_running() {
  local k
  alive "$CLUSTER_DIR/haproxy/pid" || alive "$CLUSTER_DIR/dns.pid" \
    || [ -f "$CLUSTER_DIR/pg/data/postmaster.pid" ] && return 0
  for k in $(seq "$MAX_INSTANCES"); do alive "$CLUSTER_DIR/i$k/pid" && return 0; done
  return 1
}

cmd_kill() {
  [ $# -eq 1 ] || usage
  load_env
  instance_arg "$1"
  local pidfile=$CLUSTER_DIR/i$1/pid
  alive "$pidfile" || die "instance $1 is not running"
  kill -KILL "$(cat "$pidfile")"
  wait_until 10 stop_seen "$(cat "$pidfile")" || die "instance $1 survived SIGKILL"
  rm -f "$pidfile"
  echo "cluster: instance $1 killed (SIGKILL)"
}
stop_seen() { ! pid_alive "$1"; }

cmd_start() {
  [ $# -eq 1 ] || usage
  load_env
  instance_arg "$1"
  alive "$CLUSTER_DIR/i$1/pid" && die "instance $1 is already running"
  [ -f "$CLUSTER_DIR/pg/data/postmaster.pid" ] || die "the cluster in $CLUSTER_DIR is down (cluster.sh up N)"
  start_instance "$1"
  wait_instance "$1"
  echo "cluster: instance $1 started on 127.0.0.1:$(instance_port "$1")"
}

stop_pidfile() {  # FILE [seconds]: SIGTERM, then SIGKILL after the grace time
  local f=$1 grace=${2:-10} pid
  alive "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  wait_until "$grace" stop_seen "$pid" || kill -KILL "$pid" 2>/dev/null || true
  wait_until 5 stop_seen "$pid" || true
  rm -f "$f"
}

cmd_down() {
  [ $# -eq 0 ] || usage
  load_env
  local k
  stop_pidfile "$CLUSTER_DIR/haproxy/pid"
  for k in $(seq "$MAX_INSTANCES"); do
    alive "$CLUSTER_DIR/i$k/pid" && kill -TERM "$(cat "$CLUSTER_DIR/i$k/pid")" 2>/dev/null
  done
  for k in $(seq "$MAX_INSTANCES"); do stop_pidfile "$CLUSTER_DIR/i$k/pid" 10; done
  stop_pidfile "$CLUSTER_DIR/dns.pid"
  if [ -f "$CLUSTER_DIR/pg/data/postmaster.pid" ]; then
    pg_setup_user
    pg_ctl_ -w -t 30 -m fast stop || die "PostgreSQL did not stop: see $CLUSTER_DIR/pg/server.log"
  fi
  echo "cluster: down (state kept in $CLUSTER_DIR)"
}

[ $# -ge 1 ] || usage
verb=$1; shift
case "$verb" in
  up) cmd_up "$@" ;;
  kill) cmd_kill "$@" ;;
  start) cmd_start "$@" ;;
  down) cmd_down "$@" ;;
  *) usage ;;
esac
