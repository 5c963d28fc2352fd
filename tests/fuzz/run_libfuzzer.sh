#!/usr/bin/env bash
# Coverage-guided fuzzing by hand: builds the fuzz targets with clang,
# libFuzzer, ASan and UBSan into build-fuzz/ and runs each for SECONDS
# (default 60) over a copy of its seed corpus. Crashes land in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSIGNET_LIBFUZZER=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=(jws_fuzz csr_fuzz ocsp_request_fuzz acme_response_fuzz dns_rdata_fuzz redirect_url_fuzz configobj_fuzz nginx_conf_fuzz)
ninja -C build-fuzz "${targets[@]}"
for t in "${targets[@]}"; do
  work="build-fuzz/corpus-$t"
  mkdir -p "$work" && cp -n tests/fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
  echo "== $t ($SECONDS_EACH s)"
  (cd build-fuzz && "./tests/fuzz/$t" -max_total_time="$SECONDS_EACH" "corpus-$t")
done
