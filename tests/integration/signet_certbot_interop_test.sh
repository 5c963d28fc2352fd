#!/usr/bin/env bash
# Migration both ways with the real certbot from Debian: signet renews a
# lineage certbot wrote (its renewal conf and account), certbot renews a
# lineage signet wrote, and each reads the other's files.
# Usage: signet_certbot_interop_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
# certbot 2.1 sometimes crashes on its badNonce retry path ("AttributeError:
# can't set attribute"); Pebble's injection is off here so this test checks
# file compatibility, not certbot's bug. signet's own tests keep it on.
export PEBBLE_WFE_NONCEREJECT=0
start_agent_ca "$CA" "$3"
CFG="$T/le"
paths=(--config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs")
cb() { certbot "$@" "${paths[@]}" -n >>"$T/certbot.log" 2>&1 || { tail -30 "$T/certbot.log"; fail "certbot $1 failed"; }; }
sg() { "$SIGNET" "$@" "${paths[@]}" -n >>"$T/signet.log" 2>&1 || { tail -30 "$T/signet.log"; fail "signet $1 failed"; }; }

# certbot writes, signet renews, certbot reads and renews again.
cb certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 --agree-tos \
  --register-unsafely-without-email --server "$DIRECTORY" -d cb.example.test
verify_lineage "$CFG" cb.example.test cb.example.test
sg renew --cert-name cb.example.test --force-renewal --no-random-sleep-on-renew
[ "$(readlink "$CFG/live/cb.example.test/cert.pem")" = ../../archive/cb.example.test/cert2.pem ] \
  || fail "signet did not renew certbot's lineage to version 2"
verify_lineage "$CFG" cb.example.test cb.example.test
certbot certificates "${paths[@]}" 2>&1 | grep -q "Certificate Name: cb.example.test" \
  || fail "certbot cannot read the lineage after signet renewed it"
cb renew --cert-name cb.example.test --force-renewal --no-random-sleep-on-renew
[ "$(readlink "$CFG/live/cb.example.test/cert.pem")" = ../../archive/cb.example.test/cert3.pem ] \
  || fail "certbot did not renew to version 3 after signet"

# signet writes (same account), certbot renews it.
sg certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --server "$DIRECTORY" -d sg.example.test -d www.sg.example.test
verify_lineage "$CFG" sg.example.test sg.example.test www.sg.example.test
cb renew --cert-name sg.example.test --force-renewal --no-random-sleep-on-renew
[ "$(readlink "$CFG/live/sg.example.test/cert.pem")" = ../../archive/sg.example.test/cert2.pem ] \
  || fail "certbot did not renew signet's lineage"
verify_lineage "$CFG" sg.example.test sg.example.test www.sg.example.test
"$SIGNET" certificates "${paths[@]}" | grep -q "Certificate Name: sg.example.test" \
  || fail "signet cannot list after certbot renewed"
echo "ok: certbot <-> signet against $CA"
