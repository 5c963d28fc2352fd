#!/usr/bin/env bash
# certbot's nginx plugin in signet, against a real nginx on loopback with
# several server blocks (default_server, exact, leading wildcard, regex):
# signet --nginx (run, the default verb) answers HTTP-01 through nginx and
# installs the certificate
# (curl verifies the chain over HTTPS for every block), a forced failure
# leaves every configuration file byte-identical, enhance --redirect gives
# certbot's 301, certbot takes the configuration over and its rollback
# undoes signet's checkpoint, and signet rollback restores the original.
# Usage: signet_nginx_test.sh signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
HTTPS_PORT=${NGINX_HTTPS_PORT:-$((HTTP01_PORT + 441))}
start_agent_ca "$CA" "$3"
N="$T/nginx"
mkdir -p "$N/sites" "$T/www/a" "$T/www/wild" "$T/www/re" "$T/www/default"
for d in a wild re default; do echo "site $d" >"$T/www/$d/index.html"; done
user=""; [ "$(id -u)" = 0 ] && user="user root;"
cat >"$N/nginx.conf" <<CONF
$user
worker_processes 1;
pid $N/nginx.pid;
error_log $N/error.log;
events { worker_connections 64; }
http {
    access_log $N/access.log;
    client_body_temp_path $N/body;
    proxy_temp_path $N/proxy;
    fastcgi_temp_path $N/fastcgi;
    uwsgi_temp_path $N/uwsgi;
    scgi_temp_path $N/scgi;
    server {
        listen 127.0.0.1:$HTTP01_PORT default_server;
        server_name _;
        root $T/www/default;
    }
    server {
        listen 127.0.0.1:$HTTP01_PORT;
        server_name a.example.test; # exact
        root $T/www/a;
    }
    include sites/*.conf;
}
CONF
cat >"$N/sites/wild.conf" <<CONF
server {
    listen 127.0.0.1:$HTTP01_PORT;
    server_name "*.wild.example.test";
    root $T/www/wild;
}
CONF
cat >"$N/sites/regex.conf" <<'CONF'
server {
    listen 127.0.0.1:HTTP01_PORT;
    server_name ~^r[0-9]+\.example\.test$;
    root WWW;
}
CONF
sed -i -e "s|HTTP01_PORT|$HTTP01_PORT|" -e "s|WWW|$T/www/re|" "$N/sites/regex.conf"
# The nginx binary as signet and certbot run it: our prefix and error log.
cat >"$T/nginx-ctl" <<CTL
#!/bin/sh
exec nginx -p "$N/" -e "$N/error.log" "\$@"
CTL
# A ctl whose configuration test always fails (reload would work).
cat >"$T/nginx-ctl-fail" <<CTL
#!/bin/sh
for a in "\$@"; do [ "\$a" = -t ] && { echo "nginx: [emerg] forced failure" >&2; exit 1; }; done
exec "$T/nginx-ctl" "\$@"
CTL
chmod +x "$T/nginx-ctl" "$T/nginx-ctl-fail"
"$T/nginx-ctl" -c "$N/nginx.conf" >"$T/nginx.log" 2>&1 || { cat "$N/error.log"; fail "nginx did not start"; }
trap 'kill "$(cat "$N/nginx.pid" 2>/dev/null)" 2>/dev/null || true; cleanup' EXIT
wait_for_port 127.0.0.1 "$HTTP01_PORT"

CFG="$T/le"
COMMON=(--config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs" -n)
PORTS=(--nginx-server-root "$N" --http-01-port "$HTTP01_PORT" --https-port "$HTTPS_PORT")
NGINX=("${PORTS[@]}" --nginx-ctl "$T/nginx-ctl")
NGINX_FAIL=("${PORTS[@]}" --nginx-ctl "$T/nginx-ctl-fail")
# No wait after a reload where nothing that changed is fetched next.
FAST=("${NGINX[@]}" --nginx-sleep-seconds 0)
hashes() { (cd "$N" && sha256sum nginx.conf sites/*.conf); }
ORIGINAL=$(hashes)
NAMES=(-d a.example.test -d x.wild.example.test -d r7.example.test -d new.example.test)

# 1. A failing configuration test while answering the challenges: nothing changes.
if "$SIGNET" certonly --nginx "${NAMES[@]}" --server "$DIRECTORY" "${COMMON[@]}" --agree-tos \
    --register-unsafely-without-email "${NGINX_FAIL[@]}" \
    >"$T/fail1.log" 2>&1; then
  fail "certonly succeeded with a failing nginx -t"
fi
grep -q "nginx -t failed: nginx: \[emerg\] forced failure; every nginx configuration file was restored" \
  "$T/fail1.log" || { cat "$T/fail1.log"; fail "no restore message"; }
[ "$(hashes)" = "$ORIGINAL" ] || fail "a failed authenticator run changed the configuration"
[ ! -e "$T/work/le_http_01_cert_challenge.conf" ] || fail "challenge conf left behind"

# run checks nginx before obtaining anything (certbot's installer prepare).
if "$SIGNET" run --nginx "${NAMES[@]}" --server "$DIRECTORY" "${COMMON[@]}" "${NGINX_FAIL[@]}" \
    >"$T/fail0.log" 2>&1; then
  fail "run succeeded with a failing nginx -t"
fi
grep -q "nginx -t fails before any change: nginx: \[emerg\] forced failure" "$T/fail0.log" \
  || { cat "$T/fail0.log"; fail "run did not check nginx first"; }
[ ! -e "$CFG/renewal/a.example.test.conf" ] || fail "run obtained a certificate it cannot install"

# 2. signet --nginx (no verb: certbot's run): obtain through nginx, then
# install into each name's block.
"$SIGNET" --nginx "${NAMES[@]}" --server "$DIRECTORY" "${COMMON[@]}" "${NGINX[@]}" \
  >"$T/run.log" 2>&1 || { cat "$T/run.log"; fail "signet --nginx (run) failed"; }
grep -q "Successfully deployed certificate a.example.test to nginx" "$T/run.log" \
  || { cat "$T/run.log"; fail "signet --nginx did not install"; }
verify_lineage "$CFG" a.example.test a.example.test x.wild.example.test r7.example.test new.example.test
grep -q "GET /.well-known/acme-challenge/" "$N/access.log" || fail "nginx served no challenge"
! grep -rq "acme-challenge" "$N"/*.conf "$N"/sites || fail "challenge locations left in the config"
"$T/nginx-ctl" -c "$N/nginx.conf" -t 2>/dev/null || fail "nginx -t fails after install"
for pair in a.example.test:a x.wild.example.test:wild r7.example.test:re new.example.test:default; do
  host=${pair%%:*} want="site ${pair#*:}"
  got=$(curl -sS --cacert "$ISSUER_ROOT" --resolve "$host:$HTTPS_PORT:127.0.0.1" \
        "https://$host:$HTTPS_PORT/") || fail "HTTPS to $host does not verify"
  [ "$got" = "$want" ] || fail "$host over HTTPS served '$got', want '$want'"
done
grep -q "ssl_certificate $CFG/live/a.example.test/fullchain.pem; # managed by Certbot" \
  "$N/sites/wild.conf" || fail "wild.conf lacks certbot's ssl_certificate line"
cmp -s "$CFG/options-ssl-nginx.conf" \
  /usr/lib/python3/dist-packages/certbot_nginx/_internal/tls_configs/options-ssl-nginx.conf \
  || fail "options-ssl-nginx.conf is not certbot's"
[ "$(cat "$CFG/.updated-options-ssl-nginx-conf-digest.txt")" = \
  "$(sha256sum "$CFG/options-ssl-nginx.conf" | cut -d' ' -f1)" ] || fail "bad options digest"
grep -q "^installer = nginx" "$CFG/renewal/a.example.test.conf" || fail "renewal conf lacks installer"
INSTALLED=$(hashes)

# 3. A failing configuration test after the installer wrote its edits: byte-identical again.
if "$SIGNET" enhance --redirect --cert-name a.example.test "${COMMON[@]}" "${NGINX_FAIL[@]}" \
    >"$T/fail2.log" 2>&1; then
  fail "enhance succeeded with a failing nginx -t"
fi
grep -q "every nginx configuration file was restored" "$T/fail2.log" || fail "no restore message"
[ "$(hashes)" = "$INSTALLED" ] || fail "a failed enhance changed the configuration"

# 4. enhance --redirect: certbot's 301 on the HTTP port.
"$SIGNET" enhance --redirect --cert-name a.example.test "${COMMON[@]}" "${NGINX[@]}" \
  >"$T/enhance.log" 2>&1 || { cat "$T/enhance.log"; fail "enhance --redirect failed"; }
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
       --resolve "a.example.test:$HTTP01_PORT:127.0.0.1" "http://a.example.test:$HTTP01_PORT/x")
[ "$code" = "301 https://a.example.test/x" ] || fail "redirect: got '$code'"
# and --hsts: certbot's header in the TLS blocks only.
"$SIGNET" enhance --hsts --cert-name a.example.test "${COMMON[@]}" "${NGINX[@]}" \
  >"$T/hsts.log" 2>&1 || { cat "$T/hsts.log"; fail "enhance --hsts failed"; }
curl -sS -D - -o /dev/null --cacert "$ISSUER_ROOT" --resolve "a.example.test:$HTTPS_PORT:127.0.0.1" \
  "https://a.example.test:$HTTPS_PORT/" | grep -qi '^strict-transport-security: max-age=31536000' \
  || fail "no HSTS header over HTTPS"
curl -sS -D - -o /dev/null --resolve "a.example.test:$HTTP01_PORT:127.0.0.1" \
  "http://a.example.test:$HTTP01_PORT/" | grep -qi '^strict-transport-security' \
  && fail "HSTS header over plain HTTP"
REDIRECTED=$(hashes)
squeezed() { (cd "$N" && cat nginx.conf sites/*.conf | tr -d ' \n' | sha256sum); }
REDIRECTED_SQUEEZED=$(squeezed)
[ "$REDIRECTED" != "$INSTALLED" ] || fail "enhance changed nothing"

# 5. renew through the redirect: the challenge location gets past the block's
# `return 301` (certbot's rewrite ... break), the new certificate is re-deployed
# and nginx reloaded, and the configuration is the same bytes afterwards.
before=$(serial_of "$CFG/live/a.example.test/cert.pem")
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew "${COMMON[@]}" >"$T/renew.log" 2>&1 \
  || { cat "$T/renew.log"; fail "renew through nginx failed"; }
after=$(serial_of "$CFG/live/a.example.test/cert.pem")
[ "$before" != "$after" ] || fail "renew kept the old certificate"
served=$(echo | openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -servername a.example.test \
         2>/dev/null | openssl x509 -noout -serial | cut -d= -f2)
[ "$served" = "$after" ] || fail "nginx serves $served after renewal, want $after"
[ "$(hashes)" = "$REDIRECTED" ] || fail "renew left the configuration changed"

# 6. certbot takes over: it accepts signet's files and its rollback undoes signet's checkpoint.
if command -v certbot >/dev/null; then
  certbot install --nginx --cert-name a.example.test "${COMMON[@]}" --nginx-server-root "$N" \
    --nginx-ctl "$T/nginx-ctl" --https-port "$HTTPS_PORT" --no-redirect \
    >"$T/certbot-install.log" 2>&1 || { cat "$T/certbot-install.log"; fail "certbot install failed"; }
  # certbot re-indents the lines it updates; nothing else may change.
  [ "$(squeezed)" = "$REDIRECTED_SQUEEZED" ] || fail "certbot install changed signet's configuration"
  "$T/nginx-ctl" -c "$N/nginx.conf" -t 2>/dev/null || fail "nginx -t fails after certbot install"
  # Three checkpoints: certbot's install, then signet's HSTS and redirect.
  certbot rollback -i nginx --checkpoints 3 "${COMMON[@]}" --nginx-server-root "$N" \
    --nginx-ctl "$T/nginx-ctl" >"$T/certbot-rollback.log" 2>&1 \
    || { cat "$T/certbot-rollback.log"; fail "certbot rollback failed"; }
  [ "$(hashes)" = "$INSTALLED" ] || fail "certbot rollback did not undo signet's redirect"
else
  "$SIGNET" rollback --checkpoints 2 "${COMMON[@]}" "${FAST[@]}" >"$T/rollback1.log" 2>&1 \
    || fail "rollback failed"
  [ "$(hashes)" = "$INSTALLED" ] || fail "rollback did not undo the redirect"
fi

# 7. signet rollback: the original configuration, byte for byte, and nginx still serves it.
"$SIGNET" rollback "${COMMON[@]}" "${FAST[@]}" >"$T/rollback.log" 2>&1 \
  || { cat "$T/rollback.log"; fail "signet rollback failed"; }
[ "$(hashes)" = "$ORIGINAL" ] || fail "rollback did not restore the original configuration"
"$T/nginx-ctl" -c "$N/nginx.conf" -t 2>/dev/null || fail "nginx -t fails after rollback"
got=$(curl -sS --resolve "a.example.test:$HTTP01_PORT:127.0.0.1" "http://a.example.test:$HTTP01_PORT/")
[ "$got" = "site a" ] || fail "after rollback a.example.test serves '$got'"
# 8. And the other way: certbot installs into the original configuration, then
# signet installs the same certificate over it and finds nothing to change.
# (No redirect here: certbot only redirects blocks on port 80.)
if command -v certbot >/dev/null; then
  certbot install --nginx --cert-name a.example.test "${COMMON[@]}" --nginx-server-root "$N" \
    --nginx-ctl "$T/nginx-ctl" --https-port "$HTTPS_PORT" --no-redirect \
    >"$T/certbot-install2.log" 2>&1 || { cat "$T/certbot-install2.log"; fail "certbot install failed"; }
  BY_CERTBOT=$(hashes)
  "$SIGNET" install --cert-name a.example.test "${COMMON[@]}" "${FAST[@]}" \
    >"$T/install-over.log" 2>&1 || { cat "$T/install-over.log"; fail "signet install over certbot's failed"; }
  [ "$(hashes)" = "$BY_CERTBOT" ] || fail "signet changed certbot's installation"
  curl -sS --cacert "$ISSUER_ROOT" --resolve "a.example.test:$HTTPS_PORT:127.0.0.1" \
    "https://a.example.test:$HTTPS_PORT/" >/dev/null || fail "HTTPS after certbot's install"
fi
echo "ok: nginx installer and authenticator against $CA"
