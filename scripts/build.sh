#!/usr/bin/env bash
# Configures and builds Signet into ./build (ccache-accelerated when present).
# Arguments name targets (default: all). BUILD_DIR picks another directory,
# SIGNET_SANITIZE a sanitized build (address,undefined or thread), as
# scripts/test.sh does: BUILD_DIR=build-asan SIGNET_SANITIZE=address,undefined.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIGNET_SANITIZE="${SIGNET_SANITIZE:-}" >/dev/null
ninja -C "$BUILD_DIR" "$@"
