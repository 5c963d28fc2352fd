#!/usr/bin/env bash
# Issue 11: signetd using CT logs. Three signet-ctlog instances of three
# operators; their log.json files merged (operators concatenated) into the
# list signetd is given (--ct-log-list). certbot gets a certificate whose
# SCT list OpenSSL shows (x509 -text) and verifies (s_client -ct against an
# s_server holding the certificate, with a CT log file of our logs' keys:
# OpenSSL's CT code, not ours); the logs hold the precertificate and, soon
# after, the final certificate (add-chain); certspotter reports the names
# through the merged list. One log killed mid-test: the two others still
# give SCTs of two operators, and the failures show in the metrics.
# Usage: SIGNET_CTLOG=/path/to/signet-ctlog signetd_ct_test.sh SIGNETD_BINARY
# Ports: CA_PORT etc. as lib.sh; the logs on CT_PORT, CT_PORT+1, CT_PORT+2.
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
CTLOG=${SIGNET_CTLOG:?set SIGNET_CTLOG to the signet-ctlog binary}
CT_PORT=${CT_PORT:-16970}
OP="http://127.0.0.1:$((CA_PORT + 90))"
cd "$T"

# signetd makes its CA on first start: once without CT, for the root the
# logs must accept.
start_dns
start_signetd "$SIGNETD"
kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true

LOG_PIDS=()
for i in 0 1 2; do
  port=$((CT_PORT + i))
  "$CTLOG" serve --data-dir "$T/log$i" --listen "127.0.0.1:$port" --roots "$DATA/root.pem" \
    --operator "Operator $i" --description "signet-ctlog $i" --sth-interval-ms 200 \
    >>"$T/ctlog$i.log" 2>&1 &
  LOG_PIDS+=($!)
  PIDS+=($!)
  wait_for_port 127.0.0.1 "$port"
  for _ in $(seq 50); do [ -s "$T/log$i/log.json" ] && break; sleep 0.1; done
  [ -s "$T/log$i/log.json" ] || fail "signet-ctlog $i wrote no log.json"
done
# One list of three operators: the files' operators arrays concatenated.
python3 - "$T/logs.json" "$T"/log{0,1,2}/log.json <<'PY'
import json, sys
merged = {"version": "1.0", "operators": []}
for path in sys.argv[2:]:
    merged["operators"] += json.load(open(path))["operators"]
json.dump(merged, open(sys.argv[1], "w"), indent=1)
PY
# The same logs for OpenSSL's CT validation (its CTLOG_STORE file format).
python3 - "$T/logs.json" "$T/ct_log_list.cnf" <<'PY'
import json, sys
logs = [l for op in json.load(open(sys.argv[1]))["operators"] for l in op["logs"]]
names = ["log%d" % i for i in range(len(logs))]
with open(sys.argv[2], "w") as f:
    f.write("enabled_logs = %s\n" % ",".join(names))
    for name, log in zip(names, logs):
        f.write("[%s]\ndescription = %s\nkey = %s\n" % (name, log["description"], log["key"]))
PY

start_signetd "$SIGNETD" --ct-log-list "$T/logs.json" --ct-timeout-ms 5000
grep -q "submits precertificates to CT logs" "$T/signetd.log" || fail "signetd did not turn CT on"

export REQUESTS_CA_BUNDLE="$DATA/root.pem"
issue() {  # NAME
  certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
    --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    -d "$1" >>"$T/certbot.log" 2>&1 || fail "certbot failed for $1"
}
scts_in() {  # CERT: how many SCTs its SCT list holds, as openssl x509 -text prints them
  openssl x509 -in "$1" -noout -text | grep -c "Signed Certificate Timestamp:" || true
}
# OpenSSL's own CT validation in a TLS handshake: s_client -ct checks each
# SCT against the logs' keys (-ctlogfile) and prints its status; every one
# must be valid, and at least two.
ct_verify() {  # LIVE-DIR PORT
  openssl s_server -accept "127.0.0.1:$2" -cert "$1/cert.pem" -key "$1/privkey.pem" \
    -cert_chain "$1/chain.pem" -www >"$T/s_server.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  wait_for_port 127.0.0.1 "$2"
  echo | openssl s_client -connect "127.0.0.1:$2" -CAfile "$DATA/root.pem" -ct \
    -ctlogfile "$T/ct_log_list.cnf" -verify_return_error >"$T/s_client.log" 2>&1 \
    || { kill "$pid"; fail "OpenSSL's CT validation refused $1/cert.pem (s_client.log)"; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
  grep -q "Verify return code: 0 (ok)" "$T/s_client.log" || fail "s_client did not verify"
  local valid
  valid=$(grep -c "SCT validation status: valid" "$T/s_client.log" || true)
  [ "$valid" -ge 2 ] || fail "OpenSSL validated $valid SCTs of $1/cert.pem (s_client.log)"
  if grep "SCT validation status:" "$T/s_client.log" | grep -v ": valid"; then
    fail "OpenSSL found an SCT of $1/cert.pem not valid"
  fi
}
tree_size() {  # PORT
  curl -sS "http://127.0.0.1:$1/ct/v1/get-sth" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['tree_size'])"
}

issue ct1.example.test
live="$T/cb/live/ct1.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" ct1.example.test
n=$(scts_in "$live/cert.pem")
[ "$n" -ge 2 ] || fail "the certificate carries $n SCTs, at least 2 expected"
ct_verify "$live" "$((CT_PORT + 10))"
echo "ok: $n SCTs embedded, validated by OpenSSL"
# Precertificate in at least two logs at once; the final certificate
# (add-chain, in the background) brings each log that answered to 2.
for _ in $(seq 50); do
  full=0
  for i in 0 1 2; do [ "$(tree_size $((CT_PORT + i)))" -ge 2 ] && full=$((full + 1)); done
  [ "$full" -ge 2 ] && break
  sleep 0.2
done
[ "$full" -ge 2 ] || fail "fewer than 2 logs hold the precertificate and the final certificate"

# One log dies mid-test: the other two (two operators) suffice.
kill "${LOG_PIDS[2]}"; wait "${LOG_PIDS[2]}" 2>/dev/null || true
issue ct2.example.test
live2="$T/cb/live/ct2.example.test"
check_cert "$live2/cert.pem" "$live2/chain.pem" ct2.example.test
n=$(scts_in "$live2/cert.pem")
[ "$n" -ge 2 ] || fail "with a log down the certificate carries $n SCTs"
ct_verify "$live2" "$((CT_PORT + 11))"
curl -sS "$OP/metrics" >"$T/metrics.txt"
grep -q 'signetd_ct_submission_failures_total{kind="precert",log="signet-ctlog 2"} [1-9]' \
  "$T/metrics.txt" || fail "the dead log's failures are not in the metrics"
grep -q 'signetd_ct_submission_duration_seconds_count{kind="precert",log="signet-ctlog 0"}' \
  "$T/metrics.txt" || fail "no CT latency in the metrics"

# certspotter (a monitor written by others) reads the logs through the
# merged list and reports both certificates.
if command -v certspotter >/dev/null; then
  echo .example.test >watchlist
  certspotter -logs "$T/logs.json" -watchlist watchlist -state_dir cs -stdout -verbose \
    >cs.out 2>cs.err &
  cs=$!
  PIDS+=($cs)
  for _ in $(seq 100); do
    grep -q "DNS Name = ct1.example.test" cs.out && grep -q "DNS Name = ct2.example.test" cs.out \
      && break
    sleep 0.2
  done
  kill "$cs"; wait "$cs" 2>/dev/null || true
  for name in ct1.example.test ct2.example.test; do
    grep -q "DNS Name = $name" cs.out || fail "certspotter did not report $name"
  done
fi
echo "PASS: signetd with CT logs"
