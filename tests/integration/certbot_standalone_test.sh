#!/usr/bin/env bash
# certbot --standalone obtains a certificate from signetd by HTTP-01.
source "$(dirname "$0")/lib.sh"
start_ca "$1"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
  --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
  -d standalone.example.test -d www.standalone.example.test >"$T/certbot.log" 2>&1 \
  || fail "certbot failed"
live="$T/cb/live/standalone.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" standalone.example.test www.standalone.example.test
