#!/usr/bin/env bash
# Issue 15: the systemd units in dist/systemd pass `systemd-analyze verify`
# and `systemd-analyze security --offline=true` with an overall exposure of
# at most 2.0 ("OK"); the scores are printed. ExecStart points at the binary
# under test (verify checks that it exists and is executable).
# Usage: systemd_units_test.sh SIGNETD_BINARY
set -euo pipefail
SIGNETD=$(realpath "$1")
UNITS="$(cd "$(dirname "$0")/../.." && pwd)/dist/systemd"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 0; }
T=$(mktemp -d /tmp/signet-it.XXXXXX)
trap 'rm -rf "$T"' EXIT

for unit in signetd.service signetd-remote-va.service; do
  [ -f "$UNITS/$unit" ] || fail "no $UNITS/$unit"
  sed "s|/usr/bin/signetd|$SIGNETD|" "$UNITS/$unit" >"$T/$unit"
  (cd "$T" && systemd-analyze verify "./$unit") >"$T/verify.log" 2>&1 \
    || { cat "$T/verify.log"; fail "systemd-analyze verify rejects $unit"; }
  [ ! -s "$T/verify.log" ] || { cat "$T/verify.log"; fail "systemd-analyze verify warns about $unit"; }
  for want in Type=notify WatchdogSec= NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes \
              DynamicUser=yes; do
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
echo "ok: both units verify, exposure at most 2.0"
