#!/usr/bin/env bash
# The renewal timer shipped in dist/systemd: systemd-analyze verify passes on
# signet.service and signet.timer (ExecStart pointed at the built binary),
# the timer fires twice a day with Debian certbot.timer's random delay and
# catch-up, and the service runs what certbot.service runs, with signet:
# `signet -q renew --no-random-sleep-on-renew` succeeds with nothing to renew.
# Usage: signet_timer_test.sh SIGNET
set -euo pipefail
SIGNET=$1
UNITS="$(dirname "$0")/../../dist/systemd"
T=$(mktemp -d /tmp/signet-timer.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

grep -qx "ExecStart=/usr/bin/signet -q renew --no-random-sleep-on-renew" "$UNITS/signet.service" \
  || fail "signet.service does not run certbot.service's renew"
sed "s|^ExecStart=/usr/bin/signet |ExecStart=$(realpath "$SIGNET") |" "$UNITS/signet.service" \
  >"$T/signet.service"
cp "$UNITS/signet.timer" "$T/"
(cd "$T" && systemd-analyze verify --man=no signet.service signet.timer) >"$T/verify.log" 2>&1 \
  || { cat "$T/verify.log"; fail "systemd-analyze verify"; }
[ ! -s "$T/verify.log" ] || { cat "$T/verify.log"; fail "systemd-analyze verify warned"; }
for line in "OnCalendar=*-*-* 00,12:00:00" "RandomizedDelaySec=43200" "Persistent=true" \
            "WantedBy=timers.target"; do
  grep -qxF "$line" "$UNITS/signet.timer" || fail "signet.timer lacks $line"
done
[ "$(systemd-analyze calendar --iterations=2 '*-*-* 00,12:00:00' | grep -c 'Iter\|Next elapse')" = 2 ] \
  || fail "the calendar does not elapse twice"
# What the service runs, against an empty config dir: success, no output.
out=$("$SIGNET" -q renew --no-random-sleep-on-renew --config-dir "$T/le" --work-dir "$T/work" \
        --logs-dir "$T/logs" 2>&1) || fail "the service's command failed: $out"
[ -z "$out" ] || fail "-q renew printed: $out"
echo "ok: signet.service and signet.timer verify; twice a day with a random delay"
