#!/usr/bin/env bash
# signet's standalone TLS-ALPN-01 (RFC 8737; --preferred-challenges
# tls-alpn-01, --tls-alpn-01-port) and IP address certificates (RFC 8738;
# certbot 5.3's --ip-address) against Pebble and signetd:
# - a DNS name through the built-in acme-tls/1 server, the preference and
#   the port recorded in the renewal conf and used again by renew;
# - 127.0.0.1 through standalone http-01, through standalone tls-alpn-01
#   (the validator's SNI is 1.0.0.127.in-addr.arpa) and through webroot: an
#   "IP Address:127.0.0.1" SAN, a lineage named after the address, renewed
#   by `renew --force-renewal` from what the lineage records;
# - refusals in one line: an address given with -d, dns-01 for an address.
# signetd offers IP identifiers only under the shortlived profile, so the
# IP orders ask for --preferred-profile shortlived (Pebble 2.4 has no
# profiles and issues for them without one).
# Usage: signet_tls_alpn_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
# use_config_dir DIR: a config dir with its own account, so the CA reuses
# no authorization from an earlier step and validates again.
use_config_dir() {
  CFG=$1
  base=(--server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs"
        --non-interactive)
  standalone=("${base[@]}" --standalone --http-01-address 127.0.0.1 --http-01-port "$HTTP01_PORT"
              --tls-alpn-01-port "$TLSALPN01_PORT")
  "$SIGNET" register --agree-tos -m ops@example.com "${base[@]}" >"$T/register.log" 2>&1 \
    || { cat "$T/register.log"; fail "register"; }
}
use_config_dir "$T/le"

conf_param() {  # NAME KEY: the value in renewal/NAME.conf, "" if absent
  sed -n "s/^$2 = //p" "$CFG/renewal/$1.conf"
}
version_of() {  # NAME: the archive version cert.pem points at
  readlink "$CFG/live/$1/cert.pem" | sed -e 's/.*cert\([0-9]*\)\.pem/\1/'
}
expect_refusal() {  # NAME PATTERN ARGS...: one line on stderr matching PATTERN
  local name=$1 pattern=$2; shift 2
  if "$SIGNET" "$@" >"$T/$name.out" 2>"$T/$name.err"; then fail "$name: signet succeeded"; fi
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
  grep -q -- "$pattern" "$T/$name.err" || fail "$name: $(cat "$T/$name.err")"
  echo "ok: $name: $(cat "$T/$name.err")"
}
# renew_forced NAME: renew makes the next version of NAME with the same SANs.
renew_forced() {
  local before
  before=$(version_of "$1")
  "$SIGNET" renew --force-renewal --no-random-sleep-on-renew --cert-name "$1" "${base[@]}" \
    >"$T/renew-$1.log" 2>&1 || { cat "$T/renew-$1.log"; fail "renew $1"; }
  [ "$(version_of "$1")" = $((before + 1)) ] || fail "renew did not make a new version of $1"
}

# 1. A DNS name through TLS-ALPN-01; nothing listens on the HTTP-01 port.
"$SIGNET" certonly "${standalone[@]}" --preferred-challenges tls-alpn-01 -d alpn.example.test \
  >"$T/alpn.log" 2>&1 || { cat "$T/alpn.log"; fail "certonly tls-alpn-01"; }
grep -q "tls-alpn-01 challenge for alpn.example.test: valid" "$T/alpn.log" \
  || fail "not validated by tls-alpn-01: $(cat "$T/alpn.log")"
verify_lineage "$CFG" alpn.example.test alpn.example.test
[ "$(conf_param alpn.example.test pref_challs)" = "tls-alpn-01," ] || fail "pref_challs not saved"
[ "$(conf_param alpn.example.test tls_alpn01_port)" = "$TLSALPN01_PORT" ] \
  || fail "tls_alpn01_port not saved"
renew_forced alpn.example.test  # (the CA reuses the valid authorization)
echo "ok: TLS-ALPN-01 standalone for a DNS name, recorded and renewed"

# 2. 127.0.0.1 through standalone http-01: the lineage is named after it.
"$SIGNET" certonly "${standalone[@]}" --ip-address 127.0.0.1 --preferred-profile shortlived \
  >"$T/ip-http.log" 2>&1 || { cat "$T/ip-http.log"; fail "certonly --ip-address (http-01)"; }
grep -q "http-01 challenge for 127.0.0.1: valid" "$T/ip-http.log" || fail "$(cat "$T/ip-http.log")"
verify_lineage "$CFG" 127.0.0.1 "IPAddress:127.0.0.1"
openssl x509 -in "$CFG/live/127.0.0.1/cert.pem" -noout -text | grep -q "IP Address:127.0.0.1" \
  || fail "no IP Address SAN"
renew_forced 127.0.0.1
openssl x509 -in "$CFG/live/127.0.0.1/cert.pem" -noout -text | grep -q "IP Address:127.0.0.1" \
  || fail "the renewed certificate has no IP Address SAN"
"$SIGNET" certificates --cert-name 127.0.0.1 "${base[@]}" >"$T/ip-list.log" 2>&1 \
  || { cat "$T/ip-list.log"; fail "certificates"; }
grep -q "^    Domains: 127.0.0.1$" "$T/ip-list.log" || fail "certificates: $(cat "$T/ip-list.log")"
"$SIGNET" certificates --json --cert-name 127.0.0.1 "${base[@]}" 2>/dev/null \
  | python3 -c 'import json,sys; [c] = json.load(sys.stdin)["certificates"]; assert c["domains"] == ["127.0.0.1"], c' \
  || fail "certificates --json does not list the address"
echo "ok: --ip-address 127.0.0.1 by standalone http-01, renewed, listed by certificates"

# 3. 127.0.0.1 through standalone TLS-ALPN-01 (SNI 1.0.0.127.in-addr.arpa).
use_config_dir "$T/le-alpn"
"$SIGNET" certonly "${standalone[@]}" --ip-address 127.0.0.1 --cert-name ip-alpn \
  --preferred-challenges tls-alpn-01 --preferred-profile shortlived \
  >"$T/ip-alpn.log" 2>&1 || { cat "$T/ip-alpn.log"; fail "certonly --ip-address (tls-alpn-01)"; }
grep -q "tls-alpn-01 challenge for 127.0.0.1: valid" "$T/ip-alpn.log" || fail "$(cat "$T/ip-alpn.log")"
verify_lineage "$CFG" ip-alpn "IPAddress:127.0.0.1"
renew_forced ip-alpn
echo "ok: --ip-address 127.0.0.1 by standalone tls-alpn-01, renewed"

# 4. 127.0.0.1 through webroot: the webroot map holds the address.
use_config_dir "$T/le-webroot"
start_webroot_server "$T/www"
"$SIGNET" certonly "${base[@]}" --webroot -w "$T/www" --ip-address 127.0.0.1 --cert-name ip-webroot \
  --preferred-profile shortlived >"$T/ip-webroot.log" 2>&1 \
  || { cat "$T/ip-webroot.log"; fail "certonly --webroot --ip-address"; }
grep -q "http-01 challenge for 127.0.0.1: valid" "$T/ip-webroot.log" || fail "$(cat "$T/ip-webroot.log")"
verify_lineage "$CFG" ip-webroot "IPAddress:127.0.0.1"
grep -q "^127.0.0.1 = $T/www\$" "$CFG/renewal/ip-webroot.conf" \
  || fail "webroot_map lacks the address: $(cat "$CFG/renewal/ip-webroot.conf")"
renew_forced ip-webroot
[ -z "$(ls -A "$T/www/.well-known/acme-challenge" 2>/dev/null)" ] || fail "challenge files left"
echo "ok: --ip-address 127.0.0.1 by webroot, renewed"

# 5. Refusals, before any order.
expect_refusal ip-with-d "-d 127.0.0.1 is an IP address; request it with --ip-address 127.0.0.1" \
  certonly "${standalone[@]}" -d 127.0.0.1
expect_refusal ip-dns "cannot answer dns-01 for IP addresses" \
  certonly "${base[@]}" --manual --manual-auth-hook true --preferred-challenges dns \
  --ip-address 127.0.0.2
expect_refusal ip-bad "--ip-address: \"300.1.1.1\" is not an IPv4 or IPv6 address" \
  certonly "${standalone[@]}" --ip-address 300.1.1.1
echo "ok: signet TLS-ALPN-01 and IP address certificates against $CA"
