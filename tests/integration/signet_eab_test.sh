#!/usr/bin/env bash
# signet registers with an external account binding (RFC 8555 7.3.4) against
# a CA that requires one (signetd --eab-required with keys from `signetd
# admin eab add`; Pebble with externalAccountMACKeys). Without the flags:
# one line naming them, a non-zero exit and no account on disk; half of them
# or a bad --eab-hmac-alg: one line too; with them: a certificate; the same
# kid for a second account (another config dir): the CA's refusal printed;
# a wrong MAC key: refused; HS384 and a padded key work (signetd).
# Usage: signet_eab_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2 SIGNETD=$3
if [ "$CA" = pebble ]; then
  # 48-byte keys: base64url without padding either way.
  PEBBLE_KEY1=zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W
  PEBBLE_KEY2=b10lLJs8l1GPIzsLP0s6pMt8O0XVGnfTaCeROxQM0BIt2XrJMDHJZBM5NuQmQJQH
  PEBBLE_EAB_KEYS="{\"kid-1\": \"$PEBBLE_KEY1\", \"kid-2\": \"$PEBBLE_KEY2\"}"
  start_agent_ca pebble
else
  start_agent_ca signetd "$SIGNETD" --eab-required
fi

NEXT_KID=1
eab_add() {  # sets KID and HMAC to a fresh, unbound key
  if [ "$CA" = pebble ]; then
    KID=kid-$NEXT_KID
    HMAC=$([ "$NEXT_KID" = 1 ] && echo "$PEBBLE_KEY1" || echo "$PEBBLE_KEY2")
    NEXT_KID=$((NEXT_KID + 1))
    return
  fi
  "$SIGNETD" admin eab add --data-dir "$DATA" >"$T/eab-add.out" 2>"$T/eab-add.err" \
    || fail "admin eab add: $(cat "$T/eab-add.err")"
  KID=$(sed -n 's/^kid: \(.*\)$/\1/p' "$T/eab-add.out")
  HMAC=$(sed -n 's/^hmac_key: \(.*\)$/\1/p' "$T/eab-add.out")
  [ -n "$KID" ] && [ -n "$HMAC" ] || fail "admin eab add printed: $(cat "$T/eab-add.out")"
}

sg() {  # sg CONFIG-NAME ARGS...: signet with its own config/work/logs dirs
  local c=$1; shift
  "$SIGNET" --non-interactive --server "$DIRECTORY" --config-dir "$T/$c" \
    --work-dir "$T/$c-work" --logs-dir "$T/$c-logs" "$@"
}

# expect_refusal NAME PATTERN ARGS...: signet fails with one line on stderr
# matching PATTERN.
expect_refusal() {
  local name=$1 pattern=$2; shift 2
  if sg "$@" >"$T/$name.out" 2>"$T/$name.err"; then fail "$name: signet succeeded"; fi
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
  grep -q -- "$pattern" "$T/$name.err" || fail "$name: $(cat "$T/$name.err")"
}

expect_refusal no-eab "Please use --eab-kid and --eab-hmac-key" \
  plain register --agree-tos -m ops@example.com
[ -z "$(ls -A "$T/plain/accounts" 2>/dev/null)" ] || fail "an account was saved without a binding"
expect_refusal half-eab "--eab-kid and --eab-hmac-key go together" \
  plain register --agree-tos -m ops@example.com --eab-kid some-kid
expect_refusal bad-alg "--eab-hmac-alg" \
  plain register --agree-tos -m ops@example.com --eab-kid k --eab-hmac-key AAAA --eab-hmac-alg HS1
expect_refusal bad-key "--eab-hmac-key is not the base64url key" \
  plain register --agree-tos -m ops@example.com --eab-kid k --eab-hmac-key 'a!b'
echo "ok: no account without a (well-formed) binding"

eab_add
FIRST_KID=$KID FIRST_HMAC=$HMAC
sg first certonly --standalone --agree-tos -m ops@example.com \
  --eab-kid "$KID" --eab-hmac-key "$HMAC" \
  --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  -d eab.example.test >"$T/first.log" 2>&1 || { cat "$T/first.log"; fail "certonly with EAB"; }
verify_lineage "$T/first" eab.example.test eab.example.test
ls "$T"/first/accounts/*/*/*/regr.json >/dev/null || fail "no account saved"
echo "ok: certificate with an account bound by $KID"

# A second account (another config dir, another key) with the same kid: the
# CA refuses; signet prints its problem. (Pebble 2.4 lets a kid bind any
# number of accounts, so only signetd.)
if [ "$CA" = signetd ]; then
  expect_refusal reused "unauthorized.*EAB key already used" \
    second register --agree-tos -m ops@example.com --eab-kid "$FIRST_KID" --eab-hmac-key "$FIRST_HMAC"
  echo "ok: a kid binds one account"
fi

# A wrong MAC key for an unused kid.
eab_add
WRONG=$([ "${HMAC:0:1}" = A ] && echo B || echo A)${HMAC:1}
expect_refusal wrong-mac "unauthorized" \
  second register --agree-tos -m ops@example.com --eab-kid "$KID" --eab-hmac-key "$WRONG"
echo "ok: a wrong MAC key is refused"

if [ "$CA" = signetd ]; then
  # HS384, and the key with base64 padding appended (certbot accepts it).
  eab_add
  sg third register --agree-tos -m ops@example.com --eab-kid "$KID" --eab-hmac-key "$HMAC=" \
    --eab-hmac-alg HS384 >"$T/third.log" 2>&1 || { cat "$T/third.log"; fail "HS384 binding"; }
  "$SIGNETD" admin eab list --data-dir "$DATA" | grep -q "^$KID " \
    && ! "$SIGNETD" admin eab list --data-dir "$DATA" | grep -q "^$KID .* unbound$" \
    || fail "HS384: key $KID not bound"
  echo "ok: HS384"
fi
echo "ok: signet external account binding against $CA"
