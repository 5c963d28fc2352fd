#!/usr/bin/env bash
# Issue 14: signetd under concurrent load, for a ThreadSanitizer build
# (SIGNET_SANITIZE=thread; scripts/test.sh builds one and runs this): while
# signet-bench keeps 16 HTTP-01 orders in flight from 4 accounts for
# RACE_ORDERS orders (1000) or RACE_SECONDS (30), whichever ends first,
# three certbots obtain DNS-01 certificates (a name and its
# wildcard, TXT records set through pebble-challtestsrv's API), lego one by
# TLS-ALPN-01, the operator listener is scraped (/metrics, /health/ready, the
# operator view), the CRL and `signetd admin counts` are read, and certbot
# revokes a certificate. Every order must succeed; any race report aborts
# signetd (halt_on_error) and lib.sh fails the test on the report.
# Usage: signetd_race_test.sh SIGNETD SIGNET_BENCH
source "$(dirname "$0")/lib.sh"
SIGNETD=$1 BENCH=$2
RACE_SECONDS=${RACE_SECONDS:-30} RACE_ORDERS=${RACE_ORDERS:-1000}
start_ca "$SIGNETD"
OP="http://127.0.0.1:$((CA_PORT + 90))"
wait_for_port 127.0.0.1 "$((CA_PORT + 90))"
export REQUESTS_CA_BUNDLE="$DATA/root.pem" LEGO_CA_CERTIFICATES="$DATA/root.pem"

cat >"$T/txt.sh" <<HOOK
#!/bin/sh
# certbot --manual hook: set (or clear) the TXT record at pebble-challtestsrv.
host="_acme-challenge.\${CERTBOT_DOMAIN#\*.}."
if [ "\$1" = set ]; then
  curl -sf -d "{\"host\":\"\$host\",\"value\":\"\$CERTBOT_VALIDATION\"}" http://127.0.0.1:$MGMT_PORT/set-txt
else
  curl -sf -d "{\"host\":\"\$host\"}" http://127.0.0.1:$MGMT_PORT/clear-txt
fi
HOOK
chmod +x "$T/txt.sh"
cb() {  # NAME certbot-args...: certbot with its own directories under $T/NAME
  local n=$1; shift
  certbot "$@" --non-interactive --server "$DIRECTORY" --config-dir "$T/$n" \
    --work-dir "$T/$n-work" --logs-dir "$T/$n-logs"
}
dns01() {  # I: a DNS-01 certificate for dnsI.race.example.test and its wildcard
  cb "cb$1" certonly --agree-tos -m ops@example.com --manual --preferred-challenges dns \
    --manual-auth-hook "$T/txt.sh set" --manual-cleanup-hook "$T/txt.sh clear" \
    -d "dns$1.race.example.test" -d "*.dns$1.race.example.test" >"$T/certbot-dns$1.out" 2>&1
}

"$BENCH" "$DIRECTORY" --ca-file "$DATA/root.pem" --http01-port "$HTTP01_PORT" -A 4 -C 16 \
  -N "$RACE_ORDERS" -D "$RACE_SECONDS" --request-timeout-ms 60000 --json "$T/bench.json" \
  >"$T/bench.out" 2>"$T/bench.err" &
BENCH_PID=$!
PIDS+=($BENCH_PID)
sleep 2  # the bench's accounts first: its setup is not what is raced
DNS01_PIDS=()
for i in 1 2 3; do dns01 "$i" & DNS01_PIDS+=($!); done
lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
  --tls --tls.port "127.0.0.1:$TLSALPN01_PORT" --domains tls.race.example.test run >"$T/lego.out" 2>&1 &
LEGO_PID=$!
scrapes=0
while kill -0 "$BENCH_PID" 2>/dev/null; do
  for path in /metrics /; do
    curl -sf --max-time 20 -o /dev/null "$OP$path" || fail "operator listener: GET $path failed"
  done
  # Readiness may say 503 when its DNS probe times out under load: any answer.
  code=$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$OP/health/ready" || true)
  [ "$code" = 200 ] || [ "$code" = 503 ] || fail "operator listener: /health/ready answered '$code'"
  "$SIGNETD" admin counts --data-dir "$DATA" >"$T/counts.out" 2>&1 \
    || { cat "$T/counts.out"; fail "signetd admin counts on the running CA"; }
  scrapes=$((scrapes + 1))
  sleep 1
done
wait "$BENCH_PID" || { cat "$T/bench.err"; fail "signet-bench exited non-zero"; }
for p in "${DNS01_PIDS[@]}"; do wait "$p" || true; done  # each checked by its lineage below
wait "$LEGO_PID" || { tail -20 "$T/lego.out"; fail "lego --tls during the load"; }
for i in 1 2 3; do
  [ -f "$T/cb$i/live/dns$i.race.example.test/cert.pem" ] \
    || { tail -20 "$T/certbot-dns$i.out"; fail "certbot DNS-01 $i during the load"; }
done

read -r completed failed < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["orders"]["completed"], r["orders"]["failed"])' "$T/bench.json")
[ "$failed" = 0 ] && [ "$completed" -gt 0 ] \
  || { cat "$T/bench.out"; fail "signet-bench: $completed orders completed, $failed failed"; }

# Revocation and the CRL after the load, on the same signetd.
cb cb1 revoke --cert-path "$T/cb1/live/dns1.race.example.test/cert.pem" --reason keycompromise \
  --no-delete-after-revoke >"$T/revoke.out" 2>&1 || { cat "$T/revoke.out"; fail "certbot revoke"; }
crl=$(openssl x509 -in "$T/cb1/live/dns1.race.example.test/cert.pem" -noout -ext crlDistributionPoints \
      | grep -o 'http://[^ ]*' | head -1)
[ -n "$crl" ] || fail "no CRL distribution point in the DNS-01 certificate"
curl -sf --max-time 20 -o "$T/crl.der" "$crl" || fail "GET $crl"
openssl crl -inform DER -in "$T/crl.der" -noout || fail "$crl is not a DER CRL"
kill -0 "$SIGNETD_PID" 2>/dev/null || fail "signetd is gone"
echo "ok: $completed HTTP-01 orders, 3 DNS-01 and 1 TLS-ALPN-01 certificates, $scrapes operator" \
  "scrapes and a revocation under load, no race reported"
