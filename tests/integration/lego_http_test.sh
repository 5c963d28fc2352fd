#!/usr/bin/env bash
# lego --http obtains a certificate with its own challenge server.
source "$(dirname "$0")/lib.sh"
start_ca "$1"
export LEGO_CA_CERTIFICATES="$DATA/root.pem"
lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
  --domains lego.example.test --domains api.lego.example.test \
  --http --http.port "127.0.0.1:$HTTP01_PORT" run >"$T/lego.log" 2>&1 || fail "lego failed"
crt="$T/lego/certificates/lego.example.test.crt"
check_cert "$crt" "$T/lego/certificates/lego.example.test.issuer.crt" \
  lego.example.test api.lego.example.test
