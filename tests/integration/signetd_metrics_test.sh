#!/usr/bin/env bash
# Issue 15: signetd's operator listener (--listen port + 90). /metrics passes
# `promtool check metrics`; between two scrapes around a certbot issuance the
# issuance counter moves by 1 and the new-order counter by 1 (one order);
# /health/live and /health/ready answer 200, and a signetd whose DNS
# resolver is a dead port answers /health/ready 503 naming the resolver.
source "$(dirname "$0")/lib.sh"
start_ca "$1"
OP="http://127.0.0.1:$((CA_PORT + 90))"
wait_for_port 127.0.0.1 "$((CA_PORT + 90))"

# The value of the sample whose line starts with $2 (name and labels) in
# the scrape $1, 0 when absent (a labelled series appears on first use).
sample() { awk -v s="$2" 'index($0, s " ") == 1 { v = $2 } END { print v + 0 }' "$1"; }
NEW_ORDER='signetd_http_requests_total{code="201",endpoint="/acme/new-order"}'
ISSUED='signetd_certificates_issued_total'

curl -sS --max-time 10 -o "$T/before.txt" -w '%{http_code}' "$OP/metrics" >"$T/code" \
  || fail "no answer from $OP/metrics"
[ "$(cat "$T/code")" = 200 ] || fail "/metrics answered $(cat "$T/code")"

export REQUESTS_CA_BUNDLE="$DATA/root.pem"
certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
  --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
  -d metrics.example.test >"$T/certbot.log" 2>&1 || fail "certbot failed"

curl -sS --max-time 10 -D "$T/headers" -o "$T/after.txt" "$OP/metrics" || fail "second scrape failed"
grep -qi '^content-type: text/plain; version=0.0.4' "$T/headers" \
  || fail "/metrics Content-Type is not the 0.0.4 text format: $(grep -i content-type "$T/headers")"

if command -v promtool >/dev/null; then
  promtool check metrics <"$T/after.txt" >"$T/promtool.log" 2>&1 \
    || { cat "$T/promtool.log"; fail "promtool check metrics rejects /metrics"; }
  echo "ok: promtool check metrics accepts /metrics"
else
  echo "SKIP: promtool not installed (Debian package prometheus); the format check is skipped"
fi

issued=$(( $(sample "$T/after.txt" "$ISSUED") - $(sample "$T/before.txt" "$ISSUED") ))
[ "$issued" = 1 ] || fail "$ISSUED moved by $issued, want 1"
orders=$(( $(sample "$T/after.txt" "$NEW_ORDER") - $(sample "$T/before.txt" "$NEW_ORDER") ))
[ "$orders" = 1 ] || fail "$NEW_ORDER moved by $orders, want 1"
grep -q '^signetd_build_info{version="[0-9.]*"} 1$' "$T/after.txt" || fail "no signetd_build_info"
grep -q '^signetd_validations_total{challenge_type="http-01",outcome="valid"} 1$' "$T/after.txt" \
  || fail "the http-01 validation is not counted"
grep -q '^signetd_http_request_duration_seconds_bucket{endpoint="/acme/new-order",le="+Inf"} ' \
  "$T/after.txt" || fail "no latency histogram for /acme/new-order"
grep -q '^signetd_open_connections ' "$T/after.txt" || fail "no signetd_open_connections"
grep -q '^signetd_validation_queue_depth ' "$T/after.txt" || fail "no signetd_validation_queue_depth"
echo "ok: issuance +1, new-order +1 between scrapes"

code=$(curl -sS --max-time 10 -o "$T/live" -w '%{http_code}' "$OP/health/live")
[ "$code" = 200 ] || fail "/health/live answered $code"
code=$(curl -sS --max-time 10 -o "$T/ready" -w '%{http_code}' "$OP/health/ready")
[ "$code" = 200 ] || fail "/health/ready answered $code: $(cat "$T/ready")"
echo "ok: /health/live and /health/ready 200"

# A second signetd whose resolver is a port nobody answers on.
DEAD_DNS=$((DNS_PORT + 1))
CA2=$((CA_PORT + 1))
"$1" serve --data-dir "$T/ca2" --listen "127.0.0.1:$CA2" --dns-resolver "127.0.0.1:$DEAD_DNS" \
  --http01-port "$HTTP01_PORT" --allow-loopback-validation >>"$T/signetd2.log" 2>&1 &
PIDS+=($!)
wait_for_port 127.0.0.1 "$((CA2 + 90))"
code=$(curl -sS --max-time 20 -o "$T/ready2" -w '%{http_code}' "http://127.0.0.1:$((CA2 + 90))/health/ready")
[ "$code" = 503 ] || fail "/health/ready with a dead resolver answered $code, want 503"
grep -q '^not ready: dns resolver' "$T/ready2" || fail "503 body does not name the resolver: $(cat "$T/ready2")"
[ "$(wc -l <"$T/ready2")" = 1 ] || fail "503 body is not one line: $(cat "$T/ready2")"
code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((CA2 + 90))/health/live")
[ "$code" = 200 ] || fail "/health/live with a dead resolver answered $code, want 200"
echo "ok: dead resolver: /health/ready 503 ($(cat "$T/ready2")), /health/live 200"
