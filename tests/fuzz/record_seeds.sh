#!/usr/bin/env bash
# Seeds from real traffic: runs integration tests with SIGNET_FUZZ_RECORD_DIR
# set, so signetd and signet write the bytes each parser receives
# (base/fuzz_record.h) under DIR/TARGET/, then merges what they left into
# tests/fuzz/corpus/TARGET with the libFuzzer build (-merge=1 keeps only the
# inputs that add coverage, so the checked-in corpus stays small).
#
# Usage: tests/fuzz/record_seeds.sh SIGNETD SIGNET TEST...
#   TEST: an integration test's name (certbot_standalone, signet_ari, ...);
#   signet_* tests run against signetd. Ports from the environment as
#   lib.sh takes them (CA_PORT, DNS_PORT, HTTP01_PORT, TLSALPN01_PORT,
#   MGMT_PORT, ...). RECORD_DIR=DIR keeps the raw recordings (default: a
#   temporary directory, removed). SKIP_MERGE=1: record only.
# Needs the libFuzzer build of the targets (bench/fuzz_campaign.sh builds it
# in build-fuzz/).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SIGNETD=$(realpath "$1") SIGNET=$(realpath "$2")
shift 2
RECORD_DIR=${RECORD_DIR:-}
own_dir=""
if [ -z "$RECORD_DIR" ]; then
  RECORD_DIR=$(mktemp -d /tmp/signet-fuzz-record.XXXXXX)
  own_dir=$RECORD_DIR
fi
trap '[ -n "$own_dir" ] && rm -rf "$own_dir"' EXIT
export SIGNET_FUZZ_RECORD_DIR=$RECORD_DIR

for t in "$@"; do
  script=tests/integration/${t}_test.sh
  [ -f "$script" ] || { echo "no such test: $script" >&2; exit 2; }
  echo "== recording $t"
  if [[ $t == signet_* ]]; then
    bash "$script" signetd "$SIGNET" "$SIGNETD" >"$RECORD_DIR/$t.log" 2>&1 ||
      { echo "$t failed (log: $RECORD_DIR/$t.log)" >&2; own_dir=""; exit 1; }
  else
    bash "$script" "$SIGNETD" >"$RECORD_DIR/$t.log" 2>&1 ||
      { echo "$t failed (log: $RECORD_DIR/$t.log)" >&2; own_dir=""; exit 1; }
  fi
done

for d in "$RECORD_DIR"/*/; do
  target=$(basename "$d")
  echo "$target: $(find "$d" -type f ! -name '.*' | wc -l) inputs recorded"
done
[ -n "${SKIP_MERGE:-}" ] && { own_dir=""; echo "recorded in $RECORD_DIR"; exit 0; }

for d in "$RECORD_DIR"/*/; do
  target=$(basename "$d")
  bin=$ROOT/build-fuzz/tests/fuzz/$target
  seeds=$ROOT/tests/fuzz/corpus/$target
  [ -x "$bin" ] || { echo "$target: no libFuzzer build at $bin, skipped" >&2; continue; }
  mkdir -p "$seeds"
  merged=$(mktemp -d)
  "$bin" -merge=1 -timeout=25 "$merged" "$seeds" "$d" >"$RECORD_DIR/$target.merge.log" 2>&1
  known=$(cd "$seeds" && sha1sum -- * 2>/dev/null | cut -d' ' -f1)
  added=0
  for f in "$merged"/*; do
    [ -f "$f" ] || continue
    grep -qx "$(basename "$f")" <<<"$known" && continue
    cp "$f" "$seeds/recorded-$(basename "$f" | cut -c1-16)" && added=$((added + 1))
  done
  rm -rf "$merged"
  echo "$target: $added recorded inputs add coverage, copied into tests/fuzz/corpus/$target"
done
