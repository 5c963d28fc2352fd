#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test
# (unit and integration) with CTest. Exits non-zero if any test fails.
#
# The tests run on the plain build (./build). Then signetd and signet-bench
# are built with ThreadSanitizer (./build-tsan) and signetd is raced under
# concurrent load (tests/integration/signetd_race_test.sh). Arguments go to
# the first CTest run; with arguments (a filtered run) the race test is
# skipped. SIGNET_TEST_ASAN=1 runs every test on an AddressSanitizer +
# UndefinedBehaviorSanitizer build (./build-asan) instead of the plain one;
# docs/sanitizers.md has the design, the times and why CI does not yet.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${SIGNET_TEST_ASAN:-}" = 1 ]; then
  TEST_BUILD=build-asan
  BUILD_DIR=build-asan SIGNET_SANITIZE=address,undefined scripts/build.sh
else
  TEST_BUILD=build
  scripts/build.sh
fi
rc=0
ctest --test-dir "$TEST_BUILD" --output-on-failure -j2 "$@" || rc=$?
if [ $# -eq 0 ]; then
  BUILD_DIR=build-tsan SIGNET_SANITIZE=thread scripts/build.sh signetd signet-bench http_server_test
  ctest --test-dir build-tsan --output-on-failure -L race || rc=$?
fi
exit $rc
