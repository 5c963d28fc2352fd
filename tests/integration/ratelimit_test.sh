#!/usr/bin/env bash
# Issue 19: rate limits with real clients. signetd runs with --rate-limits
# allowing one certificate per exact set of names: certbot's first
# certificate for rl.example.test is issued, the second (--duplicate, the
# same account and names) is refused at newOrder. What the server sent is
# read from certbot's own log of the response (python3-acme logs every
# response's status line, headers and body): HTTP 429, a Retry-After header,
# and the rateLimited problem naming the limit and when to retry. (Debian's
# certbot 2.1 then fails to print ACME errors, "AttributeError: can't set
# attribute" from josepy, so its log is where the refusal is read.) lego,
# with its own account, is refused the same set and shows the problem.
# Raising the count and sending SIGHUP lets the next duplicate through; a
# bad file on a later SIGHUP keeps the limits in force (logged), and a bad
# file at start makes signetd refuse to start with one line on stderr.
# `signetd admin ratelimit override add` on the running CA's database lets
# the next one through within seconds; its misuse is one line on stderr.
# Usage: ratelimit_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
LIMITS="$T/limits.toml"

# A bad file: signetd does not start (one line naming the file and the limit).
printf '[certificates_per_exact_sets]\ncount = 1\n' >"$LIMITS"
if "$SIGNETD" serve --data-dir "$T/bad" --listen "127.0.0.1:$CA_PORT" --allow-loopback-validation \
    --rate-limits "$LIMITS" >"$T/bad.out" 2>"$T/bad.err"; then
  fail "signetd started with an unknown limit"
fi
[ "$(wc -l <"$T/bad.err")" -eq 1 ] || fail "bad file: stderr is not one line: $(cat "$T/bad.err")"
grep -q "unknown limit \"certificates_per_exact_sets\"" "$T/bad.err" \
  || fail "bad file: $(cat "$T/bad.err")"
echo "ok: an unknown limit refuses to start"

printf '[certificates_per_exact_set]\ncount = 1\nperiod = "7d"\n' >"$LIMITS"
start_dns
start_signetd "$SIGNETD" --rate-limits "$LIMITS"

cb() {  # cb LOG-NAME ARGS...: certbot certonly --standalone, one config dir (one account)
  local log=$1; shift
  rm -rf "$T/cb-logs"
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" \
    --logs-dir "$T/cb-logs" certonly --standalone --agree-tos -m ops@example.com \
    --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 "$@" >"$T/$log.log" 2>&1
}
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

cb first -d rl.example.test || { cat "$T/first.log"; fail "first certificate"; }
check_cert "$T/cb/live/rl.example.test/cert.pem" "$T/cb/live/rl.example.test/chain.pem" \
  rl.example.test

# refused_response: the last 429 response in certbot's log (status line,
# headers, blank line, body) into $T/response.txt.
refused_response() {
python3 - "$T/cb-logs/letsencrypt.log" >"$T/response.txt" <<'PY' || fail "no 429 response in certbot's log"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
# Each logged response: status line and headers, a blank line, the body up
# to the next log record.
responses = re.findall(r"Received response:\n(HTTP \d+\n.*?)\n\n(.*?)(?=\n\d{4}-\d\d-\d\d \d\d:)",
                       text, re.S)
refused = [r for r in responses if r[0].startswith("HTTP 429")]
if not refused:
    sys.exit(1)
print(refused[-1][0])
print()
print(refused[-1][1])
PY
}

# The duplicate: refused at newOrder.
if cb second -d rl.example.test --duplicate; then fail "a second certificate for the same set"; fi
refused_response
grep -q "too many certificates issued (1 per 168h0m0s) for the exact set of identifiers \[rl.example.test\]" \
  "$T/response.txt" || fail "the refusal's detail: $(cat "$T/response.txt")"
head -1 "$T/response.txt" | grep -qx "HTTP 429" || fail "status: $(head -1 "$T/response.txt")"
retry=$(sed -n 's/^Retry-After: \([0-9]*\)$/\1/p' "$T/response.txt")
[ -n "$retry" ] || fail "no Retry-After in the 429 response: $(cat "$T/response.txt")"
# About 7 days (one certificate per 7 days, spent seconds ago).
[ "$retry" -gt 600000 ] && [ "$retry" -le 604800 ] || fail "Retry-After $retry"
grep -q '"type": *"urn:ietf:params:acme:error:rateLimited"' "$T/response.txt" \
  || fail "problem type: $(cat "$T/response.txt")"
grep -q '(limit certificates_per_exact_set)' "$T/response.txt" \
  || fail "the detail does not name the limit: $(cat "$T/response.txt")"
grep -Eq 'retry after 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z' "$T/response.txt" \
  || fail "the detail does not say when to retry: $(cat "$T/response.txt")"
echo "ok: the duplicate certificate is refused: 429, rateLimited, Retry-After: $retry"

# lego, another account: the exact set counts for everyone.
export LEGO_CA_CERTIFICATES="$DATA/root.pem"
if lego --server "$DIRECTORY" --accept-tos --email ops@example.com --path "$T/lego" \
    --domains rl.example.test --http --http.port "127.0.0.1:$HTTP01_PORT" run >"$T/lego.log" 2>&1; then
  fail "lego got a certificate past the limit"
fi
grep -q "429 :: POST :: .*new-order :: urn:ietf:params:acme:error:rateLimited :: too many certificates" \
  "$T/lego.log" || { cat "$T/lego.log"; fail "lego does not show the rateLimited problem"; }
echo "ok: lego is refused the same set (429, rateLimited)"

# reload: waits until signetd's log has one more line matching PATTERN.
reload() {  # reload PATTERN
  local before
  before=$(grep -c "$1" "$T/signetd.log" || true)
  kill -HUP "$SIGNETD_PID"
  for _ in $(seq 50); do
    [ "$(grep -c "$1" "$T/signetd.log" || true)" -gt "$before" ] && return 0
    sleep 0.1
  done
  fail "signetd did not log '$1' after SIGHUP"
}

# Raised to 2 and reloaded: the next duplicate passes.
printf '[certificates_per_exact_set]\ncount = 2\nperiod = "7d"\n' >"$LIMITS"
reload "rate limits reloaded"
cb third -d rl.example.test --duplicate || { cat "$T/third.log"; fail "after SIGHUP with count 2"; }
echo "ok: SIGHUP with a raised limit lets the next certificate through"

# A bad file on reload: logged, and the limits in force (2, both used) stay.
printf '[certificates_per_exact_set]\ncount = "many"\n' >"$LIMITS"
reload "rate limits not reloaded"
grep -q "count must be a positive integer" "$T/signetd.log" || fail "reload error not logged"
if cb fourth -d rl.example.test --duplicate; then fail "a bad reload dropped the limits"; fi
refused_response
grep -q "too many certificates issued (2 per 168h0m0s)" "$T/response.txt" \
  || fail "fourth: not refused by the limit in force: $(cat "$T/response.txt")"
kill -0 "$SIGNETD_PID" || fail "signetd died on a bad reload"
echo "ok: a bad file on SIGHUP keeps the limits in force"

# The operator's override, on the running CA's database: read within 5 s.
"$SIGNETD" admin ratelimit override add --data-dir "$DATA" --limit certificates_per_exact_set \
  --key rl.example.test --count 3 --period 7d >"$T/ovr.out" 2>"$T/ovr.err" \
  || fail "admin ratelimit override add: $(cat "$T/ovr.err")"
"$SIGNETD" admin ratelimit override list --data-dir "$DATA" >"$T/ovr-list.out" \
  || fail "admin ratelimit override list"
grep -qx "certificates_per_exact_set rl.example.test 3 168h0m0s" "$T/ovr-list.out" \
  || fail "override list: $(cat "$T/ovr-list.out")"
sleep 6
cb fifth -d rl.example.test --duplicate || { cat "$T/fifth.log"; fail "after the override"; }
echo "ok: signetd admin ratelimit override reaches the running CA"
expect_misuse() {  # expect_misuse NAME PATTERN ARGS...: non-zero exit, one line naming PATTERN
  local name=$1 pattern=$2; shift 2
  if "$SIGNETD" "$@" >"$T/$name.out" 2>"$T/$name.err"; then fail "$name: exit 0"; fi
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
  grep -q "$pattern" "$T/$name.err" || fail "$name: $(cat "$T/$name.err")"
}
expect_misuse unknown-limit 'unknown limit "certificates"' admin ratelimit override add \
  --data-dir "$DATA" --limit certificates --key k --count 1 --period 1h
expect_misuse bad-period 'bad duration "soon"' admin ratelimit override add \
  --data-dir "$DATA" --limit new_orders_per_account --key k --count 1 --period soon
expect_misuse no-such-override 'no override of new_orders_per_account for key "k"' \
  admin ratelimit override remove --data-dir "$DATA" --limit new_orders_per_account --key k
"$SIGNETD" admin ratelimit override remove --data-dir "$DATA" --limit certificates_per_exact_set \
  --key rl.example.test >/dev/null || fail "admin ratelimit override remove"
"$SIGNETD" admin ratelimit override list --data-dir "$DATA" >"$T/ovr-list.out" \
  || fail "admin ratelimit override list"
[ ! -s "$T/ovr-list.out" ] || fail "override still listed: $(cat "$T/ovr-list.out")"
echo "ok: admin ratelimit override: one-line errors, remove"
