#!/usr/bin/env bash
# signet --manual with auth and cleanup hooks (certbot's environment), the
# hooks publishing into a webroot served by a static file server.
# Usage: signet_manual_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
start_webroot_server "$T/www"
cat >"$T/auth.sh" <<HOOK
#!/bin/sh
mkdir -p "$T/www/.well-known/acme-challenge"
printf '%s' "\$CERTBOT_VALIDATION" > "$T/www/.well-known/acme-challenge/\$CERTBOT_TOKEN"
echo "\$CERTBOT_DOMAIN \$CERTBOT_REMAINING_CHALLENGES \$CERTBOT_ALL_DOMAINS" >> "$T/auth.log"
echo "auth-output-for-\$CERTBOT_DOMAIN"
HOOK
cat >"$T/cleanup.sh" <<HOOK
#!/bin/sh
rm -f "$T/www/.well-known/acme-challenge/\$CERTBOT_TOKEN"
echo "\$CERTBOT_DOMAIN \$CERTBOT_AUTH_OUTPUT" >> "$T/cleanup.log"
HOOK
chmod +x "$T/auth.sh" "$T/cleanup.sh"
CFG="$T/le"
"$SIGNET" certonly --manual --manual-auth-hook "$T/auth.sh" --manual-cleanup-hook "$T/cleanup.sh" \
  -d m1.example.test -d m2.example.test --server "$DIRECTORY" --config-dir "$CFG" \
  --work-dir "$T/work" --logs-dir "$T/logs" -n --agree-tos -m ops@example.com >"$T/signet.log" 2>&1 \
  || { cat "$T/signet.log"; fail "signet --manual failed"; }
verify_lineage "$CFG" m1.example.test m1.example.test m2.example.test
# The CA decides the order of authorizations: check each domain once, the
# remaining counts 1 then 0, and the full domain list in each call.
for d in m1 m2; do
  grep -Eq "^$d.example.test [01] (m1.example.test,m2.example.test|m2.example.test,m1.example.test)$" \
    "$T/auth.log" || fail "auth hook env for $d: $(cat "$T/auth.log")"
done
[ "$(cut -d' ' -f2 "$T/auth.log" | tr '\n' ' ')" = "1 0 " ] \
  || fail "CERTBOT_REMAINING_CHALLENGES: $(cat "$T/auth.log")"
grep -q "^m1.example.test auth-output-for-m1.example.test$" "$T/cleanup.log" \
  || fail "CERTBOT_AUTH_OUTPUT did not reach the cleanup hook: $(cat "$T/cleanup.log")"
grep -q "^manual_auth_hook = $T/auth.sh" "$CFG/renewal/m1.example.test.conf" \
  || fail "renewal conf lacks the auth hook"
echo "ok: manual hooks against $CA"
