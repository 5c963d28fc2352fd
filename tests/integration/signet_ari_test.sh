#!/usr/bin/env bash
# signet's ACME Renewal Information (RFC 9773) against signetd: a fresh
# certificate's window lies in the future, so `signet renew` renews nothing
# and says until when; the CA's answer is cached in CONFIG/ari/NAME.json and
# its Retry-After (6 hours) honoured. `signetd admin ari-window` moves the
# window into the past (with an explanationURL): the next `signet renew`
# asks again (on every run, as certbot 4.1) and renews, logging the
# explanation, and its order carried `replaces` — proved by the CA: renewing
# a copy of the old lineage sends the old CertID again and the CA answers
# alreadyReplaced ("already has a replacement order"), after which signet
# orders without it. Pebble 2.4 (Debian) has no renewalInfo: not run there.
# Usage: signet_ari_test.sh signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2 SIGNETD=$3
[ "$CA" = signetd ] || fail "only signetd offers renewalInfo"
start_agent_ca signetd "$SIGNETD"
CFG="$T/le"
base=(--server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs"
      --non-interactive)
common=("${base[@]}" --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1)
NAME=ari.example.test
"$SIGNET" certonly --json --agree-tos -m ops@example.com "${common[@]}" -d "$NAME" \
  >"$T/issue.json" 2>"$T/issue.log" || { cat "$T/issue.log"; fail "certonly"; }
verify_lineage "$CFG" "$NAME" "$NAME"
python3 - "$T/issue.json" "$NAME" "$CFG" <<'PY' || fail "certonly --json: $(cat "$T/issue.json")"
import json, subprocess, sys
doc = json.load(open(sys.argv[1]))
name, cfg = sys.argv[2:]
assert doc["command"] == "certonly" and doc["renewed"] == [] and doc["skipped"] == [], doc
[o] = doc["obtained"]
assert o["name"] == name and o["domains"] == [name], o
assert o["cert_path"] == f"{cfg}/live/{name}/fullchain.pem", o
serial = subprocess.run(["openssl", "x509", "-in", f"{cfg}/live/{name}/cert.pem", "-noout",
                         "-serial"], capture_output=True, text=True).stdout.split("=")[1].strip()
assert int(o["serial"], 16) == int(serial, 16), (o, serial)
PY
serial_of() {  # CERT: signetd's spelling (lower-case hex, no leading zeros)
  openssl x509 -in "$1" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f' | sed 's/^0*//'
}
version_of() { readlink "$CFG/live/$NAME/cert.pem" | sed 's/.*cert\([0-9]*\)\.pem/\1/'; }
SERIAL1=$(serial_of "$CFG/live/$NAME/cert.pem")
renew() {  # LOG ARGS...: signet renew of the lineage
  local log=$1; shift
  "$SIGNET" renew --no-random-sleep-on-renew --cert-name "$NAME" "${base[@]}" "$@" >"$T/$log" 2>&1 \
    || { cat "$T/$log"; fail "renew ($log)"; }
}

# 1. A fresh certificate: the CA's window is about two thirds into its life.
renew renew1.log
grep -q "$NAME: not due for renewal yet: not due until .* (ARI window " "$T/renew1.log" \
  || fail "renew did not use the ARI window: $(cat "$T/renew1.log")"
[ "$(version_of)" = 1 ] || fail "renew renewed a certificate whose window is in the future"
STATE="$CFG/ari/$NAME.json"
[ -f "$STATE" ] || fail "no ARI cache at $STATE"
python3 - "$STATE" "$CFG/live/$NAME/cert.pem" <<'PY' || fail "ARI cache: $(cat "$STATE")"
import base64, json, subprocess, sys
state = json.load(open(sys.argv[1]))
text = subprocess.run(["openssl", "x509", "-in", sys.argv[2], "-noout", "-text", "-serial"],
                      capture_output=True, text=True, check=True).stdout
lines = text.splitlines()
aki = next(lines[i + 1] for i, l in enumerate(lines) if "Authority Key Identifier" in l)
aki = bytes.fromhex(aki.strip().replace("keyid:", "").replace(":", ""))
serial = int(next(l for l in lines if l.startswith("serial=")).split("=")[1], 16)
der = serial.to_bytes((serial.bit_length() + 8) // 8, "big")  # DER INTEGER contents
b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
want = b64(aki) + "." + b64(der)
assert state["cert_id"] == want, (state["cert_id"], want)
assert state["window_start"] < state["renew_at"] <= state["window_end"], state
PY
CERTID1=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cert_id"])' "$STATE")
echo "ok: a future ARI window: no renewal; the RFC 9773 CertID and the window are cached"

# --json: stdout is one document; the messages went to stderr.
"$SIGNET" renew --json --no-random-sleep-on-renew "${base[@]}" >"$T/renew.json" 2>"$T/renew-json.err" \
  || { cat "$T/renew-json.err"; fail "renew --json"; }
python3 - "$T/renew.json" "$NAME" <<'PY' || fail "renew --json: $(cat "$T/renew.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "renew" and doc["dry_run"] is False, doc
assert doc["renewed"] == [] and doc["obtained"] == [] and doc["failed"] == [], doc
[s] = doc["skipped"]
assert s["name"] == sys.argv[2] and s["domains"] == [sys.argv[2]], s
assert s["basis"] == "ari", s  # asked again: renew asks on every run
assert s["reason"].startswith("not due until " + s["renew_at"] + " (ARI window "), s
PY
grep -q "not due for renewal yet" "$T/renew-json.err" || fail "renew --json: no messages on stderr"
"$SIGNET" certificates --json "${base[@]}" >"$T/certs.json" 2>"$T/certs.err" || fail "certificates --json"
python3 - "$T/certs.json" "$NAME" "$CERTID1" "$SERIAL1" "$CFG" <<'PY' || fail "certificates --json: $(cat "$T/certs.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
name, cert_id, serial, cfg = sys.argv[2:]
[c] = doc["certificates"]
assert c["name"] == name and c["domains"] == [name] and c["status"] == "valid", c
assert c["serial"].lower().lstrip("0") == serial and c["key_type"] == "ECDSA", c
assert c["paths"]["fullchain"] == f"{cfg}/live/{name}/fullchain.pem", c
assert c["expiry"].endswith("Z") and c["not_before"] < c["expiry"], c
assert c["ari"]["cert_id"] == cert_id, c
assert c["ari"]["window_start"] <= c["ari"]["renew_at"] <= c["ari"]["window_end"], c
PY
echo "ok: renew --json and certificates --json report the skipped lineage and its ARI window"

# A dry run orders without "replaces": it must not use up the replacement
# (step 2's real renewal would then meet alreadyReplaced).
renew dry.log --dry-run
grep -q "The dry run was successful" "$T/dry.log" || fail "dry run: $(cat "$T/dry.log")"
grep -q "The order replaces certificate" "$T/dry.log" && fail "a dry run sent replaces"
echo "ok: a dry run sends no replaces"

# 2. The CA moves the window into the past.
"$SIGNETD" admin ari-window --data-dir "$DATA" --serial "$SERIAL1" \
  --start "$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)" \
  --end "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" \
  --explanation "https://ca.example.test/incident-42" >"$T/admin.log" 2>&1 \
  || { cat "$T/admin.log"; fail "signetd admin ari-window"; }
cp -a "$CFG" "$T/le-before"  # the lineage as it was, for step 3 (its conf's paths moved too)
sed -i "s#$CFG/#$T/le-before/#g" "$T/le-before/renewal/$NAME.conf"
"$SIGNET" renew --no-random-sleep-on-renew --cert-name "$NAME" "${base[@]}" --json \
  >"$T/renew3.json" 2>"$T/renew3.log" || { cat "$T/renew3.log"; fail "renew after ari-window"; }
python3 - "$T/renew3.json" "$NAME" "$CFG" <<'PY' || fail "renew --json: $(cat "$T/renew3.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
name, cfg = sys.argv[2:]
[r] = doc["renewed"]
assert doc["skipped"] == [] and doc["failed"] == [], doc
assert r["name"] == name and r["cert_path"] == f"{cfg}/live/{name}/fullchain.pem", r
assert r["reason"].startswith("renewal time ") and "has passed (ARI window" in r["reason"], r
PY
grep -q "the CA explains its renewal window at https://ca.example.test/incident-42" "$T/renew3.log" \
  || fail "explanationURL not logged: $(cat "$T/renew3.log")"
grep -q "Renewed $NAME (version 2)" "$T/renew3.log" || fail "not renewed: $(cat "$T/renew3.log")"
[ "$(version_of)" = 2 ] || fail "live/ does not point at version 2"
grep -q "The order replaces certificate $CERTID1" "$T/renew3.log" || fail "no replaces sent: $(cat "$T/renew3.log")"
grep -q "already has a replacement order" "$T/renew3.log" && fail "the first replacement met alreadyReplaced"
verify_lineage "$CFG" "$NAME" "$NAME"
echo "ok: a window in the past: signet renew renews and logs the explanationURL"

# 3. The CA recorded the new order as the old certificate's replacement:
# sending the old CertID again is alreadyReplaced, and signet orders anyway.
"$SIGNET" renew --no-random-sleep-on-renew --cert-name "$NAME" --force-renewal \
  --server "$DIRECTORY" --config-dir "$T/le-before" --work-dir "$T/work" --logs-dir "$T/logs" \
  --non-interactive >"$T/renew4.log" 2>&1 || { cat "$T/renew4.log"; fail "renew of the copy"; }
grep -q "already has a replacement order" "$T/renew4.log" \
  || fail "the CA did not report the old certificate as replaced: $(cat "$T/renew4.log")"
grep -q "ordering without \"replaces\"" "$T/renew4.log" || fail "no retry without replaces"
grep -q "Renewed $NAME (version 2)" "$T/renew4.log" || fail "the retry did not renew"
echo "ok: the renewal's order carried replaces (the CA reports alreadyReplaced for it)"
echo "ok: signet ARI against $CA"
