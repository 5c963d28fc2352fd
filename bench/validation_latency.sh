#!/usr/bin/env bash
# Validation latency of signetd on loopback: challenge POST to outcome
# stored (the "latency_ms" of signetd's "validation" log line), for
# HTTP-01, DNS-01 (through pebble-challtestsrv, CAA absent) and TLS-ALPN-01,
# each with lego answering RUNS challenges. Prints p50 and max per type
# (target: p50 under 20 ms). DNS01_CAA=1 adds DNS-01 for six-label names
# (a.b.c.dN.caa-absent.test: no CAA anywhere, six CAA queries; and
# a.b.c.dN.caa-present.test, whose parent caa-present.test has
# "0 issue signet.invalid", the CA's identity), reported apart; ONLY_DNS01=1
# skips HTTP-01, TLS-ALPN-01 and the plain DNS-01 runs. DNS_DELAY_MS=N puts
# bench/dns_delay_proxy.py (port DELAY_PORT, default DNS_PORT+1) between
# signetd and the mock DNS: every answer N ms late, as from a real server.
# Usage: bench/validation_latency.sh [RUNS]   (default 5; SKIP_BUILD=1;
#        SIGNETD=binary; ports as tests/integration/lib.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
source bench/signetd_build.sh
source tests/integration/lib.sh
start_dns
if [ -n "${DNS_DELAY_MS:-}" ]; then  # signetd's DNS answers DNS_DELAY_MS late
  DELAY_PORT=${DELAY_PORT:-$((DNS_PORT + 1))}
  python3 bench/dns_delay_proxy.py "$DELAY_PORT" "$DNS_PORT" "$DNS_DELAY_MS" &
  PIDS+=($!)
  sleep 0.5
  MOCK_DNS_PORT=$DNS_PORT; DNS_PORT=$DELAY_PORT
  start_signetd "$SIGNETD"
  DNS_PORT=$MOCK_DNS_PORT
else
  start_signetd "$SIGNETD"
fi
export LEGO_CA_CERTIFICATES="$DATA/root.pem"
cat >"$T/exec.sh" <<HOOK
#!/bin/sh
# lego exec provider -> pebble-challtestsrv's management API
case "\$1" in
  present) curl -sf -d "{\"host\":\"\$2\",\"value\":\"\$3\"}" http://127.0.0.1:$MGMT_PORT/set-txt ;;
  cleanup) curl -sf -d "{\"host\":\"\$2\"}" http://127.0.0.1:$MGMT_PORT/clear-txt ;;
esac
HOOK
chmod +x "$T/exec.sh"
lego_run() {  # name solver-flags...
  local name=$1; shift
  lego --server "$DIRECTORY" --accept-tos --email bench@example.com --path "$T/lego-$name" \
    --domains "$name" "$@" run >"$T/lego-$name.log" 2>&1 || { tail -5 "$T/lego-$name.log"; fail "lego $name"; }
}
dns01_run() {  # name
  EXEC_PATH="$T/exec.sh" EXEC_POLLING_INTERVAL=1 EXEC_PROPAGATION_TIMEOUT=10 \
    lego_run "$1" --dns exec --dns.resolvers "127.0.0.1:$DNS_PORT" --dns.disable-cp
}
if [ "${DNS01_CAA:-0}" = 1 ]; then
  curl -sf -d '{"host":"caa-present.test","policies":[{"tag":"issue","value":"signet.invalid"}]}' \
    "http://127.0.0.1:$MGMT_PORT/add-caa" >/dev/null || fail "add-caa"
fi
for i in $(seq "$RUNS"); do
  if [ "${ONLY_DNS01:-0}" != 1 ]; then
    lego_run "h$i.latency.test" --http --http.port "127.0.0.1:$HTTP01_PORT"
    lego_run "t$i.latency.test" --tls --tls.port "127.0.0.1:$TLSALPN01_PORT"
    dns01_run "d$i.latency.test"
  fi
  if [ "${DNS01_CAA:-0}" = 1 ]; then
    dns01_run "a.b.c.d$i.caa-absent.test"
    dns01_run "a.b.c.d$i.caa-present.test"
  fi
done
python3 - "$T/signetd.log" <<'PY'
import json, sys
by = {}
for line in open(sys.argv[1]):
    if not line.startswith("{"): continue
    e = json.loads(line)
    if e.get("msg") == "validation" and "latency_ms" in e:
        kind = e["challenge_type"]
        for zone in ("caa-absent", "caa-present"):
            if e.get("identifier", "").endswith("." + zone + ".test"):
                kind += " deep " + zone
        by.setdefault(kind, []).append(e["latency_ms"])
print("validation latency, challenge POST to outcome stored (ms)")
print(f"{'type':28} {'n':>3} {'p50':>8} {'max':>8}   all")
for t, v in sorted(by.items()):
    s = sorted(v)
    print(f"{t:28} {len(s):3} {s[(len(s)-1)//2]:8.2f} {s[-1]:8.2f}   " + " ".join(f"{x:.1f}" for x in v))
PY
