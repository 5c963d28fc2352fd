#!/usr/bin/env bash
# Issue 12: the key ceremony and an offline root.
# - `signetd ceremony --config FILE` makes the hierarchy (root key in a file,
#   intermediate key on a SoftHSM2 token), prints what it made, writes key
#   files 0600, and refuses to run again over it (exit 1, nothing changed).
# - serve without the test contract refuses an empty data directory and
#   names the ceremony.
# - the ceremony also makes a delegated OCSP responder certificate (RFC 6960
#   4.2.2.2) for a second token key; serve refuses it with the wrong key.
# - serve with the roots' keys moved out of the data directory: certbot obtains and revokes; the CRL lists the serial and
#   OCSP says revoked, answered by the ceremony's responder (its key on the
#   token), verified against the root.
# - the HTTPS listener's certificate: own key, recorded, kept across starts,
#   revocable (then on its CRL, and replaced at the next start).
# - an intermediate key file open to group or others: serve refuses in one line.
# Usage: signetd_ceremony_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
PUB_PORT=$((CA_PORT + 80))
PUB="http://127.0.0.1:$PUB_PORT"
start_dns
hsm_setup
pkcs11-tool --module "$HSM_MODULE" --token-label signet-it --login --pin 1234 --keypairgen \
  --key-type EC:prime256v1 --label ocsp --id 02 >/dev/null 2>&1 || fail "pkcs11-tool --keypairgen ocsp"
OCSP_KEY="pkcs11:token=signet-it;object=ocsp"

cat >"$T/ceremony.toml" <<TOML
dir = "$DATA"
name_prefix = "Ceremony"
pkcs11_module = "$HSM_MODULE"
[root]
type = "P-384"
[intermediate]
key = "pkcs11:token=signet-it;object=intermediate"
[[ocsp_responder]]
key = "$OCSP_KEY"
validity_days = 30
TOML
"$SIGNETD" ceremony --config "$T/ceremony.toml" >"$T/ceremony.out" 2>&1 \
  || { cat "$T/ceremony.out"; fail "signetd ceremony"; }
cat "$T/ceremony.out"
grep -q "^root certificate $DATA/root.pem: CN=Ceremony Root CA, key $DATA/root.key (EC P-384)" "$T/ceremony.out" \
  || fail "ceremony did not report the root"
grep -q "^intermediate certificate $DATA/intermediate.pem: CN=Ceremony Intermediate CA, key pkcs11:token=signet-it;object=intermediate (EC P-256)" \
  "$T/ceremony.out" || fail "ceremony did not report the token intermediate"
grep -q "^cross-signed intermediate $DATA/intermediate-cross.pem" "$T/ceremony.out" \
  || fail "ceremony did not report the cross-certificate"
grep -q "^OCSP responder certificate $DATA/ocsp-responder.pem: CN=Ceremony Intermediate CA OCSP Responder issued by CN=Ceremony Intermediate CA, key $OCSP_KEY (EC P-256), valid until " \
  "$T/ceremony.out" || fail "ceremony did not report the OCSP responder"
openssl x509 -in "$DATA/ocsp-responder.pem" -noout -ext extendedKeyUsage | grep -q "OCSP Signing" \
  || fail "the responder certificate lacks id-kp-OCSPSigning"
openssl x509 -in "$DATA/ocsp-responder.pem" -noout -text | grep -q "OCSP No Check" \
  || fail "the responder certificate lacks id-pkix-ocsp-nocheck"
[ ! -e "$DATA/intermediate.key" ] || fail "the token intermediate has a key file"
[ ! -e "$DATA/ocsp-responder.key" ] || fail "the token responder has a key file"
for f in root.key root-alt.key; do [ "$(stat -c %a "$DATA/$f")" = 600 ] || fail "$f is not 0600"; done
echo "ok: the ceremony made the hierarchy, intermediate key on the token"

sums=$(cd "$DATA" && sha256sum ./*)
if "$SIGNETD" ceremony --config "$T/ceremony.toml" >"$T/again.out" 2>&1; then fail "a second ceremony succeeded"; fi
grep -qx "signetd ceremony: $DATA/root.pem exists; the ceremony never overwrites (move it away first)" "$T/again.out" \
  || { cat "$T/again.out"; fail "second ceremony: wrong refusal"; }
[ "$sums" = "$(cd "$DATA" && sha256sum ./*)" ] || fail "the refused ceremony changed files"
echo "ok: the ceremony refuses to overwrite"

if timeout 20 "$SIGNETD" serve --data-dir "$T/empty" --listen "127.0.0.1:$CA_PORT" >"$T/empty.out" 2>&1; then
  fail "serve started on an empty data directory outside testing"
fi
grep -q "signetd: $T/empty/root.pem not found: make the CA hierarchy with \`signetd ceremony --config FILE\`" \
  "$T/empty.out" || { cat "$T/empty.out"; fail "empty data directory: wrong refusal"; }
echo "ok: outside testing, serve wants a ceremony"

# Offline: the roots' keys leave the data directory (chmod 000 would not
# stop root, which CI runs as).
mkdir "$T/offline"
mv "$DATA/root.key" "$DATA/root-alt.key" "$T/offline/"
# The responder's certificate with the intermediate's key: refused in one line.
if timeout 20 "$SIGNETD" serve --data-dir "$DATA" --listen "127.0.0.1:$CA_PORT" --allow-loopback-validation \
     "${HSM_ARGS[@]}" --ocsp --ocsp-responder-cert "$DATA/ocsp-responder.pem" >"$T/wrongkey.out" 2>&1; then
  fail "serve started with an OCSP responder certificate and no key for it"
fi
grep -qxF "signetd: cannot read key file $DATA/ocsp-responder.key (the default key of --ocsp-responder-cert; name its key with --ocsp-responder-signer FILE|pkcs11:URI)" "$T/wrongkey.out" \
  || { cat "$T/wrongkey.out"; fail "responder without its key: wrong refusal"; }
if timeout 20 "$SIGNETD" serve --data-dir "$DATA" --listen "127.0.0.1:$CA_PORT" --allow-loopback-validation \
     "${HSM_ARGS[@]}" --ocsp --ocsp-responder-cert "$DATA/ocsp-responder.pem" \
     --ocsp-responder-signer "pkcs11:token=signet-it;object=intermediate" >"$T/wrongkey.out" 2>&1; then
  fail "serve started with the OCSP responder certificate and the intermediate's key"
fi
grep -qx "signetd: $DATA/ocsp-responder.pem: OCSP responder certificate does not certify the key of pkcs11:token=signet-it;object=intermediate" \
  "$T/wrongkey.out" || { cat "$T/wrongkey.out"; fail "responder with the wrong key: wrong refusal"; }
RESPONDER=(--ocsp --ocsp-responder-cert "$DATA/ocsp-responder.pem" --ocsp-responder-signer "$OCSP_KEY")
start_signetd "$SIGNETD" "${HSM_ARGS[@]}" "${RESPONDER[@]}"
wait_for_port 127.0.0.1 "$PUB_PORT"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
cb() {
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" \
    --logs-dir "$T/cb-logs" "$@"
}
cb certonly --standalone --agree-tos -m ops@example.com --http-01-port "$HTTP01_PORT" \
  --http-01-address 127.0.0.1 -d offline-root.example.test >"$T/obtain.log" 2>&1 \
  || { cat "$T/obtain.log"; fail "certbot certonly"; }
live="$T/cb/live/offline-root.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" offline-root.example.test
cb revoke --cert-path "$live/cert.pem" --reason superseded --no-delete-after-revoke >"$T/revoke.log" 2>&1 \
  || { cat "$T/revoke.log"; fail "certbot revoke"; }
serial=$(openssl x509 -in "$live/cert.pem" -noout -serial | cut -d= -f2)
url=$(openssl x509 -in "$live/cert.pem" -noout -ext crlDistributionPoints | grep -o 'URI:.*' | cut -c5-)
for _ in $(seq 50); do
  curl -sf "$url" -o "$T/crl.der" && openssl crl -inform DER -in "$T/crl.der" -noout -text \
    | grep -q "Serial Number: $serial" && break
  sleep 0.2
done
openssl crl -inform DER -in "$T/crl.der" -noout -text | grep -q "Serial Number: $serial" \
  || fail "the CRL does not list $serial"
openssl crl -inform DER -in "$T/crl.der" -CAfile "$live/chain.pem" -noout 2>&1 | grep -q "verify OK" \
  || fail "the CRL does not verify under the intermediate"
openssl ocsp -issuer "$live/chain.pem" -cert "$live/cert.pem" -url "$PUB/ocsp" -CAfile "$DATA/root.pem" \
  -respout "$T/ocsp.der" >"$T/ocsp.log" 2>&1 || { cat "$T/ocsp.log"; fail "openssl ocsp"; }
grep -q "Response verify OK" "$T/ocsp.log" && grep -q ": revoked" "$T/ocsp.log" \
  || { cat "$T/ocsp.log"; fail "OCSP does not say revoked"; }
fingerprint() { openssl x509 -noout -fingerprint -sha256 "$@"; }
openssl ocsp -respin "$T/ocsp.der" -resp_text -noverify 2>/dev/null \
  | sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' >"$T/ocsp-signer.pem"
[ "$(fingerprint -in "$T/ocsp-signer.pem")" = "$(fingerprint -in "$DATA/ocsp-responder.pem")" ] \
  || fail "the OCSP answer is not signed by the ceremony's responder"
echo "ok: with the root keys offline, issuance, CRL and OCSP work (intermediate and OCSP responder on the token)"

# The HTTPS listener's certificate: its own key (0600), recorded in the
# store, served, kept across a restart; revoked, it is on its CRL and the
# next start replaces it.
TAB=$'\t'
listener_serial() { openssl x509 -in "$DATA/listener.pem" -noout -serial | cut -d= -f2 | tr A-F a-f | sed 's/^0*//'; }
served_serial() {
  echo | openssl s_client -connect "127.0.0.1:$CA_PORT" -CAfile "$DATA/root.pem" -verify_return_error 2>/dev/null \
    | openssl x509 -noout -serial | cut -d= -f2 | tr A-F a-f | sed 's/^0*//'
}
[ "$(stat -c %a "$DATA/listener.key")" = 600 ] || fail "listener.key is not 0600"
L1=$(listener_serial)
[ "$(served_serial)" = "$L1" ] || fail "the listener does not serve listener.pem (or it does not verify to root.pem)"
"$SIGNETD" admin certificates search --data-dir "$DATA" --serial "$L1" >"$T/lsearch.out" \
  || fail "admin certificates search"
grep -q "^$L1${TAB}valid${TAB}.*${TAB}listener$TAB" "$T/lsearch.out" || { cat "$T/lsearch.out"; fail "listener certificate not recorded"; }
kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true
start_signetd "$SIGNETD" "${HSM_ARGS[@]}" "${RESPONDER[@]}"
wait_for_port 127.0.0.1 "$PUB_PORT"
[ "$(served_serial)" = "$L1" ] || fail "a restart replaced a good listener certificate"
"$SIGNETD" admin revoke --data-dir "$DATA" --serial "$L1" --reason 4 >/dev/null || fail "admin revoke listener"
lurl=$(openssl x509 -in "$DATA/listener.pem" -noout -ext crlDistributionPoints | grep -o 'URI:.*' | cut -c5-)
lhex=$(openssl x509 -in "$DATA/listener.pem" -noout -serial | cut -d= -f2)
for _ in $(seq 50); do
  curl -sf "$lurl" -o "$T/lcrl.der" && openssl crl -inform DER -in "$T/lcrl.der" -noout -text \
    | grep -q "Serial Number: $lhex" && break
  sleep 0.2
done
openssl crl -inform DER -in "$T/lcrl.der" -noout -text | grep -q "Serial Number: $lhex" \
  || fail "the revoked listener certificate is not on its CRL"
kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true
start_signetd "$SIGNETD" "${HSM_ARGS[@]}" "${RESPONDER[@]}"
L2=$(served_serial)
[ -n "$L2" ] && [ "$L2" != "$L1" ] || fail "a revoked listener certificate was kept"
echo "ok: the listener certificate is recorded, kept, revocable, on the CRL when revoked, and replaced"
kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true

# A file intermediate open to group: refused in one line.
mkdir "$T/filed"
cat >"$T/filed.toml" <<TOML
dir = "$T/filed"
alternate_chain = false
TOML
"$SIGNETD" ceremony --config "$T/filed.toml" >/dev/null || fail "file ceremony"
chmod 640 "$T/filed/intermediate.key"
if timeout 20 "$SIGNETD" serve --data-dir "$T/filed" --listen "127.0.0.1:$CA_PORT" \
     --allow-loopback-validation >"$T/perm.out" 2>&1; then
  fail "serve started with a group-readable key"
fi
grep -qx "signetd: key file $T/filed/intermediate.key has mode 0640, open to group or others; make it 0600 (chmod 600)" \
  "$T/perm.out" || { cat "$T/perm.out"; fail "group-readable key: wrong refusal"; }
echo "ok: a group-readable intermediate key is refused"
echo PASS
