#!/usr/bin/env bash
# Validation latency of signetd on loopback: challenge POST to outcome
# stored (the "latency_ms" of signetd's "validation" log line), for
# HTTP-01, DNS-01 (through pebble-challtestsrv, CAA absent) and TLS-ALPN-01,
# each with lego answering RUNS challenges. Prints p50 and max per type
# (target: p50 under 20 ms).
# Usage: bench/validation_latency.sh [RUNS]   (default 5; SKIP_BUILD=1;
#        SIGNETD=binary; ports as tests/integration/lib.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
source bench/signetd_build.sh
source tests/integration/lib.sh
start_ca "$SIGNETD"
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
for i in $(seq "$RUNS"); do
  lego_run "h$i.latency.test" --http --http.port "127.0.0.1:$HTTP01_PORT"
  lego_run "t$i.latency.test" --tls --tls.port "127.0.0.1:$TLSALPN01_PORT"
  EXEC_PATH="$T/exec.sh" EXEC_POLLING_INTERVAL=1 EXEC_PROPAGATION_TIMEOUT=10 \
    lego_run "d$i.latency.test" --dns exec --dns.resolvers "127.0.0.1:$DNS_PORT" --dns.disable-cp
done
python3 - "$T/signetd.log" <<'PY'
import json, sys
by = {}
for line in open(sys.argv[1]):
    if not line.startswith("{"): continue
    e = json.loads(line)
    if e.get("msg") == "validation" and "latency_ms" in e:
        by.setdefault(e["challenge_type"], []).append(e["latency_ms"])
print("validation latency, challenge POST to outcome stored (ms)")
print(f"{'type':12} {'n':>3} {'p50':>8} {'max':>8}   all")
for t, v in sorted(by.items()):
    s = sorted(v)
    print(f"{t:12} {len(s):3} {s[(len(s)-1)//2]:8.2f} {s[-1]:8.2f}   " + " ".join(f"{x:.1f}" for x in v))
PY
