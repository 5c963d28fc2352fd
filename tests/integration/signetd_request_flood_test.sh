#!/usr/bin/env bash
# Floods of unauthenticated and oversized requests against each listener,
# while a normal client gets its work done within a stated bound:
#  - the ACME listener: bad JWS to newOrder, newNonce, directory, every 50th
#    request a 1 MiB body; certbot obtains a certificate meanwhile;
#  - the remote-VA listener (signetd remote-va, mutual TLS): bad JSON to
#    /va/validate and /va/info with a client certificate, a quarter of the
#    connections without one (refused at the handshake); certbot obtains a
#    certificate through the primary, which asks that remote VA;
#  - signet-ctlog's listener: bad add-chain, get-sth, 5 MiB bodies; a good
#    add-chain (a chain signetd issued) and get-sth answer meanwhile.
# Oversized header and body on each: 431/413, a malformed problem document
# on ACME, text/plain on the other two, and the client sees the answer even
# while it is still uploading. Memory stays bounded (VmHWM), and each
# service works in normal time once the flood stops.
# Sizes and durations from the environment (bench/flood_campaign.sh runs a
# long form): REQ_FLOOD_CONNS, REQ_FLOOD_SECONDS, REQ_FLOOD_CERT_BOUND,
# REQ_FLOOD_RSS_MB.
# Usage: SIGNET_CTLOG=/path/to/signet-ctlog signetd_request_flood_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
CTLOG=${SIGNET_CTLOG:?set SIGNET_CTLOG to the signet-ctlog binary}
CONNS=${REQ_FLOOD_CONNS:-40}
SECS=${REQ_FLOOD_SECONDS:-8}
BOUND=${REQ_FLOOD_CERT_BOUND:-30}  # seconds certbot may take during a flood
# Peak RSS allowed to each flooded process: 256 MiB; 1 GiB for an
# AddressSanitizer build (CI's). Measured peaks, signetd / remote-va /
# signet-ctlog: 35 / 27 / 19 MiB plain, 585 / 501 / 176 MiB under ASan, of
# which about 240 MiB is ASan's quarantine of freed blocks (256 MiB at most;
# 347 / 307 / 118 with quarantine_size_mb=16) and the rest ASan's
# own bookkeeping (allocator, redzones, shadow). LeakSanitizer checks each
# at exit there.
RSS_MB=256
[ "$(sanitizer_of "$1")" = asan ] && RSS_MB=1024
RSS_MB=${REQ_FLOOD_RSS_MB:-$RSS_MB}
RVA_PORT=${RVA_PORT:-$((CA_PORT + 150))}
CT_PORT=${CT_PORT:-$((CA_PORT + 151))}
FLOOD="$(dirname "$0")/request_flood.py"
REPORT=${REQ_FLOOD_REPORT:-/dev/null}  # the campaign's figures, one line each
M="$T/mtls"
mtls_ca "$M" "flood test CA"
mtls_issue "$M" remote "IP:127.0.0.1" serverAuth
mtls_issue "$M" primary "DNS:primary.invalid" clientAuth

start_dns
"$1" remote-va --listen "127.0.0.1:$RVA_PORT" --dns-resolver "127.0.0.1:$DNS_PORT" \
  --http01-port "$HTTP01_PORT" --allow-loopback-validation --tls-cert "$M/remote.pem" \
  --tls-key "$M/remote.key" --client-ca "$M/ca.pem" --rir ARIN >"$T/remote-va.log" 2>&1 &
RVA_PID=$!
PIDS+=($RVA_PID)
wait_for_port 127.0.0.1 "$RVA_PORT"
start_signetd "$1" --remote-va "https://127.0.0.1:$RVA_PORT" --remote-va-ca "$M/ca.pem" \
  --remote-va-cert "$M/primary.pem" --remote-va-key "$M/primary.key"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

obtain() {  # name -> seconds it took
  local name=$1 start
  start=$(date +%s.%N)
  certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
    --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    -d "$name" >>"$T/certbot.log" 2>&1 || fail "certbot failed for $name"
  check_cert "$T/cb/live/$name/cert.pem" "$T/cb/live/$name/chain.pem" "$name" >/dev/null
  echo "$(date +%s.%N) - $start" | bc
}
hwm_mb() { echo $(( $(awk '/VmHWM/ {print $2}' "/proc/$1/status") / 1024 )); }
rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
# check_limits MODE PORT PROBLEM|plain [CERT KEY]
check_limits() {
  local mode=$1 port=$2 kind=$3; shift 3
  python3 "$FLOOD" limits "$mode" "$port" "${FLOOD_CA:-$DATA/root.pem}" "$@" >"$T/limits-$mode.json" \
    || fail "limits probe failed on $mode"
  python3 - "$T/limits-$mode.json" "$kind" <<'EOF' || fail "$mode: wrong answers to oversized requests: $(cat "$T/limits-$mode.json")"
import json, sys
want = {"header": (431, "request header larger than"), "body": (413, "request body larger than"),
        "chunked": (413, "request body larger than")}
seen = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    seen.add(r["what"])
    status, text = want[r["what"]]
    assert r["status"] == status, r
    assert text in r["body"], r
    if sys.argv[2] == "problem":
        assert r["content_type"] == "application/problem+json", r
        assert json.loads(r["body"])["type"] == "urn:ietf:params:acme:error:malformed", r
    else:
        assert r["content_type"] == "text/plain", r
assert seen == set(want), seen
EOF
  echo "ok: $mode oversized header -> 431, body (Content-Length or chunked) -> 413 ($kind)"
}
# start_flood MODE PORT [CERT KEY]: in the background; end_flood MODE then
start_flood() {
  local mode=$1 port=$2; shift 2
  python3 "$FLOOD" flood "$mode" "$port" "${FLOOD_CA:-$DATA/root.pem}" "$CONNS" "$SECS" "$@" \
    >"$T/flood-$mode.log" 2>&1 &
  FLOOD_PID=$!
  PIDS+=($FLOOD_PID)
  for _ in $(seq 100); do grep -q "flood up" "$T/flood-$mode.log" && return 0; sleep 0.1; done
  fail "the $mode flood did not start"
}
end_flood() {  # MODE: sets summary to the flood's summary line, checked for answers
  wait "$FLOOD_PID" || fail "the $1 flood client failed: $(tail -3 "$T/flood-$1.log")"
  summary=$(tail -1 "$T/flood-$1.log")
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["requests"] > 0, s' "$summary" \
    || fail "the $1 flood got no answers: $summary"
}

base=$(obtain base.example.test)
echo "certificate before any flood: ${base}s"

# --- ACME
check_limits acme "$CA_PORT" problem
start_flood acme "$CA_PORT"
took=$(obtain acme-flood.example.test)
end_flood acme
hwm=$(hwm_mb "$SIGNETD_PID")
echo "ACME flood: $summary"
echo "certificate during the ACME flood: ${took}s (bound ${BOUND}s); signetd peak RSS ${hwm} MiB"
(( $(echo "$took < $BOUND" | bc) )) || fail "certbot took ${took}s during the ACME flood"
[ "$hwm" -lt "$RSS_MB" ] || fail "signetd peak RSS ${hwm} MiB during the ACME flood"
after=$(obtain acme-after.example.test)
echo "certificate after the ACME flood: ${after}s (RSS now $(rss_mb "$SIGNETD_PID") MiB)"
(( $(echo "$after < $base + 10" | bc) )) || fail "certbot took ${after}s after the ACME flood"
echo "acme conns=$CONNS secs=$SECS cert_during=${took}s cert_after=${after}s base=${base}s hwm=${hwm}MiB $summary" >>"$REPORT"

# --- remote VA (mutual TLS)
FLOOD_CA=$M/ca.pem check_limits remote-va "$RVA_PORT" plain "$M/primary.pem" "$M/primary.key"
FLOOD_CA=$M/ca.pem start_flood remote-va "$RVA_PORT" "$M/primary.pem" "$M/primary.key"
took=$(obtain rva-flood.example.test)
end_flood remote-va
hwm=$(hwm_mb "$RVA_PID")
echo "remote-VA flood: $summary"
echo "certificate through the flooded remote VA: ${took}s (bound ${BOUND}s); remote-va peak RSS ${hwm} MiB"
(( $(echo "$took < $BOUND" | bc) )) || fail "certbot took ${took}s during the remote-VA flood"
[ "$hwm" -lt "$RSS_MB" ] || fail "remote-va peak RSS ${hwm} MiB"
python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s.get("tls_refused", 0) > 0, s' "$summary" \
  || fail "no connection without a client certificate was refused: $summary"
after=$(obtain rva-after.example.test)
echo "certificate after the remote-VA flood: ${after}s"
(( $(echo "$after < $base + 10" | bc) )) || fail "certbot took ${after}s after the remote-VA flood"
echo "remote-va conns=$CONNS secs=$SECS cert_during=${took}s cert_after=${after}s hwm=${hwm}MiB $summary" >>"$REPORT"

# --- CT log
"$CTLOG" serve --data-dir "$T/ctlog" --listen "127.0.0.1:$CT_PORT" --roots "$DATA/root.pem" \
  --sth-interval-ms 200 >"$T/ctlog.log" 2>&1 &
CT_PID=$!
PIDS+=($CT_PID)
wait_for_port 127.0.0.1 "$CT_PORT"
# signet-ctlog serves plain HTTP here (FLOOD_CA=-: the flood without TLS).
b64der() { openssl x509 -in "$1" -outform DER | base64 -w0; }
printf '{"chain":["%s","%s"]}' "$(b64der "$T/cb/live/base.example.test/cert.pem")" \
  "$(b64der "$T/cb/live/base.example.test/chain.pem")" >"$T/good-chain.json"
add_chain() {  # -> "STATUS SECONDS"
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
    --data-binary @"$T/good-chain.json" "http://127.0.0.1:$CT_PORT/ct/v1/add-chain"
}
[ "$(add_chain | cut -d' ' -f1)" = 200 ] || fail "a good add-chain failed before the flood"
FLOOD_CA=- check_limits ctlog "$CT_PORT" plain
FLOOD_CA=- start_flood ctlog "$CT_PORT"
worst=0
for _ in $(seq 10); do
  read -r code t < <(add_chain)
  [ "$code" = 200 ] || fail "a good add-chain got $code during the flood"
  (( $(echo "$t > $worst" | bc) )) && worst=$t
  t=$(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$CT_PORT/ct/v1/get-sth") \
    || fail "get-sth failed during the flood"
  (( $(echo "$t > $worst" | bc) )) && worst=$t
  sleep 0.5
done
end_flood ctlog
hwm=$(hwm_mb "$CT_PID")
echo "CT-log flood: $summary"
echo "good add-chain and get-sth during the CT flood: worst ${worst}s; signet-ctlog peak RSS ${hwm} MiB"
(( $(echo "$worst < 2" | bc) )) || fail "a good CT request took ${worst}s during the flood"
[ "$hwm" -lt "$RSS_MB" ] || fail "signet-ctlog peak RSS ${hwm} MiB"
read -r code t < <(add_chain)
[ "$code" = 200 ] || fail "add-chain after the flood: $code"
echo "ok: add-chain after the CT flood in ${t}s"
echo "ctlog conns=$CONNS secs=$SECS worst_good=${worst}s hwm=${hwm}MiB $summary" >>"$REPORT"
