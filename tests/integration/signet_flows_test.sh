#!/usr/bin/env bash
# signet against a real CA (Pebble with its 5% badNonce injection, or signetd):
# certonly --standalone, the certbot file layout, certificates, renew,
# revoke, delete, account update and deactivation.
# Usage: signet_flows_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
CFG="$T/le"
common=(--server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs"
        --non-interactive)

"$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --agree-tos -m ops@example.com -d flows.example.test -d www.flows.example.test "${common[@]}" \
  >"$T/certonly.log" 2>&1 || { cat "$T/certonly.log"; fail "certonly failed"; }
grep -q "Certificate is saved at: $CFG/live/flows.example.test/fullchain.pem" "$T/certonly.log" \
  || fail "certonly did not say where the certificate is"
verify_lineage "$CFG" flows.example.test flows.example.test www.flows.example.test
ls "$CFG"/accounts/127.0.0.1:"$CA_PORT"/*/*/private_key.json >/dev/null 2>&1 \
  || fail "no account in certbot's accounts/SERVER/PATH/ID layout"
[ "$(stat -c %a "$CFG"/accounts/127.0.0.1:"$CA_PORT"/*/*/private_key.json)" = 400 ] \
  || [ "$(stat -c %a "$CFG"/accounts/127.0.0.1:"$CA_PORT"/*/*/private_key.json)" = 600 ] \
  || fail "account key is readable by others"
first_serial=$(serial_of "$CFG/live/flows.example.test/cert.pem")

# Not due: nothing happens, success.
"$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" -d flows.example.test \
  -d www.flows.example.test "${common[@]}" >"$T/again.log" 2>&1 || fail "second certonly failed"
grep -q "not yet due" "$T/again.log" || fail "second certonly should have been a no-op"
"$SIGNET" renew --no-random-sleep-on-renew "${common[@]}" >"$T/renew-noop.log" 2>&1 \
  || fail "renew with nothing due must succeed"

# certificates lists it.
"$SIGNET" certificates "${common[@]}" >"$T/list.log" 2>&1 || fail "certificates failed"
grep -q "Certificate Name: flows.example.test" "$T/list.log" || fail "certificates did not list it"
grep -q "Domains: .*www.flows.example.test" "$T/list.log" || fail "certificates lacks the domains"

# --json (one document on stdout, for scripts): certonly of a lineage not
# due (ARI's window on signetd, a third of the lifetime on Pebble, which has
# no renewalInfo), and certificates.
"$SIGNET" certonly --json --standalone --http-01-port "$HTTP01_PORT" -d flows.example.test \
  -d www.flows.example.test "${common[@]}" >"$T/again.json" 2>"$T/again-json.err" \
  || { cat "$T/again-json.err"; fail "certonly --json failed"; }
python3 - "$T/again.json" "$CA" <<'PY' || fail "certonly --json: $(cat "$T/again.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "certonly" and doc["obtained"] == [] and doc["renewed"] == [], doc
[s] = doc["skipped"]
assert s["name"] == "flows.example.test", s
assert sorted(s["domains"]) == ["flows.example.test", "www.flows.example.test"], s
assert s["basis"] == ("expiry" if sys.argv[2] == "pebble" else "ari-cached"), s
assert s["reason"].startswith("not due until " + s["renew_at"]), s
PY
"$SIGNET" certificates --json "${common[@]}" >"$T/list.json" 2>/dev/null || fail "certificates --json"
python3 - "$T/list.json" "$first_serial" <<'PY' || fail "certificates --json: $(cat "$T/list.json")"
import json, sys
[c] = json.load(open(sys.argv[1]))["certificates"]
assert c["name"] == "flows.example.test" and c["status"] == "valid", c
assert c["serial"].lower().lstrip("0") == sys.argv[2].lower().lstrip("0"), c
assert c["paths"]["privkey"].endswith("/live/flows.example.test/privkey.pem"), c
PY
echo "ok: certonly --json and certificates --json"

# Forced renewal: version 2, hooks run with certbot's variables.
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew "${common[@]}" --json \
  --deploy-hook "echo \"\$RENEWED_LINEAGE|\$RENEWED_DOMAINS\" > $T/deployed" \
  --pre-hook "touch $T/pre" --post-hook "touch $T/post" >"$T/renew.json" 2>"$T/renew.log" \
  || { cat "$T/renew.log"; fail "forced renew failed"; }
python3 - "$T/renew.json" <<'PY' || fail "renew --json: $(cat "$T/renew.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
[r] = doc["renewed"]
assert r["name"] == "flows.example.test" and r["reason"] == "--force-renewal", r
PY
[ "$(readlink "$CFG/live/flows.example.test/cert.pem")" = ../../archive/flows.example.test/cert2.pem ] \
  || fail "renewal did not move live/ to version 2"
[ "$(serial_of "$CFG/live/flows.example.test/cert.pem")" != "$first_serial" ] || fail "same cert after renewal"
verify_lineage "$CFG" flows.example.test flows.example.test www.flows.example.test
grep -q "^$CFG/live/flows.example.test|" "$T/deployed" || fail "deploy hook did not get RENEWED_LINEAGE"
[ -f "$T/pre" ] && [ -f "$T/post" ] || fail "pre/post hooks did not run"

# Account: show, update the contact.
"$SIGNET" show_account "${common[@]}" >"$T/show.log" 2>&1 || fail "show_account failed"
grep -q "ops@example.com" "$T/show.log" || fail "show_account lacks the contact"
"$SIGNET" update_account -m new@example.com "${common[@]}" >"$T/upd.log" 2>&1 || fail "update_account failed"
"$SIGNET" show_account "${common[@]}" | grep -q "new@example.com" || fail "contact not updated"

# Revoke by name (the account signs); the lineage goes with it (-n).
"$SIGNET" revoke --cert-name flows.example.test --reason superseded "${common[@]}" >"$T/revoke.log" 2>&1 \
  || { cat "$T/revoke.log"; fail "revoke failed"; }
[ ! -e "$CFG/live/flows.example.test" ] || fail "revoked lineage not deleted"

# Revoke with the certificate's own key.
"$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" -d key.example.test "${common[@]}" \
  >"$T/c2.log" 2>&1 || { cat "$T/c2.log"; fail "certonly 2 failed"; }
cp "$CFG/live/key.example.test/cert.pem" "$T/k-cert.pem"
cp "$CFG/live/key.example.test/privkey.pem" "$T/k-key.pem"
"$SIGNET" revoke --cert-path "$T/k-cert.pem" --key-path "$T/k-key.pem" --reason keycompromise \
  "${common[@]}" >"$T/revoke2.log" 2>&1 || { cat "$T/revoke2.log"; fail "revoke by key failed"; }
"$SIGNET" revoke --cert-path "$T/k-cert.pem" "${common[@]}" >"$T/revoke3.log" 2>&1 \
  && fail "a second revocation must fail"
grep -qi "alreadyRevoked\|already revoked" "$T/revoke3.log" || fail "second revocation: $(cat "$T/revoke3.log")"

# Delete.
"$SIGNET" delete --cert-name key.example.test "${common[@]}" >"$T/delete.log" 2>&1 || fail "delete failed"
[ ! -e "$CFG/renewal/key.example.test.conf" ] || fail "delete left the renewal conf"

# Deactivate the account; it can do nothing more.
"$SIGNET" unregister "${common[@]}" >"$T/unreg.log" 2>&1 || { cat "$T/unreg.log"; fail "unregister failed"; }
echo "ok: signet flows against $CA"
