#!/usr/bin/env bash
# Issue 15: signetd's structured logs. Around a certbot issuance (with an
# external account binding) and one malformed request, every line signetd
# writes is JSON; there is one "acme request" line per ACME request (as many
# as /metrics counts) with time, request_id, method, path, status,
# latency_ms and client; the malformed request's line has its problem type
# and the request id curl got in X-Request-Id; certbot's requests name its
# account; the validation and the issuance are logged with the name and the
# serial; a failed validation is logged with the problem and the detail,
# the key authorization the client is told masked; and no secret
# appears: not the account key's private parts, not the EAB HMAC key, not a
# JWS payload, not a key authorization. Then logfmt (--log-format logfmt
# --log-file, reopened on SIGHUP after a move) and a bad --log-format
# refused at start.
# Usage: signetd_logs_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
start_dns
start_signetd "$SIGNETD" --eab-required
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

"$SIGNETD" admin eab add --data-dir "$DATA" >"$T/eab-add.out" || fail "admin eab add"
KID=$(sed -n 's/^kid: \(.*\)$/\1/p' "$T/eab-add.out")
HMAC=$(sed -n 's/^hmac_key: \(.*\)$/\1/p' "$T/eab-add.out")
[ -n "$KID" ] && [ -n "$HMAC" ] || fail "admin eab add printed: $(cat "$T/eab-add.out")"

certbot certonly --standalone --non-interactive --agree-tos -m logs@example.com \
  --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --eab-kid "$KID" --eab-hmac-key "$HMAC" \
  --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
  -d logs.example.test >"$T/certbot.log" 2>&1 || { cat "$T/certbot.log"; fail "certbot failed"; }
CERT="$T/cb/live/logs.example.test/cert.pem"
SERIAL=$(openssl x509 -in "$CERT" -noout -serial | cut -d= -f2)
ACCOUNT_KEY=$(find "$T/cb/accounts" -name private_key.json | head -1)
REGR=$(find "$T/cb/accounts" -name regr.json | head -1)
[ -f "$ACCOUNT_KEY" ] && [ -f "$REGR" ] || fail "no certbot account files"

# A failed validation: every challenge file answers "wrong", so the problem
# the client gets quotes the expected key authorization; the log must not.
python3 - "$HTTP01_PORT" <<'PY' >"$T/wrong.log" 2>&1 &
import http.server, sys
class Wrong(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"wrong")
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Wrong).serve_forever()
PY
WRONG=$!
PIDS+=($WRONG)
wait_for_port 127.0.0.1 "$HTTP01_PORT"
mkdir -p "$T/www"
if certbot certonly --webroot -w "$T/www" --non-interactive --agree-tos -m logs@example.com \
    --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    -d wrong.example.test >"$T/certbot-wrong.log" 2>&1; then
  fail "certbot got a certificate from a wrong key authorization"
fi
kill "$WRONG"
KEYAUTH_RE='[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{43}'
grep -qE "Expected .*$KEYAUTH_RE" "$T/certbot-wrong.log" \
  || fail "the client was not told the expected key authorization: $(grep -i detail "$T/certbot-wrong.log")"

# A malformed request carrying a recognisable "payload".
PAYLOAD_SECRET=c2VjcmV0LXBheWxvYWQtZG8tbm90LWxvZw
curl -sS --cacert "$DATA/root.pem" -D "$T/bad.headers" -o "$T/bad.body" -X POST \
  -H 'Content-Type: application/jose+json' \
  --data "{\"protected\":\"e30\",\"payload\":\"$PAYLOAD_SECRET\",\"signature\":\"AAAA\"}" \
  "https://127.0.0.1:$CA_PORT/acme/new-order" || fail "curl to new-order"
REQUEST_ID=$(sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *\([0-9a-f]*\).*$/\1/p' "$T/bad.headers" | tr -d '\r')
[ -n "$REQUEST_ID" ] || fail "no X-Request-Id header: $(cat "$T/bad.headers")"
curl -sS --max-time 10 -o "$T/metrics.txt" "http://127.0.0.1:$((CA_PORT + 90))/metrics" \
  || fail "no /metrics"
sleep 0.3  # the last lines are flushed per line; let the writer finish

python3 - "$T/signetd.log" "$T/metrics.txt" "$REQUEST_ID" "$REGR" "$SERIAL" "$ACCOUNT_KEY" \
  "$HMAC" "$PAYLOAD_SECRET" "$T/bad.body" <<'PY' || fail "log check failed"
import json, re, sys
log, metrics, request_id, regr, serial, key_file, hmac, payload, bad_body = sys.argv[1:]
text = open(log, encoding="utf-8").read()
lines = []
for n, raw in enumerate(text.splitlines(), 1):
    if not raw.strip():
        continue
    try:
        lines.append(json.loads(raw))
    except ValueError as e:
        sys.exit(f"line {n} is not JSON ({e}): {raw!r}")
for l in lines:
    for k in ("time", "level", "msg"):
        assert k in l, f"no {k}: {l}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", l["time"]), l
requests = [l for l in lines if l["msg"] == "acme request"]
counted = sum(float(m.group(1)) for m in
              re.finditer(r'^signetd_http_requests_total\{[^}]*\} (\S+)$', open(metrics).read(), re.M))
assert len(requests) == counted, f"{len(requests)} request lines, /metrics counts {counted}"
assert len(requests) >= 8, f"only {len(requests)} request lines"
for r in requests:
    assert re.fullmatch(r"[0-9a-f]{16}", r["request_id"]), r
    assert r["method"] in ("GET", "HEAD", "POST"), r
    assert r["path"].startswith("/"), r
    assert isinstance(r["status"], int), r
    assert isinstance(r["latency_ms"], (int, float)) and r["latency_ms"] >= 0, r
    assert r["client"] == "127.0.0.1", r
ids = [r["request_id"] for r in requests]
assert len(set(ids)) == len(ids), "request ids repeat"
bad = [r for r in requests if r["request_id"] == request_id]
assert len(bad) == 1, f"no line with request id {request_id}"
bad = bad[0]
assert bad["path"] == "/acme/new-order" and bad["status"] == 400, bad
problem = json.load(open(bad_body))["type"]
assert problem.startswith("urn:ietf:params:acme:error:"), problem
assert bad["problem"] == problem, (bad, problem)
assert "account" not in bad, bad
account = json.load(open(regr))["uri"].rsplit("/", 1)[1]
orders = [r for r in requests if r["path"] == "/acme/new-order" and r["status"] == 201]
assert len(orders) == 2 and all(o.get("account") == account for o in orders), (orders, account)
new_acct = [r for r in requests if r["path"] == "/acme/new-acct" and r["status"] == 201]
assert len(new_acct) == 1 and new_acct[0].get("account") == account, new_acct
val = [l for l in lines if l["msg"] == "validation"]
assert len(val) == 2, val
wrong = [l for l in val if l["identifier"] == "wrong.example.test"]
assert len(wrong) == 1 and wrong[0]["outcome"] == "invalid", val
assert wrong[0]["problem"] == "urn:ietf:params:acme:error:incorrectResponse", wrong
assert "[key authorization]" in wrong[0]["detail"], wrong
for failed in [l for l in lines if l["msg"] == "order invalid"]:  # when certbot asked
    assert "[key authorization]" in failed["detail"], failed
key_auth = re.search(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{43}", text)
assert not key_auth, f"a key authorization in the log: {key_auth.group(0)}"
v = [l for l in val if l["identifier"] == "logs.example.test"][0]
assert (v["identifier"], v["challenge_type"], v["outcome"], v["account"]) == \
    ("logs.example.test", "http-01", "valid", account), v
assert 0 < v["latency_ms"] < 10000, v  # challenge POST to outcome stored
issued = [l for l in lines if l["msg"] == "certificate issued"]
assert len(issued) == 1, issued
assert issued[0]["identifiers"] == "logs.example.test", issued
assert issued[0]["serial"].lstrip("0").lower() == serial.lstrip("0").lower(), (issued, serial)
assert issued[0]["account"] == account, issued
# No secrets, anywhere in the file.
jwk = json.load(open(key_file))
for part in ("d", "p", "q", "dp", "dq", "qi"):
    if part in jwk:
        assert jwk[part] not in text, f"the account key's {part} is in the log"
        assert jwk[part][:24] not in text, f"part of the account key's {part} is in the log"
assert hmac not in text and hmac[:16] not in text, "the EAB HMAC key is in the log"
assert payload not in text, "a JWS payload is in the log"
print(f"ok: {len(lines)} JSON lines, {len(requests)} request lines (= /metrics), "
      f"problem and request id on the error, account {account}, validation and issuance logged, "
      "no account key, EAB key or payload")
PY

# logfmt to a file, on a second instance.
CA2=$((CA_PORT + 1))
"$SIGNETD" serve --data-dir "$T/ca2" --listen "127.0.0.1:$CA2" --dns-resolver "127.0.0.1:$DNS_PORT" \
  --allow-loopback-validation --log-format logfmt --log-file "$T/logfmt.log" \
  >"$T/signetd2.log" 2>&1 &
CA2_PID=$!
PIDS+=($CA2_PID)
wait_for_port 127.0.0.1 "$CA2"
curl -sS -o /dev/null --cacert "$T/ca2/root.pem" "https://127.0.0.1:$CA2/directory" || fail "ca2 directory"
sleep 0.3
grep -E '^time=[0-9T:.-]+Z level=info msg="acme request" request_id=[0-9a-f]{16} method=GET path=/directory status=200 latency_ms=[0-9.]+ client=127.0.0.1$' \
  "$T/logfmt.log" >/dev/null || { cat "$T/logfmt.log"; fail "no logfmt request line"; }
[ ! -s "$T/signetd2.log" ] || { cat "$T/signetd2.log"; fail "--log-file: something went to stderr"; }
echo "ok: --log-format logfmt --log-file"
# logrotate: the file moved away, SIGHUP, the next lines in a new file.
mv "$T/logfmt.log" "$T/logfmt.log.1"
kill -HUP "$CA2_PID"
for _ in $(seq 50); do [ -s "$T/logfmt.log" ] && break; sleep 0.1; done
curl -sS -o /dev/null --cacert "$T/ca2/root.pem" "https://127.0.0.1:$CA2/directory" || fail "ca2 directory"
sleep 0.3
grep -q 'msg="acme request".*path=/directory' "$T/logfmt.log" \
  || fail "no request line in the reopened file: $(cat "$T/logfmt.log" 2>&1)"
[ "$(grep -c 'msg="acme request"' "$T/logfmt.log.1")" = 1 ] || fail "the old file grew after SIGHUP"
echo "ok: SIGHUP reopens --log-file"

rc=0
"$SIGNETD" serve --data-dir "$T/ca3" --log-format xml >"$T/bad.out" 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q 'unknown log format "xml": use json or logfmt' "$T/bad.out" \
  || fail "--log-format xml: rc $rc, $(cat "$T/bad.out")"
echo "ok: a bad --log-format is refused at start"
