#!/usr/bin/env bash
# Issue 5 with real clients: certbot and lego revoke (by account and by the
# certificate's key); the fetched CRL makes `openssl verify -crl_check` report
# the certificate revoked with its reason, `openssl ocsp` reports it revoked
# (and an unrevoked one good); bad revocations answer their problem types; a
# key revoked for keyCompromise is refused afterwards; `signetd admin revoke`
# and `signetd admin ari-window` act on a running CA; renewalInfo (RFC 9773)
# follows; and certificates carry exactly their profile's fields (the
# default classic, then profiles from a config file after a restart).
# Usage: signetd_revocation_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
PUB_PORT=$((CA_PORT + 80))  # signetd's default: the --listen port + 80 (14080)
PUB="http://127.0.0.1:$PUB_PORT"
start_dns
start_signetd "$SIGNETD" --ocsp
wait_for_port 127.0.0.1 "$PUB_PORT"
export REQUESTS_CA_BUNDLE="$DATA/root.pem" LEGO_CA_CERTIFICATES="$DATA/root.pem"

cb() {  # cb CONFIG-NAME ARGS...: certbot with its own config/work/logs dirs
  local c=$1; shift
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/$c" \
    --work-dir "$T/$c-work" --logs-dir "$T/$c-logs" "$@"
}
obtain() {  # obtain CONFIG-NAME DOMAIN
  cb "$1" certonly --standalone --agree-tos -m ops@example.com --http-01-port "$HTTP01_PORT" \
    --http-01-address 127.0.0.1 -d "$2" >"$T/obtain-$2.log" 2>&1 \
    || { cat "$T/obtain-$2.log"; fail "certbot certonly $2"; }
}
lego_cmd() {  # lego_cmd DOMAIN ARGS...
  local d=$1; shift
  lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
    --domains "$d" --http --http.port "127.0.0.1:$HTTP01_PORT" "$@"
}
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
root="$DATA/root.pem"

# fetch_crl CERT OUT.pem: the CRL named in CERT's CRL Distribution Points.
fetch_crl() {
  local url
  url=$(openssl x509 -in "$1" -noout -ext crlDistributionPoints | grep -o 'URI:.*' | cut -c5-)
  [[ "$url" == "$PUB/crl/"*.crl ]] || fail "CRL Distribution Point of $1 is '$url'"
  curl -sf "$url" -o "$2.der" || fail "cannot fetch $url"
  openssl crl -inform DER -in "$2.der" -out "$2" || fail "$url is not a DER CRL"
}

# expect_revoked CERT CHAIN REASON-TEXT: within 10 s the CRL lists CERT with
# the reason, openssl verify -crl_check refuses it, and OCSP says revoked.
expect_revoked() {
  local cert=$1 chain=$2 reason=$3 serial crl="$T/check.crl.pem"
  serial=$(serial_of "$cert")
  for _ in $(seq 50); do
    fetch_crl "$cert" "$crl"
    openssl crl -in "$crl" -noout -text | grep -q "Serial Number: $serial" && break
    sleep 0.2
  done
  if openssl verify -crl_check -CRLfile "$crl" -CAfile "$root" -untrusted "$chain" "$cert" \
      >"$T/verify.log" 2>&1; then
    fail "openssl verify -crl_check accepts revoked $cert"
  fi
  grep -q "certificate revoked" "$T/verify.log" || { cat "$T/verify.log"; fail "not reported revoked"; }
  openssl crl -in "$crl" -noout -text | grep -A4 "Serial Number: $serial" >"$T/entry.txt"
  if [ "$reason" = Unspecified ]; then
    ! grep -q "Reason Code" "$T/entry.txt" || fail "reason 0 must be omitted (BRs 7.2.2)"
  else
    grep -A1 "CRL Reason Code" "$T/entry.txt" | grep -q "$reason" \
      || { cat "$T/entry.txt"; fail "CRL entry of $serial lacks reason $reason"; }
  fi
  openssl ocsp -issuer "$chain" -cert "$cert" -url "$PUB/ocsp" -CAfile "$root" >"$T/ocsp.log" 2>&1 \
    || { cat "$T/ocsp.log"; fail "openssl ocsp failed"; }
  grep -q "Response verify OK" "$T/ocsp.log" || { cat "$T/ocsp.log"; fail "OCSP response does not verify"; }
  grep -q ": revoked" "$T/ocsp.log" || { cat "$T/ocsp.log"; fail "OCSP does not say revoked"; }
  echo "ok: $cert revoked ($reason) in CRL and OCSP"
}

expect_good() {  # expect_good CERT CHAIN
  fetch_crl "$1" "$T/good.crl.pem"
  openssl verify -crl_check -CRLfile "$T/good.crl.pem" -CAfile "$root" -untrusted "$2" "$1" \
    >"$T/verify.log" 2>&1 || { cat "$T/verify.log"; fail "openssl verify -crl_check refuses $1"; }
  openssl ocsp -issuer "$2" -cert "$1" -url "$PUB/ocsp" -CAfile "$root" >"$T/ocsp.log" 2>&1 \
    || { cat "$T/ocsp.log"; fail "openssl ocsp failed"; }
  grep -q ": good" "$T/ocsp.log" || { cat "$T/ocsp.log"; fail "OCSP does not say good for $1"; }
  echo "ok: $1 good in CRL and OCSP"
}

# expect_problem LOG TEXT [DEBUG-LOG]: the client failed showing the ACME
# problem. certbot 2.1 on Python 3.11 may crash while reporting an ACME error
# ("AttributeError: can't set attribute", josepy); the problem is then in
# its debug log, which is checked too.
expect_problem() {
  cat "$1" "${3:-/dev/null}" | grep -q -- "$2" || { cat "$1"; fail "expected problem $2"; }
  echo "ok: $2"
}

# --- Certificates from certbot (the classic profile, OCSP on). ---
obtain cb keep.example.test
obtain cb held.example.test
obtain cb keyrev.example.test
obtain cb admin.example.test
live="$T/cb/live"
expect_good "$live/keep.example.test/cert.pem" "$live/keep.example.test/chain.pem"

# Field by field: the classic profile, with publication URLs.
text=$(openssl x509 -in "$live/keep.example.test/cert.pem" -noout -text)
grep -q "Subject: CN = keep.example.test" <<<"$text" || fail "classic: no CN"
grep -A1 "X509v3 Extended Key Usage" <<<"$text" | grep -q \
  "TLS Web Server Authentication, TLS Web Client Authentication" || fail "classic: EKU"
grep -A1 "X509v3 Key Usage: critical" <<<"$text" | grep -q "Digital Signature" || fail "classic: KU"
grep -q "OCSP - URI:$PUB/ocsp" <<<"$text" || fail "classic: no AIA OCSP URL"
grep -q "CA Issuers - URI:https://127.0.0.1:$CA_PORT/acme/issuer-cert" <<<"$text" || fail "caIssuers"
lifetime_days() {
  echo $(( ($(date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s) \
           - $(date -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s) + 1) / 86400 ))
}
[ "$(lifetime_days "$live/keep.example.test/cert.pem")" = 90 ] || fail "classic: not 90 days"
echo "ok: classic profile fields"

# --- certbot revoke by the holding account. ---
cb cb revoke --cert-path "$live/held.example.test/cert.pem" --reason superseded \
  --no-delete-after-revoke >"$T/revoke-held.log" 2>&1 || { cat "$T/revoke-held.log"; fail "certbot revoke"; }
expect_revoked "$live/held.example.test/cert.pem" "$live/held.example.test/chain.pem" Superseded
# Again: alreadyRevoked.
! cb cb revoke --cert-path "$live/held.example.test/cert.pem" --no-delete-after-revoke \
  >"$T/revoke-again.log" 2>&1 || fail "second revocation succeeded"
expect_problem "$T/revoke-again.log" alreadyRevoked "$T/cb-logs/letsencrypt.log"

# --- Revocation by the certificate key (keyCompromise), then the key is blocked. ---
cb cb revoke --cert-path "$live/keyrev.example.test/cert.pem" \
  --key-path "$live/keyrev.example.test/privkey.pem" --reason keycompromise \
  --no-delete-after-revoke >"$T/revoke-key.log" 2>&1 || { cat "$T/revoke-key.log"; fail "revoke by key"; }
expect_revoked "$live/keyrev.example.test/cert.pem" "$live/keyrev.example.test/chain.pem" "Key Compromise"
openssl req -new -key "$live/keyrev.example.test/privkey.pem" -subj /CN=keyrev.example.test \
  -addext subjectAltName=DNS:keyrev.example.test -out "$T/blocked.csr" 2>/dev/null
! cb cb certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --csr "$T/blocked.csr" --cert-path "$T/b.pem" --chain-path "$T/bc.pem" \
  --fullchain-path "$T/bf.pem" >"$T/blocked.log" 2>&1 || fail "a compromised key was certified"
expect_problem "$T/blocked.log" "badCSR.*key is blocked (compromised)" "$T/cb-logs/letsencrypt.log"

# --- Bad revocations. ---
cb other register --agree-tos -m other@example.com >"$T/register.log" 2>&1 || fail "register"
! cb other revoke --cert-path "$live/keep.example.test/cert.pem" --no-delete-after-revoke \
  >"$T/wrong-account.log" 2>&1 || fail "another account revoked a certificate"
expect_problem "$T/wrong-account.log" "error:unauthorized" "$T/other-logs/letsencrypt.log"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/self.key" \
  -out "$T/self.pem" -days 1 -subj /CN=stranger.example.test 2>/dev/null
! cb cb revoke --cert-path "$T/self.pem" --no-delete-after-revoke >"$T/unknown.log" 2>&1 \
  || fail "a certificate we never issued was revoked"
expect_problem "$T/unknown.log" "error:malformed.*was not issued by this CA" "$T/cb-logs/letsencrypt.log"

# --- lego: revoke with a reason; an unsupported reason is refused. ---
lego_cmd lego-bad.example.test run >"$T/lego-bad.log" 2>&1 || { cat "$T/lego-bad.log"; fail "lego run"; }
! lego_cmd lego-bad.example.test revoke --reason 9 >"$T/lego-reason.log" 2>&1 \
  || fail "reason 9 was accepted from a subscriber"
expect_problem "$T/lego-reason.log" badRevocationReason
lego_cmd lego-rev.example.test run >"$T/lego-run.log" 2>&1 || { cat "$T/lego-run.log"; fail "lego run"; }
cp "$T/lego/certificates/lego-rev.example.test.crt" "$T/lego-rev.pem"
cp "$T/lego/certificates/lego-rev.example.test.issuer.crt" "$T/lego-rev-issuer.pem"
lego_cmd lego-rev.example.test revoke --reason 5 >"$T/lego-revoke.log" 2>&1 \
  || { cat "$T/lego-revoke.log"; fail "lego revoke"; }
expect_revoked "$T/lego-rev.pem" "$T/lego-rev-issuer.pem" "Cessation Of Operation"

# The unrevoked certificate is still good after all that.
expect_good "$live/keep.example.test/cert.pem" "$live/keep.example.test/chain.pem"

# --- Operator: admin revoke on the running CA (no ACME account). ---
"$SIGNETD" admin revoke --data-dir "$DATA" --serial "$(serial_of "$live/admin.example.test/cert.pem")" \
  --reason 4 >"$T/admin-revoke.log" 2>&1 || { cat "$T/admin-revoke.log"; fail "admin revoke"; }
expect_revoked "$live/admin.example.test/cert.pem" "$live/admin.example.test/chain.pem" Superseded
! "$SIGNETD" admin revoke --data-dir "$DATA" --serial abcdef --reason 4 >"$T/admin-bad.log" 2>&1 \
  || fail "admin revoke of an unknown serial succeeded"

# --- ARI: renewalInfo, moved by the operator. ---
cert_id() {  # RFC 9773 4.1: base64url(AKI keyIdentifier) "." base64url(serial DER contents)
  local aki serial
  aki=$(openssl x509 -in "$1" -noout -ext authorityKeyIdentifier | tail -1 | tr -d ' :' | sed 's/^keyid//')
  serial=$(serial_of "$1")
  [ $(( 0x${serial:0:1} )) -ge 8 ] && serial="00$serial"
  b64u() { xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '='; }
  echo "$(echo -n "$aki" | b64u).$(echo -n "$serial" | b64u)"
}
ari="https://127.0.0.1:$CA_PORT/acme/renewal-info/$(cert_id "$live/keep.example.test/cert.pem")"
curl -sf --cacert "$root" -D "$T/ari.headers" "$ari" >"$T/ari.json" || fail "GET renewalInfo"
grep -qi "^Retry-After: 21600" "$T/ari.headers" || fail "renewalInfo lacks Retry-After"
python3 - "$T/ari.json" <<'PY' || fail "default renewal window"
import json, sys
w = json.load(open(sys.argv[1]))["suggestedWindow"]
assert w["start"] < w["end"], w
PY
"$SIGNETD" admin ari-window --data-dir "$DATA" --serial "$(serial_of "$live/keep.example.test/cert.pem")" \
  --start 2030-01-01T00:00:00Z --end 2030-01-02T00:00:00Z --explanation https://ops.example.test/drill \
  >"$T/admin-ari.log" 2>&1 || { cat "$T/admin-ari.log"; fail "admin ari-window"; }
curl -sf --cacert "$root" "$ari" >"$T/ari2.json" || fail "GET renewalInfo after the move"
python3 - "$T/ari2.json" <<'PY' || { cat "$T/ari2.json"; fail "the window did not move"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["suggestedWindow"] == {"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}, r
assert r["explanationURL"] == "https://ops.example.test/drill", r
PY
echo "ok: renewalInfo window moved by the operator"

# --- Profiles from a config file, after a restart (CRL numbers keep growing). ---
number() { openssl crl -in "$1" -noout -crlnumber | cut -d= -f2 | sed 's/^0x//'; }  # hex digits
fetch_crl "$live/keep.example.test/cert.pem" "$T/before.crl.pem"
kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true
cat >"$T/signetd.toml" <<TOML
ocsp = true
http_listen = "127.0.0.1:$PUB_PORT"
default_profile = "tlsserver"
[profiles.tlsserver]
lifetime = "30d"
[profiles.shortlived]
offered = false
[profiles.clientonly]
lifetime = "240h"
common_name = true
ext_key_usages = ["clientAuth"]
TOML
start_signetd "$SIGNETD" --config "$T/signetd.toml"
wait_for_port 127.0.0.1 "$PUB_PORT"
fetch_crl "$live/keep.example.test/cert.pem" "$T/after.crl.pem"
[ $((0x$(number "$T/after.crl.pem"))) -gt $((0x$(number "$T/before.crl.pem"))) ] \
  || fail "CRL number did not grow across the restart"
curl -sf --cacert "$root" "https://127.0.0.1:$CA_PORT/directory" >"$T/dir.json"
python3 - "$T/dir.json" <<'PY' || { cat "$T/dir.json"; fail "directory meta.profiles"; }
import json, sys
assert sorted(json.load(open(sys.argv[1]))["meta"]["profiles"]) == ["classic", "clientonly", "tlsserver"]
PY
obtain cb tls.example.test  # certbot names no profile: the configured default, tlsserver
text=$(openssl x509 -in "$live/tls.example.test/cert.pem" -noout -text)
grep -q "Subject: *$" <<<"$text" || fail "tlsserver: the subject is not empty"
grep -q "X509v3 Subject Alternative Name: critical" <<<"$text" || fail "tlsserver: SAN not critical"
grep -A1 "X509v3 Extended Key Usage" <<<"$text" | tail -1 | grep -qx " *TLS Web Server Authentication" \
  || fail "tlsserver: EKU is not serverAuth alone"
[ "$(lifetime_days "$live/tls.example.test/cert.pem")" = 30 ] || fail "tlsserver: not the configured 30 days"
exts=$(sed -n '/X509v3 extensions:/,/Signature Algorithm:/p' <<<"$text" | grep -E '^ {12}[A-Za-z]' \
       | sed 's/^ *//; s/ *$//; s/:$//' | sort | tr '\n' '|')
want="Authority Information Access|X509v3 Authority Key Identifier|X509v3 Basic Constraints: critical|"
want+="X509v3 CRL Distribution Points|X509v3 Certificate Policies|X509v3 Extended Key Usage|X509v3 Key Usage: critical|"
want+="X509v3 Subject Alternative Name: critical|X509v3 Subject Key Identifier|"
[ "$exts" = "$want" ] || fail "tlsserver: extensions are '$exts'"
check_cert_chain() { openssl verify -CAfile "$root" -untrusted "$2" "$1" >/dev/null || fail "chain of $1"; }
check_cert_chain "$live/tls.example.test/cert.pem" "$live/tls.example.test/chain.pem"
echo "ok: configured tlsserver profile fields"
echo "PASS"
