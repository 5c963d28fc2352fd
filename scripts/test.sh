#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test
# (unit, component, fuzz replays and integration) with CTest. Exits non-zero
# if any test fails.
#
# The tests run on an AddressSanitizer + UndefinedBehaviorSanitizer build
# (./build-asan): a memory error, undefined behaviour or a leak fails the
# test, also one in a signetd, signet or signet-ctlog that an integration
# test ran. Then signetd and signet-bench are built with ThreadSanitizer
# (./build-tsan) and signetd is raced under concurrent load
# (tests/integration/signetd_race_test.sh). Arguments go to the first CTest
# run; with arguments (a filtered run) the race test is skipped.
# SIGNET_TEST_PLAIN=1 runs the tests on the plain optimised build (./build,
# as scripts/build.sh and scripts/demo.sh make it) instead. Why one
# sanitized test build and not a plain one beside it: docs/sanitizers.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${SIGNET_TEST_PLAIN:-}" = 1 ]; then
  TEST_BUILD=build
  scripts/build.sh
else
  TEST_BUILD=build-asan
  BUILD_DIR=build-asan SIGNET_SANITIZE=address,undefined scripts/build.sh
fi
rc=0
ctest --test-dir "$TEST_BUILD" --output-on-failure -j2 "$@" || rc=$?
if [ $# -eq 0 ]; then
  BUILD_DIR=build-tsan SIGNET_SANITIZE=thread scripts/build.sh signetd signet-bench http_server_test
  ctest --test-dir build-tsan --output-on-failure -L race || rc=$?
fi
exit $rc
