#!/usr/bin/env bash
# A DNS server that never answers must not delay other clients: while eight
# lego clients wait on DNS-01 validations whose lookups go unanswered (each
# holds a validation worker until the validation deadline), signetd answers
# every other request at once and certbot obtains a certificate for a name
# whose DNS works, in about the time it takes without them. The hung
# validations end with a DNS problem within the validation deadline.
source "$(dirname "$0")/lib.sh"
SLOW_DNS_PORT=${SLOW_DNS_PORT:-$((DNS_PORT + 1))}
SLOW_CLIENTS=${SLOW_CLIENTS:-8}
BOUND=${SLOW_DNS_CERT_BOUND:-15}  # seconds certbot may take meanwhile
start_dns
python3 "$(dirname "$0")/slow_dns.py" "$SLOW_DNS_PORT" "$DNS_PORT" >"$T/slow_dns.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q "slow_dns up" "$T/slow_dns.log" && break; sleep 0.1; done
DNS_PORT=$SLOW_DNS_PORT start_signetd "$1" --threads 1 --validation-timeout-ms 20000
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
export LEGO_CA_CERTIFICATES="$DATA/root.pem"
export EXEC_PATH=/bin/true

for i in $(seq "$SLOW_CLIENTS"); do
  lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego$i" \
    --domains "slow$i.example.test" --dns exec --dns.disable-cp run >"$T/lego$i.log" 2>&1 &
  SLOW_PIDS+=($!)
  PIDS+=($!)
done
# Wait until the slow validations are under way (their lookups swallowed).
for _ in $(seq 300); do
  [ "$(grep -c swallowed "$T/slow_dns.log")" -ge "$SLOW_CLIENTS" ] && break
  sleep 0.1
done
[ "$(grep -c swallowed "$T/slow_dns.log")" -ge "$SLOW_CLIENTS" ] \
  || fail "the slow validations did not start"

worst=0
for _ in $(seq 10); do
  t=$(curl -s -o /dev/null -w '%{time_total}' --cacert "$DATA/root.pem" "$DIRECTORY") \
    || fail "directory request failed"
  (( $(echo "$t > $worst" | bc) )) && worst=$t
done
echo "directory latency while validations hang: worst of 10 ${worst}s"
(( $(echo "$worst < 1" | bc) )) || fail "a directory request took ${worst}s"

start=$(date +%s.%N)
certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
  --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
  -d fast.example.test >"$T/certbot.log" 2>&1 || fail "certbot failed"
took=$(echo "$(date +%s.%N) - $start" | bc)
check_cert "$T/cb/live/fast.example.test/cert.pem" "$T/cb/live/fast.example.test/chain.pem" \
  fast.example.test
echo "certificate for a working name while ${SLOW_CLIENTS} validations hang: ${took}s (bound ${BOUND}s)"
(( $(echo "$took < $BOUND" | bc) )) || fail "certbot took ${took}s"

# The hung validations fail with a DNS problem (the resolver gives up, or
# the validation deadline passes), not later.
for p in "${SLOW_PIDS[@]}"; do wait "$p" && fail "a slow lego client obtained a certificate"; done
grep -q "urn:ietf:params:acme:error:dns" "$T/lego1.log" \
  || fail "the slow validation did not fail with a dns problem: $(tail -3 "$T/lego1.log")"
echo "ok: the hung validations failed with: $(grep -h -o 'DNS problem[^"]*' "$T/lego1.log" | head -1)"
# No Retry-After to give: the order is invalid (a new order is the retry).
# The operator's log has the failed validation with its problem and detail.
grep '"msg":"validation"' "$T/signetd.log" | grep '"identifier":"slow1.example.test"' \
  | grep '"outcome":"invalid"' | grep '"problem":"urn:ietf:params:acme:error:dns"' >/dev/null \
  || fail "no validation log line with the dns problem for slow1.example.test"
echo "ok: log: $(grep '"identifier":"slow1.example.test"' "$T/signetd.log" | grep -o '"detail":"[^"]*"' | head -1)"
