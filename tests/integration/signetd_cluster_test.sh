#!/usr/bin/env bash
# Issue 10: a cluster on one machine (scripts/cluster.sh): PostgreSQL, three
# signetd instances sharing it, HAProxy in front, the mock DNS.
# - The verbs refuse misuse with one line and a non-zero exit; `up 3` prints
#   the directory URL and the root's path on its last two lines.
# - certbot and lego obtain certificates through HAProxy; the certificates
#   name HAProxy's addresses (--acme-base-url, --public-base-url), not an
#   instance's.
# - signet-bench runs concurrent orders through HAProxy; instance 2 is killed
#   with SIGKILL in the middle and started again. Then: every order completed
#   or failed with an ACME problem (no cut connection, no non-problem answer
#   reaches the client), every certificate a client received is in the
#   store, no serial appears twice, no order stays in processing, and every
#   instance served requests.
# - `down` leaves nothing running; signetd refuses an http:// --acme-base-url.
# Usage: signetd_cluster_test.sh SIGNETD SIGNET_BENCH
source "$(dirname "$0")/lib.sh"
SIGNETD=$1 BENCH=$2
CLUSTER=$(cd "$(dirname "$0")/../.." && pwd)/scripts/cluster.sh
export CLUSTER_DIR=$T/cluster SIGNETD CA_PORT DNS_PORT MGMT_PORT HTTP01_PORT TLSALPN01_PORT
# PostgreSQL runs as nobody under root: it must reach $T/cluster/pg.
chmod 711 "$T"
trap 'rc=$?; if [ -f "$CLUSTER_DIR/cluster.env" ]; then
  [ $rc -ne 0 ] && for f in "$CLUSTER_DIR"/i*/signetd.log; do echo "== $f"; tail -n 15 "$f"; done
  "$CLUSTER" down >/dev/null 2>&1 || true; fi; (exit $rc); cleanup' EXIT
cluster() { "$CLUSTER" "$@"; }

# Misuse: one line on standard error, non-zero exit.
refused() {  # WANT-TEXT ARGS...
  local want=$1; shift
  if cluster "$@" >"$T/misuse.out" 2>"$T/misuse.err"; then fail "cluster.sh $* succeeded"; fi
  [ "$(wc -l <"$T/misuse.err")" = 1 ] || fail "cluster.sh $*: not one line: $(cat "$T/misuse.err")"
  grep -q "$want" "$T/misuse.err" || fail "cluster.sh $*: $(cat "$T/misuse.err")"
}
refused "usage: cluster.sh up N" frobnicate
refused "no cluster in $CLUSTER_DIR" kill 1
refused "N must be a number of instances from 1 to 10" up 0
refused "N must be a number" up three

# --acme-base-url takes only an https:// URL (the instances' HTTPS base).
if "$SIGNETD" serve --data-dir "$T/bad" --listen "127.0.0.1:$CA_PORT" --dns-resolver "127.0.0.1:$DNS_PORT" \
    --allow-loopback-validation --acme-base-url "http://127.0.0.1:$CA_PORT" >"$T/bad.log" 2>&1; then
  fail "signetd started with an http:// --acme-base-url"
fi
grep -q "acme_base_url must be an https:// URL" "$T/bad.log" || fail "bad --acme-base-url: $(tail -1 "$T/bad.log")"

start=$(date +%s)
cluster up 3 >"$T/up.out" 2>"$T/up.err" || fail "cluster.sh up 3: $(cat "$T/up.err")"
DIRECTORY=$(tail -2 "$T/up.out" | head -1)
ROOT_PEM=$(tail -1 "$T/up.out")
DATA=$CLUSTER_DIR/ca  # check_cert verifies to $DATA/root.pem
[ "$DIRECTORY" = "https://127.0.0.1:$CA_PORT/directory" ] || fail "up printed '$DIRECTORY' as the directory"
[ "$ROOT_PEM" = "$DATA/root.pem" ] && [ -f "$ROOT_PEM" ] || fail "up printed '$ROOT_PEM' as the root"
echo "ok: up 3 in $(( $(date +%s) - start )) s: $DIRECTORY, $ROOT_PEM"
refused "already up" up 2
refused "no instance '4'" kill 4
refused "instance 1 is already running" start 1

PG_DIR=$CLUSTER_DIR/pg
psql_() { psql -X -q -tA -h "$PG_DIR" -p 5432 -U postgres -d signet "$@"; }

export REQUESTS_CA_BUNDLE=$ROOT_PEM LEGO_CA_CERTIFICATES=$ROOT_PEM
curl -sf --cacert "$ROOT_PEM" "$DIRECTORY" | grep -q "\"https://127.0.0.1:$CA_PORT/acme/new-order\"" \
  || fail "the directory does not point at HAProxy"
certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" \
  --logs-dir "$T/cb-logs" certonly --standalone --agree-tos -m ops@example.com \
  --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 -d cb.cluster.test \
  >"$T/certbot.log" 2>&1 || fail "certbot through HAProxy failed"
check_cert "$T/cb/live/cb.cluster.test/cert.pem" "$T/cb/live/cb.cluster.test/chain.pem" cb.cluster.test
openssl x509 -in "$T/cb/live/cb.cluster.test/cert.pem" -noout -text >"$T/cb.txt"
grep -q "CA Issuers - URI:https://127.0.0.1:$CA_PORT/acme/issuer-cert" "$T/cb.txt" \
  || fail "caIssuers does not point at HAProxy: $(grep -A1 'Authority Information' "$T/cb.txt")"
grep -q "URI:http://127.0.0.1:$((CA_PORT + 80))/crl/" "$T/cb.txt" \
  || fail "the CRL distribution point does not point at HAProxy"
lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
  --domains lego.cluster.test --http --http.port "127.0.0.1:$HTTP01_PORT" run \
  >"$T/lego.log" 2>&1 || fail "lego through HAProxy failed"
check_cert "$T/lego/certificates/lego.cluster.test.crt" \
  "$T/lego/certificates/lego.cluster.test.issuer.crt" lego.cluster.test

# Concurrent orders (40 a second for 10 s, up to 24 in flight); instance 2
# killed once 80 certificates are out, started again 2 s later.
mkdir -p "$T/certs"
"$BENCH" "$DIRECTORY" --ca-file "$ROOT_PEM" --http01-port "$HTTP01_PORT" -A 4 -C 24 -N 400 --rate 40 \
  --request-timeout-ms 20000 --order-timeout-ms 60000 --stall-ms 0 --cert-dir "$T/certs" \
  --json "$T/bench.json" >"$T/bench.out" 2>"$T/bench.log" &
bench_pid=$!
PIDS+=($bench_pid)
for _ in $(seq 300); do
  [ "$(ls "$T/certs" | wc -l)" -ge 80 ] && break
  kill -0 $bench_pid 2>/dev/null || break
  sleep 0.1
done
kill -0 $bench_pid 2>/dev/null || fail "the load ended before the kill: $(tail -3 "$T/bench.log")"
cluster kill 2 >/dev/null || fail "cluster.sh kill 2"
echo "ok: instance 2 killed after $(ls "$T/certs" | wc -l) certificates ($(( $(date +%s) - start )) s since up)"
sleep 2
cluster start 2 >/dev/null || fail "cluster.sh start 2"
wait $bench_pid || fail "signet-bench failed: $(tail -3 "$T/bench.log")"
cat "$T/bench.out" | head -20

# Every order completed or failed with an ACME problem; the client saw no
# cut connection, timeout or answer without a problem document.
python3 - "$T/bench.json" <<'PY' || fail "the load's outcome (above)"
import json, sys
r = json.load(open(sys.argv[1]))
o, errors, failures = r["orders"], r["errors"], r["failed_orders"]
print(f"orders: {o['started']} started, {o['completed']} completed, {o['failed']} failed "
      f"{failures}; errors seen {errors}")
# Keys are ACME problem types (authz-/order- prefixed when an authorization
# or order turned invalid), or the client's own kinds for everything else.
unclean = {"connection", "timeout", "tls", "protocol", "client"}
bad = sorted(unclean & (set(errors) | set(failures)))
if bad: print("not ACME problems:", bad, r["failure_samples"])
sys.exit(0 if o["started"] == 400 and o["completed"] + o["failed"] == 400
         and o["completed"] >= 360 and not bad else 1)
PY

# Every certificate received is in the store, once; serials are unique.
# (One python3 for 400 files: an openssl process each takes 30 s on a busy
# machine.) The store's hex is lowercase without leading zeros.
python3 - "$T"/certs/*.pem "$T/cb/live/cb.cluster.test/cert.pem" \
  "$T/lego/certificates/lego.cluster.test.crt" >"$T/received_serials" <<'PY'
import sys
from cryptography import x509
for path in sys.argv[1:]:
    print("%x" % x509.load_pem_x509_certificate(open(path, "rb").read()).serial_number)
PY
received=$(wc -l <"$T/received_serials")
[ -z "$(sort "$T/received_serials" | uniq -d)" ] || fail "a serial was received twice"
missing=$(psql_ <<SQL
CREATE TEMP TABLE received (serial TEXT);
\copy received FROM '$T/received_serials'
SELECT count(*) FROM received WHERE serial NOT IN (SELECT serial FROM certificates);
SQL
)
[ "$missing" = 0 ] || fail "$missing of $received certificates received are not in the store"
[ -z "$(psql_ -c "SELECT cert_serial FROM orders WHERE cert_serial IS NOT NULL
                  GROUP BY cert_serial HAVING count(*) > 1")" ] || fail "two orders share a serial"
[ "$(psql_ -c "SELECT count(*) FROM certificates WHERE serial NOT IN (SELECT serial FROM serials)")" = 0 ] \
  || fail "a certificate whose serial was not recorded before signing"
echo "ok: $received certificates received, each in the store once ($(( $(date +%s) - start )) s since up)"

# No order stays in processing (another instance, or the restarted one,
# finishes what the killed one held, once its lease has passed).
for _ in $(seq 60); do
  processing=$(psql_ -c "SELECT count(*) FROM orders WHERE status = 'processing'")
  [ "$processing" = 0 ] && break
  sleep 1
done
[ "$processing" = 0 ] || fail "$processing orders still processing a minute after the load"
echo "ok: no order left in processing ($(( $(date +%s) - start )) s since up)"
# Every instance answered ACME requests, and instance 2 again after its
# restart. (Not a given request type: with round robin and every order making
# the same sequence of requests, an instance can get only challenges and
# certificate downloads.)
for k in 1 2 3; do
  grep -q 'msg="acme request"' "$CLUSTER_DIR/i$k/signetd.log" || fail "instance $k served no ACME request"
done
awk '/msg="store: /{n=0} /msg="acme request"/{n++} END{exit n == 0}' "$CLUSTER_DIR/i2/signetd.log" \
  || fail "instance 2 served no ACME request after its restart"

cluster down >"$T/down.out" 2>&1 || fail "cluster.sh down: $(cat "$T/down.out")"
for f in "$CLUSTER_DIR"/haproxy/pid "$CLUSTER_DIR"/dns.pid "$CLUSTER_DIR"/i*/pid "$PG_DIR/data/postmaster.pid"; do
  [ ! -e "$f" ] || fail "$f is left after down"
done
for port in "$CA_PORT" $((CA_PORT + 80)) "$DNS_PORT" "$MGMT_PORT" $((CA_PORT + 10)) $((CA_PORT + 11)) $((CA_PORT + 12)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port still open after down"
done
pgrep -f "$CLUSTER_DIR" >/dev/null && fail "processes of the cluster left after down: $(pgrep -af "$CLUSTER_DIR")"
echo "ok: down left nothing running ($(( $(date +%s) - start )) s since up)"
