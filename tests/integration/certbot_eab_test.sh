#!/usr/bin/env bash
# Issue 19: external account binding (RFC 8555 7.3.4) with real certbot.
# signetd runs with --eab-required; `signetd admin eab add` makes a key (two
# lines: kid, base64url HMAC key). Without a binding, certbot refuses to
# register (the directory says externalAccountRequired) and a newAccount sent
# anyway (python3-acme, certbot's own ACME library) gets the
# externalAccountRequired problem; certbot certonly --standalone with
# --eab-kid/--eab-hmac-key gets a certificate; `admin eab list` shows the key
# bound; the same kid for a second certbot account is refused ("EAB key
# already used"); a fresh key binds that second account; admin misuse is one
# line on stderr and a non-zero exit.
# Usage: certbot_eab_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
start_dns
start_signetd "$SIGNETD" --eab-required
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

cb() {  # cb CONFIG-NAME ARGS...: certbot with its own config/work/logs dirs
  local c=$1; shift
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/$c" \
    --work-dir "$T/$c-work" --logs-dir "$T/$c-logs" "$@"
}

# eab_add: runs `signetd admin eab add` on the running CA's data directory
# and sets KID and HMAC from its exactly two lines.
eab_add() {
  "$SIGNETD" admin eab add --data-dir "$DATA" >"$T/eab-add.out" 2>"$T/eab-add.err" \
    || fail "admin eab add: $(cat "$T/eab-add.err")"
  [ "$(wc -l <"$T/eab-add.out")" -eq 2 ] || fail "admin eab add printed: $(cat "$T/eab-add.out")"
  KID=$(sed -n 's/^kid: \(.*\)$/\1/p' "$T/eab-add.out")
  HMAC=$(sed -n 's/^hmac_key: \(.*\)$/\1/p' "$T/eab-add.out")
  [[ "$KID" =~ ^[0-9a-f]+$ ]] || fail "kid line: $(head -1 "$T/eab-add.out")"
  # base64url without padding of at least 32 bytes (43 characters).
  [[ "$HMAC" =~ ^[A-Za-z0-9_-]{43,}$ ]] || fail "hmac_key line: $(tail -1 "$T/eab-add.out")"
}

curl -sf --cacert "$DATA/root.pem" "$DIRECTORY" | grep -q '"externalAccountRequired":true' \
  || fail "directory meta does not say externalAccountRequired"

# Without a binding: certbot reads the directory and refuses...
if cb plain register --agree-tos -m ops@example.com >"$T/plain.log" 2>&1; then
  fail "certbot registered without an external account binding"
fi
grep -q "requires external account binding" "$T/plain.log" \
  || { cat "$T/plain.log"; fail "certbot's refusal does not name the binding"; }
# ...and the CA itself refuses a newAccount without one.
/usr/bin/python3 - "$DIRECTORY" >"$T/raw.log" 2>&1 <<'EOF' || { cat "$T/raw.log"; fail "raw newAccount"; }
import sys
import josepy
from acme import client, messages
from cryptography.hazmat.primitives.asymmetric import ec
key = josepy.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
net = client.ClientNetwork(key, alg=josepy.ES256, user_agent="signet-eab-test")
acme = client.ClientV2(client.ClientV2.get_directory(sys.argv[1], net), net)
try:
    acme.new_account(messages.NewRegistration.from_data(
        email="ops@example.com", terms_of_service_agreed=True))
except messages.Error as e:
    print(e.typ, e.detail)
    sys.exit(0 if e.code == "externalAccountRequired" else 1)
print("newAccount without a binding succeeded")
sys.exit(1)
EOF
grep -q "urn:ietf:params:acme:error:externalAccountRequired" "$T/raw.log" \
  || fail "raw newAccount: $(cat "$T/raw.log")"
echo "ok: no account without an external account binding"

# With the binding: a certificate.
eab_add
FIRST_KID=$KID FIRST_HMAC=$HMAC
"$SIGNETD" admin eab list --data-dir "$DATA" >"$T/list.out" || fail "admin eab list"
grep -q "^$KID .* unbound$" "$T/list.out" || fail "admin eab list: $(cat "$T/list.out")"
cb first certonly --standalone --agree-tos -m ops@example.com \
  --eab-kid "$KID" --eab-hmac-key "$HMAC" \
  --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  -d eab.example.test >"$T/first.log" 2>&1 || { cat "$T/first.log"; fail "certbot with EAB"; }
live="$T/first/live/eab.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" eab.example.test
"$SIGNETD" admin eab list --data-dir "$DATA" >"$T/list.out" || fail "admin eab list"
grep -q "^$KID [^ ]* [A-Za-z0-9_-]*$" "$T/list.out" && ! grep -q "^$KID .* unbound$" "$T/list.out" \
  || fail "key not bound to an account: $(cat "$T/list.out")"

# The same kid for a second account (another config dir, so another key).
if cb second register --agree-tos -m ops@example.com \
    --eab-kid "$FIRST_KID" --eab-hmac-key "$FIRST_HMAC" >"$T/second.log" 2>&1; then
  fail "a second account was bound with kid $FIRST_KID"
fi
grep -q "EAB key already used" "$T/second.log" \
  || { cat "$T/second.log"; fail "reused kid: the refusal does not say the key was used"; }
echo "ok: a kid binds one account"
eab_add
cb second register --agree-tos -m ops@example.com --eab-kid "$KID" --eab-hmac-key "$HMAC" \
  >"$T/second-new.log" 2>&1 || { cat "$T/second-new.log"; fail "second account, new key"; }

# Misuse: one line on stderr, non-zero exit.
expect_misuse() {  # expect_misuse NAME ARGS...
  local name=$1; shift
  if "$SIGNETD" "$@" >"$T/$name.out" 2>"$T/$name.err"; then fail "$name: exit 0"; fi
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
}
expect_misuse no-db admin eab add --data-dir "$T/nowhere"
grep -q "no signetd database" "$T/no-db.err" || fail "no-db: $(cat "$T/no-db.err")"
expect_misuse no-verb admin eab --data-dir "$DATA"
expect_misuse bad-verb admin eab remove --data-dir "$DATA"
echo "ok: certbot with external account binding"
