#!/usr/bin/env bash
# signet rolls its account key over (RFC 8555 7.3.5, `update_account
# --new-key`) against a real CA, and the account stays usable by both
# agents: the account directory takes the new key's certbot id (certbot's
# own Account class computes the same id), regr.json/meta.json keep the URL
# and creation time, the key file is 0400, the renewal conf points at the new
# id; the old key no longer works; signet then issues and renews with the
# rolled account, and real certbot (same --config-dir) shows the account,
# obtains a certificate and renews signet's lineage with it. A change the CA
# refuses (the account was deactivated) leaves every file as it was.
# Usage: signet_keychange_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
# certbot runs here too: Pebble's badNonce injection is off, as in
# signet_certbot_interop_test.sh (certbot 2.1 crashes on its retry path).
export PEBBLE_WFE_NONCEREJECT=0
start_agent_ca "$CA" "$3"
CFG="$T/le"
other=(--server "$DIRECTORY" --work-dir "$T/work" --logs-dir "$T/logs" --non-interactive)
common=("${other[@]}" --config-dir "$CFG")
standalone=(--standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1)
ACCOUNTS="$CFG/accounts/127.0.0.1:$CA_PORT/${DIRECTORY##*/}"

"$SIGNET" certonly "${standalone[@]}" --agree-tos -m ops@example.com -d roll.example.test \
  "${common[@]}" >"$T/certonly.log" 2>&1 || { cat "$T/certonly.log"; fail "certonly failed"; }
OLD_ID=$(ls "$ACCOUNTS")
[ "$(echo "$OLD_ID" | wc -w)" = 1 ] || fail "accounts: $OLD_ID"
cp -a "$ACCOUNTS/$OLD_ID" "$T/old-account"
cp -a "$CFG" "$T/old-cfg"   # the old key, to try it after the change
grep -q "^account = $OLD_ID$" "$CFG/renewal/roll.example.test.conf" || fail "conf account"

# certbot's id of the key in DIR (its Account class: md5 of the public PEM).
certbot_id() {
  /usr/bin/python3 - "$1" <<'PY'
import sys, josepy
from acme import messages
from certbot._internal.account import Account
d = sys.argv[1]
key = josepy.JWK.json_loads(open(d + "/private_key.json").read())
regr = messages.RegistrationResource.json_loads(open(d + "/regr.json").read())
meta = Account.Meta.json_loads(open(d + "/meta.json").read())
print(Account(regr, key, meta).id)
PY
}
[ "$(certbot_id "$ACCOUNTS/$OLD_ID")" = "$OLD_ID" ] || fail "signet's account id is not certbot's"

"$SIGNET" update_account --new-key --new-key-type rsa "${common[@]}" >"$T/roll.log" 2>&1 \
  || { cat "$T/roll.log"; fail "update_account --new-key failed"; }
NEW_ID=$(ls "$ACCOUNTS")
[ "$(echo "$NEW_ID" | wc -w)" = 1 ] || fail "accounts after the change: $NEW_ID"
[ "$NEW_ID" != "$OLD_ID" ] || fail "the account directory kept the old key's id"
[ "$(certbot_id "$ACCOUNTS/$NEW_ID")" = "$NEW_ID" ] || fail "the new directory is not certbot's id"
grep -q "$NEW_ID (was $OLD_ID)" "$T/roll.log" || fail "roll output: $(cat "$T/roll.log")"
grep -q '"kty": "RSA"' "$ACCOUNTS/$NEW_ID/private_key.json" || fail "--new-key-type rsa"
[ "$(stat -c %a "$ACCOUNTS/$NEW_ID/private_key.json")" = 400 ] || fail "new key file mode"
[ "$(stat -c %a "$ACCOUNTS/$NEW_ID")" = 700 ] || fail "new account dir mode"
cmp -s "$T/old-account/regr.json" "$ACCOUNTS/$NEW_ID/regr.json" || fail "regr.json changed"
cmp -s "$T/old-account/meta.json" "$ACCOUNTS/$NEW_ID/meta.json" || fail "meta.json changed"
[ -z "$(find "$CFG/accounts" -name '*.tmp.*')" ] || fail "temporary files left"
grep -q "^account = $NEW_ID$" "$CFG/renewal/roll.example.test.conf" \
  || fail "renewal conf not pointed at the new id: $(grep account "$CFG/renewal/roll.example.test.conf")"
echo "ok: account key rolled over ($OLD_ID -> $NEW_ID)"

# The old key no longer speaks for the account.
if "$SIGNET" show_account "${other[@]}" --config-dir "$T/old-cfg" >"$T/old.log" 2>&1; then
  fail "the old key still works: $(cat "$T/old.log")"
fi
echo "ok: the old key is refused: $(tail -1 "$T/old.log")"

# signet issues and renews with the rolled account.
"$SIGNET" certonly "${standalone[@]}" -d after.example.test "${common[@]}" >"$T/after.log" 2>&1 \
  || { cat "$T/after.log"; fail "certonly with the new key failed"; }
verify_lineage "$CFG" after.example.test after.example.test
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew --cert-name roll.example.test \
  "${common[@]}" >"$T/renew.log" 2>&1 || { cat "$T/renew.log"; fail "signet renew failed"; }
echo "ok: signet issues and renews with the rolled account"

# certbot uses the same files.
cb() { certbot --server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs" \
  --non-interactive "$@"; }
cb show_account >"$T/cb-show.log" 2>&1 || { cat "$T/cb-show.log"; fail "certbot show_account"; }
grep -q "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uri"])' \
  "$ACCOUNTS/$NEW_ID/regr.json")" "$T/cb-show.log" || fail "certbot shows: $(cat "$T/cb-show.log")"
cb certonly "${standalone[@]}" -d certbot.example.test >"$T/cb-certonly.log" 2>&1 \
  || { cat "$T/cb-certonly.log"; fail "certbot certonly with the rolled account"; }
verify_lineage "$CFG" certbot.example.test certbot.example.test
cb renew --force-renewal --no-random-sleep-on-renew --cert-name roll.example.test >"$T/cb-renew.log" 2>&1 \
  || { cat "$T/cb-renew.log"; fail "certbot renew of signet's lineage"; }
[ "$(readlink "$CFG/live/roll.example.test/cert.pem")" = ../../archive/roll.example.test/cert3.pem ] \
  || fail "certbot's renewal did not make version 3"
[ "$(ls "$ACCOUNTS")" = "$NEW_ID" ] || fail "certbot made another account: $(ls "$ACCOUNTS")"
echo "ok: certbot shows, uses and renews with the rolled account"

# A change the CA refuses leaves every file as it was: deactivate the account
# through a copy of the config, then ask the original to change its key.
cp -a "$CFG" "$T/twin"
"$SIGNET" unregister "${other[@]}" --config-dir "$T/twin" >"$T/unreg.log" 2>&1 \
  || { cat "$T/unreg.log"; fail "unregister"; }
(cd "$CFG" && find . -type f ! -name '.certbot.lock' -exec sha256sum {} + | sort) >"$T/before.sum"
if "$SIGNET" update_account --new-key "${common[@]}" >"$T/refused.out" 2>"$T/refused.err"; then
  fail "a deactivated account changed its key"
fi
[ "$(wc -l <"$T/refused.err")" -eq 1 ] || fail "refusal is not one line: $(cat "$T/refused.err")"
grep -q "the CA refused the new account key: unauthorized" "$T/refused.err" \
  || fail "refusal: $(cat "$T/refused.err")"
(cd "$CFG" && find . -type f ! -name '.certbot.lock' -exec sha256sum {} + | sort) >"$T/after.sum"
diff "$T/before.sum" "$T/after.sum" || fail "a refused change altered the files"
[ "$(ls "$ACCOUNTS")" = "$NEW_ID" ] || fail "a refused change left a directory: $(ls "$ACCOUNTS")"
echo "ok: a refused change leaves everything as it was ($(cat "$T/refused.err"))"
echo "ok: signet account key rollover against $CA"
