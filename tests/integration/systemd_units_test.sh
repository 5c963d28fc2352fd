#!/usr/bin/env bash
# Issue 15: the systemd units in dist/systemd pass `systemd-analyze verify`
# and `systemd-analyze security --offline=true` with an overall exposure of
# at most 2.0 ("OK"); the scores are printed. ExecStart points at the binary
# under test (verify checks that it exists and is executable).
# Usage: systemd_units_test.sh SIGNETD_BINARY SIGNET_CTLOG_BINARY
set -euo pipefail
SIGNETD=$(realpath "$1")
CTLOG=$(realpath "$2")
UNITS="$(cd "$(dirname "$0")/../.." && pwd)/dist/systemd"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 0; }
T=$(mktemp -d /tmp/signet-it.XXXXXX)
trap 'rm -rf "$T"' EXIT

for unit in signetd.service signetd-remote-va.service signet-ctlog.service; do
  [ -f "$UNITS/$unit" ] || fail "no $UNITS/$unit"
  sed -e "s|/usr/bin/signetd |$SIGNETD |" -e "s|/usr/bin/signet-ctlog |$CTLOG |" "$UNITS/$unit" >"$T/$unit"
  (cd "$T" && systemd-analyze verify "./$unit") >"$T/verify.log" 2>&1 \
    || { cat "$T/verify.log"; fail "systemd-analyze verify rejects $unit"; }
  [ ! -s "$T/verify.log" ] || { cat "$T/verify.log"; fail "systemd-analyze verify warns about $unit"; }
  wants=(NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes DynamicUser=yes)
  # signetd and its remote VA notify readiness and feed the watchdog.
  [ "$unit" = signet-ctlog.service ] || wants+=(Type=notify WatchdogSec=)
  for want in "${wants[@]}"; do
    grep -q "^$want" "$T/$unit" || fail "$unit has no $want"
  done
  rc=0
  (cd "$T" && systemd-analyze security --offline=true --threshold=20 "./$unit") >"$T/security.log" 2>&1 \
    || rc=$?
  score=$(grep -o 'Overall exposure level for [^:]*: [0-9.]* [A-Z]*' "$T/security.log" || true)
  [ -n "$score" ] || { cat "$T/security.log"; fail "no exposure score for $unit"; }
  echo "$score"
  [ $rc = 0 ] || { grep '✗' "$T/security.log"; fail "$unit exposure above 2.0"; }
done
grep -q '^StateDirectory=signetd' "$UNITS/signetd.service" || fail "signetd.service has no StateDirectory"
grep -q '^StateDirectory=signet-ctlog' "$UNITS/signet-ctlog.service" \
  || fail "signet-ctlog.service has no StateDirectory"
echo "ok: the three units verify, exposure at most 2.0"
