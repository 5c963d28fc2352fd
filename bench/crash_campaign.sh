#!/usr/bin/env bash
# The long form of the crash tests (issue 14), one command: signetd killed
# with SIGKILL under concurrent orders and during recovery on SQLite, on
# SQLite with CT logs (background issuance, precertificates), then on
# PostgreSQL, then signet killed during certonly and renew; each campaign
# ends with the checks of the short tests (tests/integration/crash_lib.sh,
# agent_crash_lib.sh). Prints one result line per campaign, the figures
# docs/robustness.md quotes.
# Usage: bench/crash_campaign.sh [SIGNETD_ROUNDS [PG_ROUNDS [AGENT_ROUNDS [CLIENTS]]]]
#   (defaults 200 (each SQLite form), 100, 40 and 8; builds what it runs
#   first). About 25 minutes with the defaults on 2 cores.
# Ports as the integration tests: CA_PORT, DNS_PORT, HTTP01_PORT,
# TLSALPN01_PORT, MGMT_PORT (lib.sh's defaults). CRASH_SEED repeats a run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-200} PG_ROUNDS=${2:-100} AGENT_ROUNDS=${3:-40} CLIENTS=${4:-8}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build signetd signet signet-ctlog >/dev/null
SIGNETD="$PWD/build/apps/signetd/signetd" SIGNET="$PWD/build/apps/signet/signet"
IT=tests/integration
results=()
run() {  # NAME COMMAND...: keeps the command's "ok: " summary line
  local name=$1 out start
  shift
  start=$(date +%s)
  out=$("$@" 2>&1 | grep -v '^{') || { echo "$out" | tail -40; echo "FAIL: $name"; exit 1; }
  results+=("$name ($(( $(date +%s) - start )) s): $(echo "$out" | grep '^ok: ' | cut -c5- | paste -sd'|' | sed 's/|/; /g')")
  echo "${results[-1]}"
}
run "signetd, SQLite" bash "$IT/signetd_crash_test.sh" "$SIGNETD" sqlite "$ROUNDS" "$CLIENTS"
export SIGNET_CTLOG="$PWD/build/apps/signet-ctlog/signet-ctlog"
run "signetd, SQLite and CT logs" bash "$IT/signetd_crash_test.sh" "$SIGNETD" sqlite-ct "$ROUNDS" "$CLIENTS"
run "signetd, PostgreSQL" bash "$IT/signetd_crash_test.sh" "$SIGNETD" postgresql "$PG_ROUNDS" "$CLIENTS"
run "signet" bash "$IT/signet_crash_test.sh" "$SIGNET" "$SIGNETD" "$AGENT_ROUNDS" "$AGENT_ROUNDS"
echo
echo "crash campaign $(date -u +%Y-%m-%d), $(nproc) cores:"
printf '  %s\n' "${results[@]}"
