#!/usr/bin/env bash
# certbot --webroot obtains a certificate; a separate web server serves the files.
source "$(dirname "$0")/lib.sh"
start_ca "$1"
start_webroot_server "$T/www"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
certbot certonly --webroot -w "$T/www" --non-interactive --agree-tos \
  --register-unsafely-without-email --server "$DIRECTORY" \
  --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
  -d webroot.example.test >"$T/certbot.log" 2>&1 || fail "certbot failed"
live="$T/cb/live/webroot.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" webroot.example.test
