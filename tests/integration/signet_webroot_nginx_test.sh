#!/usr/bin/env bash
# signet --webroot with a real nginx serving the webroot; each -w applies to
# the -d values after it (certbot's rule), and the renewal conf records the map.
# Usage: signet_webroot_nginx_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
mkdir -p "$T/www1" "$T/www2" "$T/nginx"
cat >"$T/nginx/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 64; }
http {
  access_log $T/nginx/access.log;
  client_body_temp_path $T/nginx/body;
  proxy_temp_path $T/nginx/proxy;
  fastcgi_temp_path $T/nginx/fastcgi;
  uwsgi_temp_path $T/nginx/uwsgi;
  scgi_temp_path $T/nginx/scgi;
  server { listen 127.0.0.1:$HTTP01_PORT; server_name one.example.test; root $T/www1; }
  server { listen 127.0.0.1:$HTTP01_PORT; server_name two.example.test; root $T/www2; }
}
CONF
nginx -c "$T/nginx/nginx.conf" -g 'daemon off;' >"$T/nginx.log" 2>&1 &
PIDS+=($!)
wait_for_port 127.0.0.1 "$HTTP01_PORT"
CFG="$T/le"
"$SIGNET" certonly --webroot -w "$T/www1" -d one.example.test -w "$T/www2" -d two.example.test \
  --server "$DIRECTORY" --config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs" \
  -n --agree-tos --register-unsafely-without-email >"$T/signet.log" 2>&1 \
  || { cat "$T/signet.log"; fail "signet --webroot failed"; }
verify_lineage "$CFG" one.example.test one.example.test two.example.test
grep -q "GET /.well-known/acme-challenge/" "$T/nginx/access.log" || fail "nginx served no challenge"
conf="$CFG/renewal/one.example.test.conf"
grep -q "^authenticator = webroot" "$conf" || fail "renewal conf lacks authenticator = webroot"
grep -q "^\[\[webroot_map\]\]" "$conf" || fail "renewal conf lacks the webroot map"
grep -q "^two.example.test = $T/www2" "$conf" || fail "two.example.test not mapped to www2"
[ -z "$(find "$T/www1" "$T/www2" -type f)" ] || fail "challenge files were left behind"
# Renewal replays the webroot map from the conf.
"$SIGNET" renew --force-renewal --no-random-sleep-on-renew --config-dir "$CFG" \
  --work-dir "$T/work" --logs-dir "$T/logs" -n >"$T/renew.log" 2>&1 \
  || { cat "$T/renew.log"; fail "webroot renewal failed"; }
verify_lineage "$CFG" one.example.test one.example.test two.example.test
echo "ok: webroot through nginx against $CA"
