#!/usr/bin/env bash
# certbot's configuration and automation as an operator sets them up:
# cli.ini in the config dir (e-mail, server, authenticator and its webroot)
# under the command line, a repeated option's last value, `signet` without
# a verb (run: certbot's message when nothing can install), and the hook
# directories renewal-hooks/{pre,deploy,post} run by renew as certbot runs
# them (order, environment, --no-directory-hooks; certonly: deploy only).
# Usage: signet_cli_ini_test.sh pebble|signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
CA=$1 SIGNET=$2
start_agent_ca "$CA" "$3"
CFG="$T/le"
mkdir -p "$CFG" "$T/www"
start_webroot_server "$T/www"
cat >"$CFG/cli.ini" <<INI
# as an operator writes it
email = ini@example.com
server = $DIRECTORY
agree-tos
authenticator = webroot
webroot-path = $T/www
; the command line wins over this one
rsa-key-size = 3072
key-type = rsa
non-interactive = True
INI
paths=(--config-dir "$T/wrong" --work-dir "$T/work" --logs-dir "$T/logs" --config-dir "$CFG")

# The last --config-dir wins (certbot's argparse), so its cli.ini is read.
"$SIGNET" certonly "${paths[@]}" -d ini.example.test --rsa-key-size 2048 >"$T/certonly.log" 2>&1 \
  || { cat "$T/certonly.log"; fail "certonly with cli.ini failed"; }
verify_lineage "$CFG" ini.example.test ini.example.test
conf="$CFG/renewal/ini.example.test.conf"
grep -qx "authenticator = webroot" "$conf" || fail "cli.ini's authenticator not used: $(cat "$conf")"
grep -qx "server = $DIRECTORY" "$conf" || fail "cli.ini's server not used"
grep -qx "webroot_path = $T/www," "$conf" || fail "cli.ini's webroot-path not used: $(cat "$conf")"
grep -qx "key_type = rsa" "$conf" || fail "cli.ini's key-type not used"
openssl x509 -in "$CFG/live/ini.example.test/cert.pem" -noout -text | grep -q "Public-Key: (2048 bit)" \
  || fail "--rsa-key-size on the command line did not win over cli.ini"
"$SIGNET" show_account "${paths[@]}" >"$T/account.log" 2>&1 || fail "show_account"
grep -q "Email contact: ini@example.com" "$T/account.log" || fail "cli.ini's email not used"
[ ! -e "$T/wrong" ] || fail "the first --config-dir was used"
echo "ok: cli.ini's email, server, authenticator used; command line and last value win"

# -c FILE over the config dir's cli.ini; an unknown key is one line.
printf 'no-such-setting = 1\n' >"$T/bad.ini"
if "$SIGNET" certonly "${paths[@]}" -c "$T/bad.ini" -d x.example.test >"$T/bad.log" 2>&1; then
  fail "an unknown cli.ini key was accepted"; fi
grep -qx "signet: error: $T/bad.ini line 1: unrecognized setting 'no-such-setting'" "$T/bad.log" \
  || fail "unknown key: $(cat "$T/bad.log")"

# No verb is certbot's run; with no installer, certbot's pointer to certonly.
if "$SIGNET" "${paths[@]}" -d ini.example.test >"$T/run.log" 2>&1; then
  fail "run without an installer succeeded"; fi
grep -q 'you probably want to use the "certonly" command' "$T/run.log" \
  || fail "run: $(cat "$T/run.log")"
"$SIGNET" --version | grep -q "^signet " || fail "--version"
"$SIGNET" plugins "${paths[@]}" >"$T/plugins.log" 2>&1 || fail "plugins failed"
for p in dns-rfc2136 manual nginx standalone webroot; do
  grep -qx "\* $p" "$T/plugins.log" || fail "plugins does not list $p: $(cat "$T/plugins.log")"
done
echo "ok: run without an installer points at certonly"

# Hook directories: executables only, sorted, with certbot's environment.
log="$T/hooks.log"
hook() {  # kind name [mode]
  mkdir -p "$CFG/renewal-hooks/$1"
  printf '#!/bin/sh\necho "%s/%s ${RENEWED_LINEAGE:-} ${RENEWED_DOMAINS:-}" >> %s\n' "$1" "$2" "$log" \
    >"$CFG/renewal-hooks/$1/$2"
  chmod "${3:-755}" "$CFG/renewal-hooks/$1/$2"
}
hook pre 10-first; hook pre 20-second; hook pre 05-off 644
hook deploy 10-reload; hook deploy 20-notify; hook deploy backup~
hook post 10-after
"$SIGNET" renew "${paths[@]}" --force-renewal --no-random-sleep-on-renew \
  --deploy-hook "echo cli-deploy >> $log" --pre-hook "echo cli-pre >> $log" \
  >"$T/renew.log" 2>&1 || { cat "$T/renew.log"; fail "renew failed"; }
live="$CFG/live/ini.example.test"
printf '%s\n' "pre/10-first  " "pre/20-second  " "cli-pre" \
  "deploy/10-reload $live ini.example.test" "deploy/20-notify $live ini.example.test" "cli-deploy" \
  "post/10-after  " >"$T/want.log"
diff "$T/want.log" "$log" || fail "hook directories did not run as certbot runs them"
# --no-directory-hooks; certonly replacing a lineage runs the deploy
# directory only (and, as certbot, rewrites the conf without the hooks it
# was not given); --dry-run runs pre and post, never deploy.
: >"$log"
"$SIGNET" renew "${paths[@]}" --force-renewal --no-random-sleep-on-renew --no-directory-hooks \
  >"$T/renew2.log" 2>&1 || fail "renew --no-directory-hooks failed"
printf 'cli-pre\ncli-deploy\n' | diff - "$log" \
  || fail "--no-directory-hooks: only the hooks the renewal conf keeps"
: >"$log"
"$SIGNET" certonly "${paths[@]}" --force-renewal -d ini.example.test >"$T/c2.log" 2>&1 \
  || fail "certonly --force-renewal failed"
printf '%s\n' "deploy/10-reload $live ini.example.test" "deploy/20-notify $live ini.example.test" \
  | diff - "$log" || fail "certonly replacing a lineage: the deploy directory only (certbot)"
: >"$log"
"$SIGNET" renew "${paths[@]}" --dry-run --no-random-sleep-on-renew >"$T/dry.log" 2>&1 \
  || { cat "$T/dry.log"; fail "renew --dry-run failed"; }
printf '%s\n' "pre/10-first  " "pre/20-second  " "post/10-after  " >"$T/want-dry.log"
diff "$T/want-dry.log" "$log" || fail "renew --dry-run: pre and post only"
echo "ok: renewal-hooks/{pre,deploy,post} against $CA"

# --allow-subset-of-names: a name that fails validation (its A record
# points where nothing listens) is left out, the rest is certified.
curl -sf -X POST -d '{"host":"gone.example.test","addresses":["127.0.0.2"]}' \
  "http://127.0.0.1:$MGMT_PORT/add-a" >/dev/null || fail "cannot add an A record"
if "$SIGNET" certonly "${paths[@]}" -d kept.example.test -d gone.example.test >"$T/all.log" 2>&1; then
  fail "a name that cannot validate was certified"; fi
"$SIGNET" certonly "${paths[@]}" --allow-subset-of-names -d kept.example.test -d gone.example.test \
  >"$T/subset.log" 2>&1 || { cat "$T/subset.log"; fail "--allow-subset-of-names failed"; }
grep -q "Unable to obtain a certificate for every name; trying again for kept.example.test" \
  "$T/subset.log" || fail "no retry line: $(cat "$T/subset.log")"
verify_lineage "$CFG" kept.example.test kept.example.test
grep -qx "allow_subset_of_names = True" "$CFG/renewal/kept.example.test.conf" \
  || fail "allow_subset_of_names not kept for renew"
echo "ok: --allow-subset-of-names"

# --no-autorenew: recorded; renew leaves the lineage alone unless forced.
"$SIGNET" certonly "${paths[@]}" --force-renewal --no-autorenew -d kept.example.test \
  >"$T/noauto.log" 2>&1 || fail "certonly --no-autorenew failed"
grep -qx "autorenew = False" "$CFG/renewal/kept.example.test.conf" || fail "autorenew not recorded"
"$SIGNET" renew "${paths[@]}" --cert-name kept.example.test --no-random-sleep-on-renew \
  >"$T/noauto-renew.log" 2>&1 || fail "renew of a --no-autorenew lineage failed"
grep -q "autorenew is off" "$T/noauto-renew.log" || fail "renew: $(cat "$T/noauto-renew.log")"
echo "ok: --no-autorenew"

# update_symlinks after moving archive/ and editing archive_dir (certbot's recipe).
mkdir -p "$CFG/moved"
mv "$CFG/archive/ini.example.test" "$CFG/moved/"
sed -i "s|^archive_dir = .*|archive_dir = $CFG/moved/ini.example.test|" "$conf"
"$SIGNET" update_symlinks "${paths[@]}" >"$T/relink.log" 2>&1 || fail "update_symlinks: $(cat "$T/relink.log")"
case "$(readlink "$live/cert.pem")" in
  ../../moved/ini.example.test/cert*.pem) ;;
  *) fail "update_symlinks: cert.pem -> $(readlink "$live/cert.pem")" ;;
esac
openssl x509 -in "$live/fullchain.pem" -noout || fail "live/fullchain.pem does not resolve"
"$SIGNET" certificates "${paths[@]}" | grep -q "Certificate Name: ini.example.test" \
  || fail "certificates after update_symlinks"
echo "ok: update_symlinks"
