#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test
# (unit and integration) with CTest. Exits non-zero if any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 "$@"
