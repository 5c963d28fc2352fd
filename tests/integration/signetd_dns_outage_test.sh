#!/usr/bin/env bash
# The DNS server down, then back. signetd starts while nothing answers on
# its --dns-resolver: certbot's validations fail with a dns problem
# (urn:ietf:params:acme:error:dns, "DNS problem: ... looking up A for NAME")
# on the challenge, and the order is invalid (no Retry-After: the client
# must place a new order); the operator gets one error line naming the DNS
# server. Then the DNS server starts: certbot obtains a certificate for the
# very same names at once (libunbound used to keep failing names it had
# failed for 10-20 s), and the log says the server answers again.
source "$(dirname "$0")/lib.sh"
BOUND=${DNS_OUTAGE_CERT_BOUND:-20}  # seconds certbot may take once DNS is back
start_signetd "$1"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
NAMES=(-d a.outage.example.test -d b.outage.example.test -d c.outage.example.test)
certbot_run() {  # log -> status
  certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
    --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    "${NAMES[@]}" >"$T/$1" 2>&1
}

certbot_run certbot-down.log && fail "certbot obtained a certificate while DNS was down"
grep -q 'urn:ietf:params:acme:error:dns' "$T/cb-logs/letsencrypt.log" \
  || fail "no dns problem while DNS was down: $(grep -i detail "$T/certbot-down.log" | head -2)"
detail=$(grep -o 'DNS problem: [^"]*looking up A[^"]*' "$T/cb-logs/letsencrypt.log" | head -1)
[ -n "$detail" ] || fail "the dns problem does not say which lookup failed"
echo "ok: while DNS is down, validations fail with a dns problem: $detail"
grep '"level":"error"' "$T/signetd.log" | grep "the DNS server 127.0.0.1:$DNS_PORT does not answer" >/dev/null \
  || fail "no error log line naming the DNS server"
echo "ok: operator line: $(grep -o 'the DNS server [^"]*does not answer[^"]*' "$T/signetd.log" | head -1 | cut -c1-160)"

start_dns
start=$(date +%s.%N)
certbot_run certbot-up.log || fail "certbot failed once DNS was back: $(grep -i detail "$T/certbot-up.log" | head -2)"
took=$(echo "$(date +%s.%N) - $start" | bc)
check_cert "$T/cb/live/a.outage.example.test/cert.pem" "$T/cb/live/a.outage.example.test/chain.pem" \
  a.outage.example.test b.outage.example.test c.outage.example.test >/dev/null
echo "ok: the same names issued ${took}s after DNS came back (bound ${BOUND}s)"
(( $(echo "$took < $BOUND" | bc) )) || fail "certbot took ${took}s after DNS came back"
grep -q "the DNS server 127.0.0.1:$DNS_PORT answers again" "$T/signetd.log" \
  || fail "no log line saying the DNS server answers again"
echo "ok: the log says the DNS server answers again"
