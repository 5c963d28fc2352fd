#!/usr/bin/env bash
# uacme obtains a certificate, answering HTTP-01 through a hook that writes
# the key authorization into a webroot (start_uacme_webroot and in_ns in
# lib.sh: uacme trusts only the system store, so it runs in a private mount
# namespace where the system bundle is our root).
source "$(dirname "$0")/lib.sh"
start_ca "$1"
start_uacme_webroot
in_ns "uacme -v -y -c '$T/uacme' -a '$DIRECTORY' new ops@example.com && \
  uacme -v -y -c '$T/uacme' -a '$DIRECTORY' -h '$T/hook.sh' -t EC issue uacme.example.test" \
  >"$T/uacme.log" 2>&1 || fail "uacme failed"
crt="$T/uacme/uacme.example.test/cert.pem"
# uacme stores the full chain in cert.pem: leaf first.
openssl x509 -in "$crt" -out "$T/leaf.pem"
check_cert "$T/leaf.pem" "$crt" uacme.example.test
