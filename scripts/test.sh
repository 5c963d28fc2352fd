#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test
# (unit and integration) with CTest. Exits non-zero if any test fails.
#
# The tests run on an AddressSanitizer + UndefinedBehaviorSanitizer build
# (./build-asan): a memory error, undefined behaviour or a leak in any test
# binary, or in a signetd, signet or signet-ctlog an integration test runs,
# fails that test. Then signetd, signet-bench and http_server_test are built with
# ThreadSanitizer (./build-tsan) and signetd is raced under concurrent load
# (tests/integration/signetd_race_test.sh). Arguments go to the first CTest
# run; with arguments (a filtered run) the race test is skipped.
# docs/sanitizers.md has the design and the times.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=build-asan SIGNET_SANITIZE=address,undefined scripts/build.sh
rc=0
ctest --test-dir build-asan --output-on-failure -j2 "$@" || rc=$?
if [ $# -eq 0 ]; then
  BUILD_DIR=build-tsan SIGNET_SANITIZE=thread scripts/build.sh signetd signet-bench http_server_test
  ctest --test-dir build-tsan --output-on-failure -L race || rc=$?
fi
exit $rc
