#!/usr/bin/env bash
# Runs every integration test that starts signetd with the intermediate's key
# on a SoftHSM2 token (SIGNETD_HSM=1: tests/integration/lib.sh makes a token
# in the test's temp dir and starts signetd with --signer pkcs11:...), and
# prints "N of M passed" and the time taken. Exits non-zero if any fails.
# Expects a build (scripts/build.sh); BUILD=DIR picks another build tree.
# Extra arguments go to ctest (e.g. -R certbot). The ports are the test
# contract's unless CA_PORT, DNS_PORT, HTTP01_PORT, TLSALPN01_PORT, MGMT_PORT
# and PEBBLE_MGMT_PORT say otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
command -v softhsm2-util >/dev/null || { echo "test-hsm: softhsm2 is not installed (scripts/install-deps.sh)" >&2; exit 2; }

# The tests whose command runs signetd: the others never sign as the CA
# (the agent's tests against Pebble, *_pebble, are given signetd's path too).
names=$(ctest --test-dir "$BUILD" -N -V -L integration | awk '
  /Test command:/ { cmd = $0 }
  /Test +#[0-9]+:/ { if (cmd ~ /signetd/ && $3 !~ /_pebble$/) print $3; cmd = "" }')
[ -n "$names" ] || { echo "test-hsm: no integration tests in $BUILD (build first)" >&2; exit 2; }
regex="^($(echo "$names" | sed 's/\./\\./g' | paste -sd '|'))\$"
count=$(echo "$names" | wc -l)

start=$(date +%s)
rc=0
SIGNETD_HSM=1 ctest --test-dir "$BUILD" -L integration -R "$regex" --output-on-failure "$@" \
  | tee "$BUILD/test-hsm.log" || rc=$?
elapsed=$(($(date +%s) - start))
summary=$(grep -E "tests passed, [0-9]+ tests failed out of" "$BUILD/test-hsm.log" | tail -1 || true)
failed=$(echo "$summary" | sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/p')
ran=$(echo "$summary" | sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p')
echo "test-hsm: $((${ran:-0} - ${failed:-0})) of ${ran:-0} passed with the intermediate's key on SoftHSM2" \
  "($count selected) in ${elapsed} s"
exit $rc
