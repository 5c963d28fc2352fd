#!/usr/bin/env bash
# Prints a fuzz target's own libFuzzer flags, one a line: its dictionary
# (tests/fuzz/dict/TARGET.dict) and the flags in tests/fuzz/TARGET.options
# (one a line, # comments; nginx_conf_fuzz: -max_len). Both libFuzzer
# runners use it: bench/fuzz_campaign.sh and tests/fuzz/run_libfuzzer.sh.
# Usage: tests/fuzz/target_flags.sh TARGET
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
t=${1:?usage: target_flags.sh TARGET}
if [ -f "$dir/dict/$t.dict" ]; then echo "-dict=$dir/dict/$t.dict"; fi
if [ -f "$dir/$t.options" ]; then
  sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$dir/$t.options" | grep -v '^$' || true
fi
