#!/usr/bin/env bash
# The audit's flood: 15,000 idle TCP connections and 1,000 slowloris TLS
# connections held for 40 s against signetd's HTTPS listener (it used to end
# in SIGSEGV). While the flood holds, certbot obtains a certificate within a
# bound; signetd stays up with bounded memory, closes the flood's
# connections at its deadlines, and issues again once the flood is over.
source "$(dirname "$0")/lib.sh"
IDLE=${FLOOD_IDLE:-15000}
SLOW=${FLOOD_SLOW:-1000}
HOLD=${FLOOD_HOLD:-40}
BOUND=${FLOOD_CERT_BOUND:-60}  # seconds certbot may take while the flood holds
start_dns
# Room for the whole flood, as in the audit (the default cap is 10,000).
start_signetd "$1" --max-connections 20000
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

obtain() {  # name -> seconds it took
  local name=$1 start end
  start=$(date +%s.%N)
  certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
    --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    -d "$name" >>"$T/certbot.log" 2>&1 || fail "certbot failed for $name"
  end=$(date +%s.%N)
  check_cert "$T/cb/live/$name/cert.pem" "$T/cb/live/$name/chain.pem" "$name" >/dev/null
  echo "$end - $start" | bc
}

python3 "$(dirname "$0")/flood.py" "$CA_PORT" "$IDLE" "$SLOW" "$HOLD" >"$T/flood.log" 2>&1 &
FLOOD=$!
PIDS+=($FLOOD)
for _ in $(seq 600); do grep -q "flood up" "$T/flood.log" && break; sleep 0.1; done
grep -q "flood up" "$T/flood.log" || fail "the flood did not come up"
grep "flood up" "$T/flood.log"

took=$(obtain during.example.test)
echo "certificate during the flood in ${took}s (bound ${BOUND}s)"
(( $(echo "$took < $BOUND" | bc) )) || fail "certbot took ${took}s during the flood"
kill -0 "$SIGNETD_PID" 2>/dev/null || fail "signetd died during the flood"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SIGNETD_PID/status")

wait "$FLOOD" || fail "the flood client failed"
grep "flood done" "$T/flood.log"
kill -0 "$SIGNETD_PID" 2>/dev/null || fail "signetd died during the flood"
# Every slowloris connection was closed by signetd's request deadline (30 s)
# before the flood's 40 s were up.
closed=$(sed -n 's/.*slow_closed_by_server=\([0-9]*\).*/\1/p' "$T/flood.log")
opened=$(sed -n 's/.*tls_open=\([0-9]*\).*/\1/p' "$T/flood.log")
[ "$opened" -gt 0 ] && [ "$closed" -eq "$opened" ] \
  || fail "signetd closed $closed of $opened slowloris connections"
# 512 MiB; twice that for an AddressSanitizer build (CI's), which measured
# 746 MiB where the plain build stays under 512.
rss_bound_mb=512
[ "$(sanitizer_of "$1")" = asan ] && rss_bound_mb=1024
echo "signetd peak RSS during the flood: $((rss_kb / 1024)) MiB (bound ${rss_bound_mb} MiB)"
[ "$rss_kb" -lt $((rss_bound_mb * 1024)) ] || fail "signetd used ${rss_kb} kB during the flood"

took=$(obtain after.example.test)
echo "certificate after the flood in ${took}s"
