#!/usr/bin/env bash
# signet --dns-rfc2136 (certbot-dns-rfc2136's flags and credentials file)
# against signetd, with a real bind9 accepting TSIG-signed dynamic updates:
# a name and a wildcard, every TSIG algorithm, renew from the renewal conf,
# the TXT records deleted afterwards, a wrong secret refused (BADSIG), the
# world-readable warning, and the wait on every authoritative server; then
# dns-account-01 and dns-persist-01 through --dns-rfc2136 and through
# --manual hooks (CERTBOT_VALIDATION_NAME), and certbot-dns-rfc2136 reading
# the same credentials file.
# Against Pebble (which validates through the same bind9) the dns-account-01
# and dns-persist-01 parts are skipped: Debian's Pebble offers neither.
# Usage: signet_rfc2136_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
source "$(dirname "$0")/bind9_lib.sh"
CA=$1 SIGNET=$2
mkdir -p "$T/bind"
ALGS="HMAC-MD5 HMAC-SHA1 HMAC-SHA224 HMAC-SHA256 HMAC-SHA384 HMAC-SHA512"
allow=""
for a in $ALGS; do
  tsig-keygen -a "$a" "key-$a" >>"$T/bind/keys.conf"
  allow+="key key-$a; "
done
# A good key that the zones do not allow to update.
tsig-keygen -a HMAC-SHA256 key-other >>"$T/bind/keys.conf"
for z in rfc lag slow; do
  cat >"$T/bind/$z.zone" <<ZONE
\$TTL 1
@   IN SOA ns1.$z.test. hostmaster.test. 1 60 60 600 1
@   IN NS  ns1.$z.test.
ns1 IN A   127.0.0.1
*   IN A   127.0.0.1
ZONE
done
# lag.test. has a second authoritative server that never answers.
printf '@ IN NS ns2.lag.test.\nns2 IN A 127.0.0.2\n' >>"$T/bind/lag.zone"
# slow.test. has a second authoritative server that lags 3 s (lagging_ns.py).
printf '@ IN NS ns2.slow.test.\nns2 IN A 127.0.0.3\n' >>"$T/bind/slow.zone"
BIND9_EXTRA_ZONES="include \"$T/bind/keys.conf\";
zone \"rfc.test.\" { type primary; file \"$T/bind/rfc.zone\"; allow-update { $allow}; };
zone \"lag.test.\" { type primary; file \"$T/bind/lag.zone\"; allow-update { $allow}; };
zone \"slow.test.\" { type primary; file \"$T/bind/slow.zone\"; allow-update { $allow}; };"
start_bind9
case "$CA" in
  # its -dnsserver is bind9 on $DNS_PORT. No injected badNonce: this test
  # also runs certbot, and certbot 2.1 sometimes crashes on its badNonce
  # retry path ("AttributeError: can't set attribute"); signet's retries
  # are exercised against Pebble's rejections by the other signet tests.
  pebble) PEBBLE_WFE_NONCEREJECT=0 start_pebble ;;
  signetd) start_signetd_ca "$3" --caa-identity signet.test ;;
  *) fail "unknown CA $CA" ;;
esac
export REQUESTS_CA_BUNDLE="$TRUST"

secret_of() { sed -n "/key \"key-$1\"/,/};/s/.*secret \"\(.*\)\";/\1/p" "$T/bind/keys.conf"; }
creds() {  # FILE ALGORITHM [SECRET]: a credentials file, mode 0600
  { echo "# certbot-dns-rfc2136 credentials"
    echo "dns_rfc2136_server = 127.0.0.1"
    echo "dns_rfc2136_port = $DNS_PORT"
    echo "dns_rfc2136_name = key-$2"
    echo "dns_rfc2136_secret = ${3:-$(secret_of "$2")}"
    [ "$2" = HMAC-MD5 ] || echo "dns_rfc2136_algorithm = $2"; } >"$1"
  chmod 600 "$1"
}
CFG="$T/le"
run_signet() {  # LOG ARGS...
  local log=$1; shift
  "$SIGNET" "$@" --server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" \
    --logs-dir "$T/logs" -n --agree-tos -m ops@example.com >"$T/$log" 2>&1
}
txt() { dig +short +norecurse -p "$DNS_PORT" @127.0.0.1 "$1" TXT; }

# A name and its wildcard; HMAC-SHA256. With the default 60 s upper bound the
# run ends as soon as the one authoritative server answers, not after 60 s.
creds "$T/rfc2136.ini" HMAC-SHA256
start=$(date +%s)
run_signet issue.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  -d rfc.test -d '*.rfc.test' || fail "signet --dns-rfc2136: $(cat "$T/issue.log")"
took=$(( $(date +%s) - start ))
[ "$took" -lt 30 ] || fail "took $took s: slept instead of checking the authoritative servers"
verify_lineage "$CFG" rfc.test rfc.test '*.rfc.test'
grep -q "Waiting up to 60 seconds for every authoritative server" "$T/issue.log" \
  || fail "no propagation note: $(cat "$T/issue.log")"
grep -q "Unsafe permissions" "$T/issue.log" && fail "warned about a 0600 credentials file"
[ -z "$(txt _acme-challenge.rfc.test)" ] || fail "TXT left behind: $(txt _acme-challenge.rfc.test)"
conf="$CFG/renewal/rfc.test.conf"
grep -q "^authenticator = dns-rfc2136$" "$conf" || fail "renewal conf: $(cat "$conf")"
grep -q "^dns_rfc2136_credentials = $T/rfc2136.ini$" "$conf" || fail "renewal conf: $(cat "$conf")"
grep -q "^pref_challs = dns-01,$" "$conf" || fail "renewal conf: $(cat "$conf")"
echo "ok: name and wildcard in ${took}s, TXT removed, renewal conf"

# renew replays the renewal conf.
run_signet renew.log renew --force-renewal --no-random-sleep-on-renew \
  || fail "renew: $(cat "$T/renew.log")"
[ -f "$CFG/archive/rfc.test/cert2.pem" ] || fail "renew wrote no cert2.pem: $(cat "$T/renew.log")"
echo "ok: renew through --dns-rfc2136"

# Every algorithm certbot-dns-rfc2136 names (MD5 by default, no algorithm key),
# each for a new name so that each run publishes a record.
for a in $ALGS; do
  creds "$T/$a.ini" "$a"
  # One of them also signs its SOA, NS and A queries (certbot >= 2.6).
  [ "$a" = HMAC-SHA512 ] && echo "dns_rfc2136_sign_query = TRUE" >>"$T/$a.ini"
  run_signet "alg-$a.log" certonly --dry-run --dns-rfc2136 --dns-rfc2136-credentials "$T/$a.ini" \
    -d "$(echo "$a" | tr A-Z a-z).rfc.test" || fail "$a: $(cat "$T/alg-$a.log")"
done
echo "ok: $ALGS"

# A wrong secret: bind9 answers NOTAUTH with TSIG error BADSIG; one line, exit 1.
creds "$T/bad.ini" HMAC-SHA256 "$(printf 'not the secret at all!!!' | base64)"
if run_signet bad.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/bad.ini" -d bad.rfc.test; then
  fail "a wrong TSIG secret succeeded"
fi
grep -q "NOTAUTH (BADSIG" "$T/bad.log" || fail "wrong secret: $(cat "$T/bad.log")"
[ "$(grep -c '^signet:' "$T/bad.log")" = 1 ] || fail "not one error line: $(cat "$T/bad.log")"
echo "ok: wrong secret: $(grep '^signet:' "$T/bad.log")"

# A valid key the zone does not allow: REFUSED, naming the key and zone.
sed -e "s/^dns_rfc2136_name = .*/dns_rfc2136_name = key-other/" \
  -e "s|^dns_rfc2136_secret = .*|dns_rfc2136_secret = $(secret_of other)|" "$T/rfc2136.ini" >"$T/other.ini"
chmod 600 "$T/other.ini"
run_signet other.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/other.ini" \
  -d other.rfc.test && fail "a key without allow-update succeeded"
grep -q "^signet: .*adding TXT record _acme-challenge.other.rfc.test: REFUSED (is the TSIG key key-other allowed to update zone rfc.test.?)" \
  "$T/other.log" || fail "refused: $(cat "$T/other.log")"
echo "ok: $(grep '^signet:' "$T/other.log")"

# No DNS server at the configured port, and no credentials file: one line each.
sed "s/^dns_rfc2136_port = .*/dns_rfc2136_port = 9/" "$T/rfc2136.ini" >"$T/closed.ini"
chmod 600 "$T/closed.ini"
run_signet closed.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/closed.ini" \
  -d closed.rfc.test && fail "an unreachable DNS server succeeded"
grep -q "^signet: .*Encountered error when making query: no answer from DNS server 127.0.0.1 port 9 over TCP" "$T/closed.log" || fail "closed port: $(cat "$T/closed.log")"
[ "$(grep -c '^signet:' "$T/closed.log")" = 1 ] || fail "not one line: $(cat "$T/closed.log")"
run_signet nofile.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/none.ini" \
  -d nofile.rfc.test && fail "a missing credentials file succeeded"
grep -q "^signet: .*File not found: $T/none.ini" "$T/nofile.log" || fail "$(cat "$T/nofile.log")"
echo "ok: $(grep '^signet:' "$T/closed.log")"

# A world-readable credentials file: certbot's warning, then it goes on.
chmod 644 "$T/rfc2136.ini"
run_signet perms.log certonly --dry-run --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  -d perms.rfc.test || fail "world-readable: $(cat "$T/perms.log")"
grep -q "Unsafe permissions on credentials configuration file: $T/rfc2136.ini" "$T/perms.log" \
  || fail "no permissions warning: $(cat "$T/perms.log")"
echo "ok: world-readable warning"

# Every authoritative server is asked: ns2.lag.test (127.0.0.2) never
# answers, so signet waits the whole bound, names it, and goes on.
run_signet lag.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  --dns-rfc2136-propagation-seconds 3 -d lag.test || fail "lag.test: $(cat "$T/lag.log")"
grep -q "still do not answer the TXT record: _acme-challenge.lag.test at 127.0.0.2;" "$T/lag.log" \
  || fail "no warning about 127.0.0.2: $(cat "$T/lag.log")"
grep -q "at 127.0.0.1" "$T/lag.log" && fail "127.0.0.1 answered but is named: $(cat "$T/lag.log")"
[ -z "$(txt _acme-challenge.lag.test)" ] || fail "TXT left behind in lag.test"
echo "ok: waits for every authoritative server"
# It waits for a lagging authoritative server (3 s) and no longer: well
# inside the 30 s bound, without a warning.
/usr/bin/python3 "$(dirname "$0")/lagging_ns.py" 127.0.0.3 "$DNS_PORT" "$DNS_PORT" 3 \
  >"$T/lagging.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
  dig +short +time=1 +tries=1 -p "$DNS_PORT" @127.0.0.3 probe.slow.test TXT >/dev/null 2>&1 && break
  sleep 0.1
done
start=$(date +%s)
run_signet slow.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  --dns-rfc2136-propagation-seconds 30 -d slow.test || fail "slow.test: $(cat "$T/slow.log")"
took=$(( $(date +%s) - start ))
[ "$took" -ge 3 ] && [ "$took" -lt 25 ] || fail "slow.test took $took s"
grep -q "still do not answer" "$T/slow.log" && fail "warned: $(cat "$T/slow.log")"
grep -q "^_acme-challenge.slow.test. empty$" "$T/lagging.log" \
  && grep -q "^_acme-challenge.slow.test. relayed$" "$T/lagging.log" \
  || fail "the lagging server was not polled: $(cat "$T/lagging.log")"
echo "ok: waited ${took}s for the lagging authoritative server"

if [ "$CA" = signetd ]; then
# dns-account-01: the record at _LABEL._acme-challenge.NAME, LABEL from the
# account URL (draft-ietf-acme-dns-account-label), removed afterwards.
ACCT=$(sed -n 's/^Account registered: //p' "$T/issue.log")
[ -n "$ACCT" ] || fail "no account URL in $(cat "$T/issue.log")"
LABEL=_$(printf '%s' "$ACCT" | openssl dgst -sha256 -binary | head -c 10 | base32 | tr A-Z a-z | tr -d '=')
run_signet acct.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  --preferred-challenges dns-account-01 -d acct.rfc.test -d '*.acct.rfc.test' \
  || fail "dns-account-01: $(cat "$T/acct.log")"
verify_lineage "$CFG" acct.rfc.test acct.rfc.test '*.acct.rfc.test'
[ "$(grep -c "^dns-account-01 challenge for acct.rfc.test: valid" "$T/acct.log")" = 2 ] \
  || fail "not validated by dns-account-01: $(cat "$T/acct.log")"
grep -q "^pref_challs = dns-account-01,$" "$CFG/renewal/acct.rfc.test.conf" \
  || fail "renewal conf: $(cat "$CFG/renewal/acct.rfc.test.conf")"
[ -z "$(txt "$LABEL._acme-challenge.acct.rfc.test")" ] || fail "dns-account-01 TXT left behind"
echo "ok: dns-account-01 through --dns-rfc2136 ($LABEL)"

# dns-persist-01: standing records "signet.test; accounturi=ACCT" (and with
# policy=wildcard for the wildcard), left in place; a second order finds them.
run_signet persist.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  --preferred-challenges dns-persist-01 -d persist.rfc.test -d '*.persist.rfc.test' \
  || fail "dns-persist-01: $(cat "$T/persist.log")"
verify_lineage "$CFG" persist.rfc.test persist.rfc.test '*.persist.rfc.test'
[ "$(grep -c "^dns-persist-01 challenge for persist.rfc.test: valid" "$T/persist.log")" = 2 ] \
  || fail "not validated by dns-persist-01: $(cat "$T/persist.log")"
got=$(txt _validation-persist.persist.rfc.test | sort)
want=$(printf '"signet.test; accounturi=%s"\n"signet.test; accounturi=%s; policy=wildcard"' "$ACCT" "$ACCT")
[ "$got" = "$want" ] || fail "persist records: want $want got $got"
run_signet persist2.log certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  --preferred-challenges dns-persist-01 -d persist.rfc.test --cert-name persist2 \
  || fail "second dns-persist-01 order: $(cat "$T/persist2.log")"
[ "$(txt _validation-persist.persist.rfc.test | sort)" = "$want" ] || fail "records changed"
echo "ok: dns-persist-01 through --dns-rfc2136"

# The same two through --manual hooks, which get CERTBOT_VALIDATION_NAME.
cat >"$T/hook.sh" <<HOOK
#!/bin/sh
op=\$1
echo "\$CERTBOT_DOMAIN \$CERTBOT_VALIDATION_NAME \$CERTBOT_VALIDATION" >>"$T/hook.log"
printf 'server 127.0.0.1 $DNS_PORT\nzone test.\nupdate %s %s. 1 TXT "%s"\nsend\n' \
  "\$op" "\$CERTBOT_VALIDATION_NAME" "\$CERTBOT_VALIDATION" | nsupdate
HOOK
chmod +x "$T/hook.sh"
for type in dns-account-01 dns-persist-01; do
  run_signet "manual-$type.log" certonly --manual --manual-auth-hook "$T/hook.sh add" \
    --manual-cleanup-hook "$T/hook.sh delete" --preferred-challenges "$type" \
    -d "$type.example.test" || fail "--manual $type: $(cat "$T/manual-$type.log")"
  grep -q "^$type challenge for $type.example.test: valid" "$T/manual-$type.log" \
    || fail "--manual $type: $(cat "$T/manual-$type.log")"
done
grep -q "^dns-account-01.example.test $LABEL._acme-challenge.dns-account-01.example.test " \
  "$T/hook.log" || fail "hook env: $(cat "$T/hook.log")"
grep -q "^dns-persist-01.example.test _validation-persist.dns-persist-01.example.test signet.test; accounturi=$ACCT$" \
  "$T/hook.log" || fail "hook env: $(cat "$T/hook.log")"
echo "ok: dns-account-01 and dns-persist-01 through --manual hooks"
else
  echo "skip: $CA offers no dns-account-01 or dns-persist-01"
fi

# The same credentials file works for certbot-dns-rfc2136, and signet renews
# the lineage certbot made from certbot's renewal conf.
certbot certonly --dns-rfc2136 --dns-rfc2136-credentials "$T/rfc2136.ini" \
  --dns-rfc2136-propagation-seconds 1 -d peer.rfc.test -n --agree-tos \
  --register-unsafely-without-email --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cbw" \
  --logs-dir "$T/cbl" >"$T/certbot.log" 2>&1 || fail "certbot --dns-rfc2136: $(tail "$T/certbot.log")"
"$SIGNET" renew --cert-name peer.rfc.test --force-renewal --no-random-sleep-on-renew \
  --config-dir "$T/cb" --work-dir "$T/cbw" --logs-dir "$T/cbl" -n >"$T/renew-cb.log" 2>&1 \
  || fail "signet renew of certbot's lineage: $(cat "$T/renew-cb.log")"
[ -f "$T/cb/archive/peer.rfc.test/cert2.pem" ] || fail "no cert2.pem: $(cat "$T/renew-cb.log")"
echo "ok: certbot-dns-rfc2136 reads the same file; signet renews its lineage"
echo "PASS"
