#!/usr/bin/env bash
# Issue 19: alternate chains (RFC 8555 7.4.2). signetd's intermediate is also
# cross-signed by a second root, "Signet Alternate Root X2" (DIR/root-alt.pem);
# the certificate URL links that chain with Link rel="alternate".
# - serve never opens the roots' keys: with both removed it restarts and
#   both chains keep working.
# - certbot by default saves the chain to "Signet Root CA" (DIR/root.pem);
#   with --preferred-chain "Signet Alternate Root X2" the one whose last
#   certificate is issued by that root, which verifies to root-alt.pem only.
# - signet does the same, keeps preferred_chain in the renewal conf and
#   renews onto the alternate chain again.
# Usage: certbot_alt_chain_test.sh SIGNETD SIGNET
source "$(dirname "$0")/lib.sh"
SIGNETD=$1 SIGNET=$2
ALT_CN="Signet Alternate Root X2"
start_ca "$SIGNETD"

# --- serve never opens a root key: both removed, restart, and both chains
# still work (the alternate is certified once, by the ceremony). ---
kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true
for f in root-alt.pem intermediate-cross.pem; do
  [ -f "$DATA/$f" ] || fail "signetd did not create $DATA/$f"
done
for f in root.key root-alt.key; do
  [ "$(stat -c %a "$DATA/$f")" = 600 ] || fail "$f is not 0600"
  rm "$DATA/$f"
done
sums_before=$(cd "$DATA" && sha256sum root.pem intermediate.pem root-alt.pem intermediate-cross.pem)
start_signetd "$SIGNETD"
sums_after=$(cd "$DATA" && sha256sum root.pem intermediate.pem root-alt.pem intermediate-cross.pem)
[ "$sums_before" = "$sums_after" ] || fail "a restart changed the hierarchy"
openssl x509 -in "$DATA/root-alt.pem" -noout -subject | grep -q "CN *= *$ALT_CN" \
  || fail "root-alt.pem: $(openssl x509 -in "$DATA/root-alt.pem" -noout -subject)"
echo "ok: signetd restarts without the roots' keys; the hierarchy is unchanged"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

# top_issuer CHAIN: the issuer CN of the last certificate of a PEM bundle.
top_issuer() {
  awk '/-----BEGIN CERTIFICATE-----/{n++; out=""} {out=out $0 "\n"} END{printf "%s", out}' "$1" \
    | openssl x509 -noout -issuer -nameopt multiline | sed -n 's/^ *commonName *= *//p'
}

# expect_alternate CERT CHAIN: the chain leads to root-alt.pem and not to root.pem.
expect_alternate() {
  [ "$(top_issuer "$2")" = "$ALT_CN" ] || fail "$2 ends at '$(top_issuer "$2")', not $ALT_CN"
  openssl verify -CAfile "$DATA/root-alt.pem" -untrusted "$2" "$1" >/dev/null \
    || fail "$1 with $2 does not verify to root-alt.pem"
  if openssl verify -CAfile "$DATA/root.pem" -untrusted "$2" "$1" >/dev/null 2>&1; then
    fail "the alternate chain $2 verifies to root.pem alone"
  fi
}

cb() {  # cb CONFIG-NAME ARGS...: certbot with its own config/work/logs dirs
  local c=$1; shift
  certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
    --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --config-dir "$T/$c" --work-dir "$T/$c-work" --logs-dir "$T/$c-logs" "$@"
}

# --- certbot: the default chain, then the preferred one. ---
cb default -d default.alt.example.test >"$T/certbot-default.log" 2>&1 \
  || { cat "$T/certbot-default.log"; fail "certbot (default chain)"; }
live="$T/default/live/default.alt.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" default.alt.example.test
[ "$(top_issuer "$live/chain.pem")" = "Signet Root CA" ] \
  || fail "default chain ends at '$(top_issuer "$live/chain.pem")'"

cb preferred --preferred-chain "$ALT_CN" -d preferred.alt.example.test \
  >"$T/certbot-preferred.log" 2>&1 || { cat "$T/certbot-preferred.log"; fail "certbot --preferred-chain"; }
live="$T/preferred/live/preferred.alt.example.test"
expect_alternate "$live/cert.pem" "$live/chain.pem"
expect_alternate "$live/cert.pem" "$live/fullchain.pem"
echo "ok: certbot --preferred-chain \"$ALT_CN\" saved the alternate chain"

# --- signet: the same flag, kept for renewals. ---
sg() {  # sg VERB ARGS...
  local verb=$1; shift
  "$SIGNET" "$verb" --non-interactive --server "$DIRECTORY" --config-dir "$T/sg" \
    --work-dir "$T/sg-work" --logs-dir "$T/sg-logs" "$@"
}
sg certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --agree-tos -m ops@example.com --preferred-chain "$ALT_CN" -d signet.alt.example.test \
  >"$T/signet.log" 2>&1 || { cat "$T/signet.log"; fail "signet --preferred-chain"; }
live="$T/sg/live/signet.alt.example.test"
expect_alternate "$live/cert.pem" "$live/chain.pem"
grep -q "^preferred_chain = $ALT_CN$" "$T/sg/renewal/signet.alt.example.test.conf" \
  || fail "renewal conf lacks preferred_chain: $(cat "$T/sg/renewal/signet.alt.example.test.conf")"
sg renew --force-renewal --no-random-sleep-on-renew >"$T/signet-renew.log" 2>&1 \
  || { cat "$T/signet-renew.log"; fail "signet renew"; }
[ "$(readlink "$live/chain.pem")" = ../../archive/signet.alt.example.test/chain2.pem ] \
  || fail "renewal did not move live/ to version 2"
expect_alternate "$live/cert.pem" "$live/chain.pem"
# An unknown preference keeps the default chain.
sg certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --preferred-chain "No Such Root" -d other.alt.example.test >"$T/signet-other.log" 2>&1 \
  || { cat "$T/signet-other.log"; fail "signet --preferred-chain (no match)"; }
check_cert "$T/sg/live/other.alt.example.test/cert.pem" "$T/sg/live/other.alt.example.test/chain.pem" \
  other.alt.example.test
grep -q 'No chain from the CA has the preferred issuer "No Such Root"; using the default chain' \
  "$T/signet-other.log" || fail "signet did not say it kept the default chain"
# certbot renews signet's lineage onto the alternate chain as well.
certbot renew --non-interactive --force-renewal --no-random-sleep-on-renew --cert-name signet.alt.example.test \
  --config-dir "$T/sg" --work-dir "$T/sg-work" --logs-dir "$T/sg-logs" \
  >"$T/certbot-renew.log" 2>&1 || { cat "$T/certbot-renew.log"; fail "certbot renew of signet's lineage"; }
[ "$(readlink "$live/chain.pem")" = ../../archive/signet.alt.example.test/chain3.pem ] \
  || fail "certbot's renewal did not move live/ to version 3"
expect_alternate "$live/cert.pem" "$live/chain.pem"
echo "ok: signet --preferred-chain, kept across renewals by signet and certbot"
