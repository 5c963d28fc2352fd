#!/usr/bin/env bash
# The long form of the flood tests (issue 14), one command: the connection
# flood (signetd_flood_test: idle TCP + slowloris TLS, held longer) and the
# request floods against the ACME, remote-VA and CT-log listeners
# (signetd_request_flood_test: more connections, for minutes), then the
# storage and DNS fault tests. Prints each test's figures and a summary;
# copy the summary into docs/robustness.md.
# Usage: bench/flood_campaign.sh [SECONDS]   (request-flood length, default 120)
# Tunables (environment): FLOOD_IDLE (15000), FLOOD_SLOW (2000), FLOOD_HOLD
# (90), REQ_FLOOD_CONNS (200), and the ports (CA_PORT ... as for the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-120}
scripts/install-deps.sh >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null 2>&1
ninja -C build signetd signet-ctlog >/dev/null
SIGNETD="$PWD/build/apps/signetd/signetd"
export SIGNET_CTLOG="$PWD/build/apps/signet-ctlog/signet-ctlog"
OUT=$(mktemp -d /tmp/flood-campaign.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
IT=tests/integration

echo "== connection flood: ${FLOOD_IDLE:-15000} idle + ${FLOOD_SLOW:-2000} slowloris for ${FLOOD_HOLD:-90}s"
FLOOD_IDLE=${FLOOD_IDLE:-15000} FLOOD_SLOW=${FLOOD_SLOW:-2000} FLOOD_HOLD=${FLOOD_HOLD:-90} \
  bash "$IT/signetd_flood_test.sh" "$SIGNETD" >"$OUT/connections.log" 2>&1 || true
grep -E "^(flood|certificate|signetd|ok|FAIL)" "$OUT/connections.log" >"$OUT/1.txt" || true
cat "$OUT/1.txt"

echo "== request floods: ${REQ_FLOOD_CONNS:-200} connections for ${SECS}s per listener"
REQ_FLOOD_CONNS=${REQ_FLOOD_CONNS:-200} REQ_FLOOD_SECONDS=$SECS REQ_FLOOD_CERT_BOUND=60 \
  REQ_FLOOD_REPORT="$OUT/2.txt" bash "$IT/signetd_request_flood_test.sh" "$SIGNETD" \
  >"$OUT/requests.log" 2>&1 || true
grep -E "^(ok|FAIL|certificate|good|ACME|remote-VA|CT-log)" "$OUT/requests.log" || true

echo "== faults: storage (locked, full, read-only) and DNS (down, slow)"
for t in signetd_storage_faults signetd_dns_outage signetd_slow_dns; do
  bash "$IT/${t}_test.sh" "$SIGNETD" >"$OUT/$t.log" 2>&1 || true
  grep -E "^(ok|FAIL|certificate|directory|16 )" "$OUT/$t.log" >>"$OUT/3.txt" || true
done
cat "$OUT/3.txt"

echo "== summary ($(date -u +%Y-%m-%d), $(nproc) cores)"
cat "$OUT/1.txt" "$OUT/2.txt" "$OUT/3.txt" 2>/dev/null
! grep -q "^FAIL" "$OUT"/*.txt "$OUT"/requests.log
