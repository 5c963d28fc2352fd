#!/usr/bin/env bash
# Issue 15: the operator view (GET / on the operator listener, --listen port
# + 90), loaded by a real headless Chromium. certbot issues a certificate for
# view.example.test (HTTP-01 through a webroot), fails a validation for
# hostile.example.test whose challenge file holds markup, is refused a
# duplicate by a rate limit (certificates_per_exact_set = 1) and revokes the
# certificate (superseded); `signetd admin revoke` revokes a second one
# (view2.example.test, cessationOfOperation) from outside the CA. Chromium's
# DOM of the page then shows the issued name, the failed validation's
# problem type and detail (the markup as text, no element made of it), both
# revocations (read from the store) with serial, reason and names, a row per
# CRL shard with its age, the refusal, and plot elements. The page is
# read-only: POST is 405 and it is served with a CSP that allows no script.
# With VIEW_SCREENSHOT=FILE, Chromium also writes a screenshot there (how
# docs/operator-view.png is made).
# Usage: signetd_operator_view_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (Debian package chromium)"
LIMITS="$T/limits.toml"
printf '[certificates_per_exact_set]\ncount = 1\nperiod = "7d"\n' >"$LIMITS"
start_dns
start_signetd "$1" --rate-limits "$LIMITS"
OP="http://127.0.0.1:$((CA_PORT + 90))"
wait_for_port 127.0.0.1 "$((CA_PORT + 90))"
start_webroot_server "$T/www"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

cb() {  # cb LOG-NAME ARGS...: one certbot account for all
  local log=$1; shift
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" \
    --logs-dir "$T/cb-logs" --agree-tos -m ops@example.com "$@" >"$T/$log.log" 2>&1
}
cb issue certonly --webroot -w "$T/www" -d view.example.test \
  || { cat "$T/issue.log"; fail "certbot did not issue view.example.test"; }
CERT="$T/cb/live/view.example.test/cert.pem"
# As signetd writes a serial: lower-case hex without leading zeros.
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/^0*//'; }
SERIAL=$(serial_of "$CERT")

# A challenge file of markup: the VA quotes the body in its problem detail.
cat >"$T/hostile-hook.sh" <<HOOK
#!/bin/sh
mkdir -p "$T/www/.well-known/acme-challenge"
printf '%s' '<b id=pwned>owned</b><script>document.title=1</script>' \
  >"$T/www/.well-known/acme-challenge/\$CERTBOT_TOKEN"
HOOK
chmod +x "$T/hostile-hook.sh"
! cb hostile certonly --manual --preferred-challenges http \
  --manual-auth-hook "$T/hostile-hook.sh" -d hostile.example.test \
  || fail "hostile.example.test was issued"
! cb duplicate certonly --webroot -w "$T/www" -d view.example.test --duplicate \
  || fail "the duplicate was not refused by certificates_per_exact_set"
cb revoke revoke --cert-path "$CERT" --reason superseded --no-delete-after-revoke \
  || { cat "$T/revoke.log"; fail "certbot revoke"; }
cb issue2 certonly --webroot -w "$T/www" -d view2.example.test \
  || { cat "$T/issue2.log"; fail "certbot did not issue view2.example.test"; }
SERIAL2=$(serial_of "$T/cb/live/view2.example.test/cert.pem")
"$1" admin revoke --data-dir "$DATA" --serial "$SERIAL2" --reason 5 >"$T/admin.log" 2>&1 \
  || { cat "$T/admin.log"; fail "signetd admin revoke"; }
echo "ok: issued $SERIAL and $SERIAL2, one failed validation, one refusal, two revocations"

chrome() {  # chrome ARGS... URL: headless, its profile in $T
  timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$T/chromium" "$@" 2>>"$T/chromium.log"
}
chrome --dump-dom "$OP/" >"$T/dom.html" || fail "chromium could not load $OP/"
[ -s "$T/dom.html" ] || fail "chromium dumped an empty DOM"
has() { grep -qF -- "$1" "$T/dom.html" || fail "the page does not show $2 ($1)"; }
has '<title>signetd operator view</title>' "its title"
has 'dns:view.example.test' "the issued name"
has "$SERIAL" "the issued and revoked serial"
has '<tr class="failed">' "a failed validation row"
has 'dns:hostile.example.test' "the failed validation's identifier"
has 'data-type="urn:ietf:params:acme:error:incorrectResponse">incorrectResponse</td>' \
  "the failed validation's problem type"
has 'The key authorization file from the server did not match' "the failed validation's detail"
has '&lt;b id=pwned&gt;owned&lt;/b&gt;&lt;script&gt;' "the challenge file's markup as text"
if grep -q 'id="pwned"' "$T/dom.html"; then fail "the markup in a problem detail became an element"; fi
[ "$(grep -o '<script' "$T/dom.html" | wc -l)" = 0 ] || fail "the DOM has a script element"
grep -q "<td class=\"mono\">$SERIAL</td><td>4 (superseded)</td><td class=\"mono\">dns:view.example.test</td>" \
  "$T/dom.html" || fail "the revocations table has no row for $SERIAL (ACME, superseded)"
grep -q "<td class=\"mono\">$SERIAL2</td><td>5 (cessationOfOperation)</td><td class=\"mono\">dns:view2.example.test</td>" \
  "$T/dom.html" || fail "the revocations table has no row for $SERIAL2 (signetd admin revoke)"
has '<table id="crl-table">' "the CRL shards"
rows=$(sed -n 's/.*<table id="crl-table">\(.*\)/\1/p' "$T/dom.html" | sed 's/<\/table>.*//' \
       | grep -o '<tr>\|<tr class="overdue">' | wc -l)
[ "$rows" -ge 5 ] || fail "the CRL table has $((rows - 1)) shard rows, want 4"  # and its header
grep -Eq '<td>[0-9]+s</td>|<td>[0-9]+m [0-9]+s</td>' "$T/dom.html" || fail "no CRL shard age"
has '<code>certificates_per_exact_set</code> 1' "the rate-limit refusal"
has '<figure class="plot">' "a plot"
has '<svg class="plot-svg"' "a plot's SVG"
has 'signetd_certificates_issued_total' "the issuance counter's plot"
echo "ok: chromium shows the issuance, the failed validation (escaped), the revocation, CRL shards, the refusal and plots"

code=$(curl -sS --max-time 10 -D "$T/view-headers" -o "$T/view.html" -w '%{http_code}' "$OP/")
[ "$code" = 200 ] || fail "GET / answered $code"
grep -qi "^content-security-policy: default-src 'none'" "$T/view-headers" || fail "no CSP on /"
grep -qi '^content-type: text/html' "$T/view-headers" || fail "/ is not text/html"
code=$(curl -sS --max-time 10 -D "$T/post-headers" -o /dev/null -w '%{http_code}' -X POST -d x "$OP/")
[ "$code" = 405 ] || fail "POST / answered $code, want 405"
grep -qi '^allow: GET, HEAD' "$T/post-headers" || fail "405 without Allow: GET, HEAD"
echo "ok: GET / is text/html under a no-script CSP; POST / is 405"

if [ -n "${VIEW_SCREENSHOT:-}" ]; then
  chrome --hide-scrollbars --window-size=1200,1300 --screenshot="$VIEW_SCREENSHOT" "$OP/" \
    || fail "chromium could not take a screenshot"
  echo "ok: screenshot in $VIEW_SCREENSHOT"
fi
