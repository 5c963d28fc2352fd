#!/usr/bin/env bash
# signetd proves control by DNS-01 and TLS-ALPN-01 with real clients and a
# real authoritative DNS server (bind9), records changed with nsupdate:
# certbot --manual DNS hooks (multi-name and wildcard), CNAME delegation of
# _acme-challenge, lego --dns exec, lego --tls, and CAA permit/forbid.
# Usage: signetd_dns_challenges_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bind9_lib.sh"
start_bind9
start_signetd "$1" --caa-identity signet.test
export REQUESTS_CA_BUNDLE="$DATA/root.pem" LEGO_CA_CERTIFICATES="$DATA/root.pem"
CFG="$T/cb"
cat >"$T/auth.sh" <<HOOK
#!/bin/sh
target="_acme-challenge.\$CERTBOT_DOMAIN."
[ -n "\$DELEGATE_TO" ] && target="\$DELEGATE_TO."
printf 'server 127.0.0.1 $DNS_PORT\nzone test.\nupdate add %s 1 TXT "%s"\nsend\n' "\$target" "\$CERTBOT_VALIDATION" | nsupdate
HOOK
cat >"$T/cleanup.sh" <<HOOK
#!/bin/sh
target="_acme-challenge.\$CERTBOT_DOMAIN."
[ -n "\$DELEGATE_TO" ] && target="\$DELEGATE_TO."
printf 'server 127.0.0.1 $DNS_PORT\nzone test.\nupdate delete %s TXT "%s"\nsend\n' "\$target" "\$CERTBOT_VALIDATION" | nsupdate
HOOK
chmod +x "$T/auth.sh" "$T/cleanup.sh"
certbot_dns() {  # NAME...
  local args=()
  for n in "$@"; do args+=(-d "$n"); done
  certbot certonly --manual --preferred-challenges dns --manual-auth-hook "$T/auth.sh" \
    --manual-cleanup-hook "$T/cleanup.sh" -n --agree-tos --register-unsafely-without-email \
    --server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/w" --logs-dir "$T/l" "${args[@]}" \
    >>"$T/certbot.log" 2>&1
}

# Multi-name and wildcard orders through certbot's manual DNS hooks.
certbot_dns dns.example.test www.dns.example.test || { tail -20 "$T/certbot.log"; fail "certbot dns-01"; }
check_cert "$CFG/live/dns.example.test/cert.pem" "$CFG/live/dns.example.test/chain.pem" \
  dns.example.test www.dns.example.test
certbot_dns "*.wild.example.test" wild.example.test || { tail -20 "$T/certbot.log"; fail "certbot wildcard"; }
check_cert "$CFG/live/wild.example.test/cert.pem" "$CFG/live/wild.example.test/chain.pem" \
  "*.wild.example.test" wild.example.test

# CNAME delegation: _acme-challenge.deleg.example.test -> validation.other.test.
dns_update "update add _acme-challenge.deleg.example.test. 1 CNAME validation.other.test."
DELEGATE_TO=validation.other.test certbot_dns deleg.example.test \
  || { tail -20 "$T/certbot.log"; fail "CNAME-delegated dns-01"; }
echo "ok: CNAME delegation"

# lego's exec DNS provider; it checks propagation only against our bind9.
cat >"$T/lego-exec.sh" <<HOOK
#!/bin/sh
# lego exec provider: present|cleanup FQDN VALUE
case "\$1" in
  present) op=add ;;
  cleanup) op=delete ;;
  *) exit 0 ;;
esac
printf 'server 127.0.0.1 $DNS_PORT\nzone test.\nupdate %s %s 1 TXT "%s"\nsend\n' "\$op" "\$2" "\$3" | nsupdate
HOOK
chmod +x "$T/lego-exec.sh"
EXEC_PATH="$T/lego-exec.sh" EXEC_PROPAGATION_TIMEOUT=20 EXEC_POLLING_INTERVAL=1 \
  lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
  --dns exec --dns.resolvers "127.0.0.1:$DNS_PORT" --dns.disable-cp \
  --domains lego-dns.example.test run >"$T/lego.log" 2>&1 || { tail -20 "$T/lego.log"; fail "lego --dns exec"; }
check_cert "$T/lego/certificates/lego-dns.example.test.crt" \
  "$T/lego/certificates/lego-dns.example.test.issuer.crt" lego-dns.example.test

# TLS-ALPN-01 with lego's own responder on the contract's port.
lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
  --tls --tls.port "127.0.0.1:$TLSALPN01_PORT" --domains lego-tls.example.test run >"$T/lego-tls.log" 2>&1 \
  || { tail -20 "$T/lego-tls.log"; fail "lego --tls"; }
check_cert "$T/lego/certificates/lego-tls.example.test.crt" \
  "$T/lego/certificates/lego-tls.example.test.issuer.crt" lego-tls.example.test

# A wrong TXT record fails with incorrectResponse.
cat >"$T/wrong.sh" <<HOOK
#!/bin/sh
printf 'server 127.0.0.1 $DNS_PORT\nzone test.\nupdate add _acme-challenge.%s. 1 TXT "wrong"\nsend\n' "\$CERTBOT_DOMAIN" | nsupdate
HOOK
chmod +x "$T/wrong.sh"
certbot certonly --manual --preferred-challenges dns --manual-auth-hook "$T/wrong.sh" -n \
  --server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/w" --logs-dir "$T/l" \
  -d wrongtxt.example.test >"$T/wrong.log" 2>&1 && fail "a wrong TXT record must fail"
grep -q "incorrectResponse\|Incorrect TXT" "$T/wrong.log" || { tail -20 "$T/wrong.log"; fail "wrong TXT: no incorrectResponse"; }
echo "ok: wrong TXT -> incorrectResponse"

# CAA: a record naming another CA forbids; one naming us permits; issuewild.
dns_update "update add forbid.example.test. 1 CAA 0 issue \"other-ca.example\""
certbot_dns forbid.example.test && fail "CAA for another CA must forbid issuance"
grep -q "caa\|CAA" "$T/certbot.log" || fail "CAA refusal not reported"
dns_update "update add permit.example.test. 1 CAA 0 issue \"signet.test\""
certbot_dns permit.example.test || { tail -20 "$T/certbot.log"; fail "CAA naming us must permit"; }
dns_update "update add wildonly.example.test. 1 CAA 0 issue \"signet.test\"" \
           "update add wildonly.example.test. 1 CAA 0 issuewild \";\""
certbot_dns "*.wildonly.example.test" && fail "issuewild \";\" must forbid wildcards"
certbot_dns wildonly.example.test || { tail -20 "$T/certbot.log"; fail "issuewild must not affect non-wildcards"; }
echo "ok: CAA permit, forbid, issuewild"

# RFC 8657: accounturi and validationmethods.
account=$(python3 -c "import json,glob; print(json.load(open(glob.glob('$CFG/accounts/*/*/*/regr.json')[0]))['uri'])")
dns_update "update add acct.example.test. 1 CAA 0 issue \"signet.test; accounturi=$account\""
certbot_dns acct.example.test || { tail -20 "$T/certbot.log"; fail "CAA accounturi of this account must permit"; }
dns_update "update add otheracct.example.test. 1 CAA 0 issue \"signet.test; accounturi=${account}x\""
certbot_dns otheracct.example.test && fail "CAA accounturi of another account must forbid"
dns_update "update add method.example.test. 1 CAA 0 issue \"signet.test; validationmethods=http-01\""
certbot_dns method.example.test && fail "CAA validationmethods=http-01 must forbid dns-01"
dns_update "update add dnsmethod.example.test. 1 CAA 0 issue \"signet.test; validationmethods=dns-01\""
certbot_dns dnsmethod.example.test || { tail -20 "$T/certbot.log"; fail "validationmethods=dns-01 must permit dns-01"; }
echo "ok: CAA accounturi and validationmethods"
