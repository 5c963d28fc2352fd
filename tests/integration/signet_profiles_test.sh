#!/usr/bin/env bash
# signet's certificate profiles (certbot 4.0's --preferred-profile and
# --required-profile; draft-ietf-acme-profiles). signetd offers classic,
# tlsserver and shortlived: --required-profile tlsserver gets a certificate
# without a subject CN and with a 45-day life, recorded as required_profile
# in the renewal conf and used again by renew; --preferred-profile of a
# profile the CA lacks falls back to its default (classic: a CN, 90 days)
# with a note; --required-profile of one it lacks fails in one line before
# any order. Pebble 2.4 offers no profiles: preferred falls back, required
# fails. As in certbot, required wins over preferred, and each flag given to
# renew replaces its own recorded value.
# Usage: signet_profiles_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
CFG="$T/le"
base=(--server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs"
      --non-interactive)
common=("${base[@]}" --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1)
"$SIGNET" register --agree-tos -m ops@example.com "${base[@]}" >"$T/register.log" 2>&1 \
  || { cat "$T/register.log"; fail "register"; }

lifetime_seconds() {  # CERT: notAfter - notBefore, in seconds
  local nb na
  nb=$(date -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s)
  na=$(date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s)
  echo $((na - nb))
}
has_cn() { openssl x509 -in "$1" -noout -subject -nameopt multiline | grep -q commonName; }
conf_param() {  # NAME KEY: the value in renewal/NAME.conf, "" if absent
  sed -n "s/^$2 = //p" "$CFG/renewal/$1.conf"
}
# expect_refusal NAME PATTERN ARGS...: one line on stderr matching PATTERN.
expect_refusal() {
  local name=$1 pattern=$2; shift 2
  if "$SIGNET" "$@" >"$T/$name.out" 2>"$T/$name.err"; then fail "$name: signet succeeded"; fi
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
  grep -q -- "$pattern" "$T/$name.err" || fail "$name: $(cat "$T/$name.err")"
  echo "ok: $name: $(cat "$T/$name.err")"
}

expect_refusal missing "the required profile \"nosuch\" is not offered" \
  certonly "${common[@]}" -d missing.example.test --required-profile nosuch
[ ! -e "$CFG/live/missing.example.test" ] || fail "a lineage was made without the required profile"
echo "ok: a required profile the CA lacks: one line, no certificate"

# A preferred profile the CA lacks: its default, with a note, recorded.
"$SIGNET" certonly "${common[@]}" -d pref.example.test --preferred-profile nosuch \
  >"$T/pref.log" 2>&1 || { cat "$T/pref.log"; fail "preferred fallback"; }
grep -q 'Note: the preferred profile "nosuch" is not offered' "$T/pref.log" \
  || fail "no note about the fallback: $(cat "$T/pref.log")"
verify_lineage "$CFG" pref.example.test pref.example.test
[ "$(conf_param pref.example.test preferred_profile)" = nosuch ] || fail "preferred_profile not saved"
echo "ok: a preferred profile the CA lacks falls back to its default"

if [ "$CA" = pebble ]; then
  expect_refusal pebble-required "(it offers none)" \
    certonly "${common[@]}" -d req.example.test --required-profile tlsserver
  echo "ok: signet profiles against pebble"
  exit 0
fi

live="$CFG/live/pref.example.test"
has_cn "$live/cert.pem" || fail "the default (classic) certificate has no CN"
[ "$(lifetime_seconds "$live/cert.pem")" -ge $((89 * 86400)) ] || fail "classic is not ~90 days"

"$SIGNET" certonly "${common[@]}" -d tls.example.test --required-profile tlsserver \
  >"$T/tls.log" 2>&1 || { cat "$T/tls.log"; fail "required tlsserver"; }
verify_lineage "$CFG" tls.example.test tls.example.test
check_tlsserver() {
  has_cn "$1" && fail "a tlsserver certificate has a subject CN: $(openssl x509 -in "$1" -noout -subject)"
  local life
  life=$(lifetime_seconds "$1")
  [ "$life" -gt $((44 * 86400)) ] && [ "$life" -le $((45 * 86400)) ] \
    || fail "tlsserver lifetime is $life seconds, not 45 days"
}
check_tlsserver "$CFG/live/tls.example.test/cert.pem"
[ "$(conf_param tls.example.test required_profile)" = tlsserver ] || fail "required_profile not saved"
[ -z "$(conf_param tls.example.test preferred_profile)" ] || fail "preferred_profile saved too"
echo "ok: --required-profile tlsserver: no CN, 45 days, in the renewal conf"

# renew orders with the recorded profile.
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew --cert-name tls.example.test \
  "${base[@]}" >"$T/renew.log" 2>&1 || { cat "$T/renew.log"; fail "renew"; }
[ "$(readlink "$CFG/live/tls.example.test/cert.pem")" = ../../archive/tls.example.test/cert2.pem ] \
  || fail "renew did not make version 2"
check_tlsserver "$CFG/live/tls.example.test/cert.pem"
[ "$(conf_param tls.example.test required_profile)" = tlsserver ] || fail "renew dropped the profile"

# A preferred profile on renew is recorded, but the recorded required one
# wins; a required one on renew replaces the recorded one.
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew --cert-name tls.example.test \
  --preferred-profile shortlived "${base[@]}" >"$T/renew2.log" 2>&1 \
  || { cat "$T/renew2.log"; fail "renew with --preferred-profile"; }
check_tlsserver "$CFG/live/tls.example.test/cert.pem"
[ "$(conf_param tls.example.test preferred_profile)" = shortlived ] || fail "conf: preferred"
[ "$(conf_param tls.example.test required_profile)" = tlsserver ] || fail "conf: required"
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew --cert-name tls.example.test \
  --required-profile shortlived "${base[@]}" >"$T/renew3.log" 2>&1 \
  || { cat "$T/renew3.log"; fail "renew with --required-profile"; }
life=$(lifetime_seconds "$CFG/live/tls.example.test/cert.pem")
[ "$life" -le $((160 * 3600)) ] || fail "shortlived lifetime is $life seconds"
[ "$(conf_param tls.example.test required_profile)" = shortlived ] || fail "conf: required"
echo "ok: renew uses the recorded profiles; a flag replaces its own"
echo "ok: signet profiles against $CA"
