#!/usr/bin/env bash
# DNSSEC validation of CAA (BR 4.2.2.1.1) with a real bind9 serving zones
# signed by dnssec-signzone, the zones' DS records given to signetd as
# trust anchors (--dns-trust-anchor), certbot --standalone as the client:
# a signed CAA permitting us issues; an unsigned child zone, provably
# insecure (a signed NSEC proves it has no DS), issues; a zone whose CAA
# signature is broken fails closed with the dns problem and nothing is
# issued. Also the start-up errors of the trust anchor options.
# Usage: signetd_dnssec_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bind9_lib.sh"
SIGNETD=$1
Z="$T/bind"; K="$T/keys"
mkdir -p "$Z" "$K"

# zone_file ZONE EXTRA-RECORDS: apex SOA/NS/A, every name under it -> 127.0.0.1.
zone_file() {
  printf '$TTL 60\n@ IN SOA ns.test. hostmaster.test. 1 60 60 600 1\n@ IN NS ns.test.\n@ IN A 127.0.0.1\n* IN A 127.0.0.1\n%s\n' \
    "$2" >"$Z/$1.zone"
}
# sign ZONE: a KSK and a ZSK, ZONE.zone -> ZONE.zone.signed; the DS set
# (dsset-ZONE.) is the trust anchor.
sign() {
  dnssec-keygen -q -K "$K" -a ECDSAP256SHA256 -f KSK -n ZONE "$1" >/dev/null
  dnssec-keygen -q -K "$K" -a ECDSAP256SHA256 -n ZONE "$1" >/dev/null
  dnssec-signzone -q -S -K "$K" -d "$K" -o "$1" -O full -f "$Z/$1.zone.signed" "$Z/$1.zone" >/dev/null \
    || fail "dnssec-signzone $1"
}
# signed.test: CAA for us, and plain.signed.test delegated without a DS.
zone_file signed.test '@ IN CAA 0 issue "signet.test"
plain IN NS ns.test.'
sign signed.test
zone_file plain.signed.test '@ IN CAA 0 issue "signet.test"'
# broken.test: CAA for us, but its signature altered after signing.
zone_file broken.test '@ IN CAA 0 issue "signet.test"'
sign broken.test
awk '!done && index($0, "RRSIG\tCAA ") {
       n = length($0); c = substr($0, n - 9, 1); r = (c == "A") ? "B" : "A"
       $0 = substr($0, 1, n - 10) r substr($0, n - 8); done = 1 }
     { print } END { if (!done) exit 1 }' "$Z/broken.test.zone.signed" >"$Z/broken.tmp" \
  || fail "no RRSIG over CAA in broken.test.zone.signed"
mv "$Z/broken.tmp" "$Z/broken.test.zone.signed"
BIND9_EXTRA_ZONES="zone \"signed.test.\" { type primary; file \"$Z/signed.test.zone.signed\"; };
zone \"plain.signed.test.\" { type primary; file \"$Z/plain.signed.test.zone\"; };
zone \"broken.test.\" { type primary; file \"$Z/broken.test.zone.signed\"; };"
start_bind9
dig +dnssec +noall +answer -p "$DNS_PORT" @127.0.0.1 signed.test CAA | grep -q "RRSIG" \
  || fail "bind9 does not serve signed.test with signatures"

# The trust anchor options' start-up errors: one line, non-zero exit.
expect_start_error() {  # MESSAGE FLAGS...
  local want=$1; shift
  "$SIGNETD" serve --data-dir "$T/bad" --listen "127.0.0.1:$((CA_PORT + 100))" \
    --http-listen "127.0.0.1:$((CA_PORT + 180))" \
    --dns-resolver "127.0.0.1:$DNS_PORT" --allow-loopback-validation "$@" >"$T/bad.log" 2>&1 \
    && fail "signetd started with $*"
  [ "$(wc -l <"$T/bad.log")" -eq 1 ] && grep -qF "signetd: $want" "$T/bad.log" \
    || { cat "$T/bad.log"; fail "signetd $*: want the one line \"$want\""; }
}
expect_start_error "DNSSEC trust anchor file $T/none.key cannot be read (No such file or directory)" \
  --dns-trust-anchor "$T/none.key"
expect_start_error "--no-dnssec contradicts --dns-trust-anchor" --no-dnssec \
  --dns-trust-anchor "$K/dsset-signed.test."
echo "ok: unreadable anchor and --no-dnssec with an anchor refused at start"

start_signetd "$SIGNETD" --caa-identity signet.test \
  --dns-trust-anchor "$K/dsset-signed.test." --dns-trust-anchor "$K/dsset-broken.test."
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
obtain() {  # NAME -> certbot's exit status; log in $T/NAME.log
  certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
    --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" -d "$1" >"$T/$1.log" 2>&1
}

obtain signed.test || { tail -20 "$T/signed.test.log"; fail "a validly signed CAA naming us must issue"; }
check_cert "$T/cb/live/signed.test/cert.pem" "$T/cb/live/signed.test/chain.pem" signed.test
echo "ok: signed CAA -> issued"

obtain plain.signed.test || { tail -20 "$T/plain.signed.test.log"; fail "a provably insecure zone must issue"; }
check_cert "$T/cb/live/plain.signed.test/cert.pem" "$T/cb/live/plain.signed.test/chain.pem" plain.signed.test
echo "ok: provably insecure (unsigned child) CAA -> issued"

obtain broken.test && fail "a bogus CAA answer must not issue"
grep -q "Type:   dns" "$T/broken.test.log" \
  && grep -q "While processing CAA for broken.test: DNSSEC validation failure" "$T/broken.test.log" \
  || { tail -20 "$T/broken.test.log"; fail "bogus CAA: want the dns problem naming the DNSSEC failure"; }
[ ! -e "$T/cb/live/broken.test" ] || fail "a certificate was issued for broken.test"
echo "ok: bogus CAA signature -> dns problem, nothing issued"
