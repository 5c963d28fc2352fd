#!/usr/bin/env bash
# certbot's dialogue through a real pseudo-terminal (pty_dialog.py): with no
# -m, --agree-tos or -d, signet asks for the e-mail (again after a bad one),
# the terms (the URL from the CA's directory meta), the names; a second run
# for the same names offers certbot's keep / renew & replace menu; a name
# added without --cert-name asks to expand. With -n: the one-line errors.
# Usage: signet_terminal_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
DIALOG="python3 $(dirname "$0")/pty_dialog.py"
CFG="$T/le"
paths=(--config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs")
standalone=(--standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1)
TOS=$(curl -sf --cacert "$TRUST" "$DIRECTORY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["termsOfService"])')
[ -n "$TOS" ] || fail "the CA's directory has no termsOfService"
tos_re=$(python3 -c 'import re,sys; print(re.escape(sys.argv[1]))' "$TOS")

# Without -n and without a terminal (stdin not a tty): certbot's one-line
# refusal, nothing asked.
if "$SIGNET" certonly "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" -d t.example.test \
    </dev/null >"$T/notty.log" 2>&1; then fail "certonly without -m and a terminal succeeded"; fi
grep -q "You should register before running non-interactively, or provide --agree-tos and --email" \
  "$T/notty.log" || fail "no certbot refusal without a terminal: $(cat "$T/notty.log")"

# First run on a terminal: e-mail (a bad one first), terms, names.
$DIALOG "$T/first.txt" \
  "Enter email address \(used for urgent renewal and security notices\)\s+\(Enter 'c' to cancel\): " "not-an-address" \
  "There seem to be problems with that address\." "ops@example.com" \
  "Please read the Terms of Service at $tos_re\. You must agree in order to register with the ACME server\. Do you agree\?" NOANSWER \
  "\(Y\)es/\(N\)o: " "y" \
  "Please enter the domain name\(s\) you would like on your certificate \(comma and/or space separated\) \(Enter 'c' to cancel\): " "t.example.test, www.t.example.test" \
  -- "$SIGNET" certonly "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" \
  || { cat "$T/first.txt"; fail "first dialogue failed"; }
verify_lineage "$CFG" t.example.test t.example.test www.t.example.test
"$SIGNET" show_account --server "$DIRECTORY" "${paths[@]}" -n >"$T/account.log" 2>&1 \
  || fail "show_account: $(cat "$T/account.log")"
grep -q "Email contact: ops@example.com" "$T/account.log" || fail "the typed e-mail is not the contact"
echo "ok: e-mail, terms ($TOS) and names asked on the terminal"

# Same names again, not due: certbot's menu; 2 renews and replaces.
serial1=$(serial_of "$CFG/live/t.example.test/cert.pem")
$DIALOG "$T/second.txt" \
  "You have an existing certificate that has exactly the same domains or certificate name you requested and isn't close to expiry\." NOANSWER \
  "1: Keep the existing certificate for now" NOANSWER \
  "2: Renew & replace the certificate \(may be subject to CA rate limits\)" NOANSWER \
  "Select the appropriate number \[1-2\] then \[enter\] \(press 'c' to cancel\): " "2" \
  -- "$SIGNET" certonly "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" \
     -d t.example.test -d www.t.example.test \
  || { cat "$T/second.txt"; fail "keep/renew dialogue failed"; }
[ "$(serial_of "$CFG/live/t.example.test/cert.pem")" != "$serial1" ] || fail "2 did not renew"
[ "$(readlink "$CFG/live/t.example.test/cert.pem")" = ../../archive/t.example.test/cert2.pem ] \
  || fail "renew & replace did not write version 2"
# 1 keeps it; with -n (no question) it is kept too.
serial2=$(serial_of "$CFG/live/t.example.test/cert.pem")
$DIALOG "$T/third.txt" "Select the appropriate number \[1-2\]" "1" \
  -- "$SIGNET" certonly "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" -d t.example.test \
     -d www.t.example.test || { cat "$T/third.txt"; fail "keep dialogue failed"; }
"$SIGNET" certonly -n "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" -d t.example.test \
  -d www.t.example.test >"$T/keep-n.log" 2>&1 || fail "certonly -n of a kept certificate failed"
grep -q "not yet due" "$T/keep-n.log" || fail "-n did not keep the certificate"
[ "$(serial_of "$CFG/live/t.example.test/cert.pem")" = "$serial2" ] || fail "1 or -n replaced it"
echo "ok: keep / renew & replace as certbot asks"

# One more name: -n refuses without --expand; on the terminal (E)xpand.
if "$SIGNET" certonly -n "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" -d t.example.test \
    -d www.t.example.test -d new.t.example.test >"$T/expand-n.log" 2>&1; then
  fail "expansion without --expand succeeded with -n"; fi
grep -q "contains a portion of the domains you requested.*--expand" "$T/expand-n.log" \
  || fail "no --expand hint: $(cat "$T/expand-n.log")"
$DIALOG "$T/expand.txt" "Do you want to expand and replace this existing certificate with the new certificate\?" NOANSWER \
  "\(E\)xpand/\(C\)ancel: " "e" \
  -- "$SIGNET" certonly "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" -d t.example.test \
     -d www.t.example.test -d new.t.example.test || { cat "$T/expand.txt"; fail "expand dialogue failed"; }
verify_lineage "$CFG" t.example.test t.example.test www.t.example.test new.t.example.test
[ ! -e "$CFG/live/t.example.test-0001" ] || fail "expansion made a second lineage"
echo "ok: expansion asked and done in place"

# --debug-challenges: the challenge is set up and shown (-v), then signet
# waits for Enter before the CA validates it.
$DIALOG "$T/debug.txt" "Challenges loaded\. Press continue to submit to CA\." NOANSWER \
  "URL: http://dbg\.example\.test/\.well-known/acme-challenge/[-_A-Za-z0-9]+  Expected value: [-_A-Za-z0-9.]+" NOANSWER \
  "Press Enter to Continue" "" \
  -- "$SIGNET" certonly -v --debug-challenges "${standalone[@]}" --server "$DIRECTORY" "${paths[@]}" \
     -d dbg.example.test || { cat "$T/debug.txt"; fail "--debug-challenges dialogue failed"; }
verify_lineage "$CFG" dbg.example.test dbg.example.test
echo "ok: --debug-challenges waits for Enter"

# Refusing the terms on a fresh config dir: certbot's error, no account.
$DIALOG "$T/refuse.txt" "Enter email address" "ops@example.com" "\(Y\)es/\(N\)o: " "n" \
  -- "$SIGNET" register --server "$DIRECTORY" --config-dir "$T/le2" --work-dir "$T/work2" \
     --logs-dir "$T/logs2" && fail "register without agreeing succeeded"
grep -q "Registration cannot proceed without accepting Terms of Service." "$T/refuse.txt" \
  || { cat "$T/refuse.txt"; fail "no refusal after (N)o"; }
! ls "$T/le2"/accounts/*/*/*/regr.json >/dev/null 2>&1 || fail "an account was saved after (N)o"
echo "ok: signet asks on a terminal against $CA"
