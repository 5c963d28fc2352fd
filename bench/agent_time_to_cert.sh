#!/usr/bin/env bash
# Time-to-certificate of ACME agents, side by side in one run against the
# same Pebble (PEBBLE_VA_NOSLEEP=1) on loopback: signet, certbot, lego, uacme.
# Each run starts from an empty state directory (new account + order +
# HTTP-01 + finalize + download), so every agent does the same work.
# Prints per-agent median/min wall time and signet's ratio to each.
# Usage: bench/agent_time_to_cert.sh [RUNS]   (default 7; builds signet first)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
scripts/install-deps.sh >/dev/null
scripts/build.sh >/dev/null
SIGNET="$PWD/build/apps/signet/signet"

CA_PORT=14000 DNS_PORT=8053 HTTP01_PORT=5002 MGMT_PORT=8055
source tests/integration/lib.sh
source tests/integration/agent_lib.sh
trap - EXIT
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
start_dns
# No injected badNonce here: certbot 2.1 sometimes crashes on its retry path
# ("AttributeError: can't set attribute"), which would measure a bug, not speed.
PEBBLE_WFE_NONCEREJECT=0 start_pebble
export REQUESTS_CA_BUNDLE="$TRUST" LEGO_CA_CERTIFICATES="$TRUST"
cp "$TRUST" "$T/bundle.crt"

now() { date +%s.%N; }
run_signet() {
  "$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    -n --agree-tos -m bench@example.com --server "$DIRECTORY" -d "$1" \
    --config-dir "$2/c" --work-dir "$2/w" --logs-dir "$2/l" -q
}
run_certbot() {
  certbot certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    -n --agree-tos -m bench@example.com --server "$DIRECTORY" -d "$1" \
    --config-dir "$2/c" --work-dir "$2/w" --logs-dir "$2/l" -q
}
run_lego() {
  lego --server "$DIRECTORY" --accept-tos --email bench@example.com --path "$2" \
    --domains "$1" --http --http.port "127.0.0.1:$HTTP01_PORT" run >/dev/null 2>&1
}
run_uacme() {
  cat >"$2.hook" <<HOOK
#!/bin/sh
[ "\$2" = http-01 ] || exit 1
case "\$1" in begin) mkdir -p "$T/www/.well-known/acme-challenge" && printf '%s' "\$5" > "$T/www/.well-known/acme-challenge/\$4";; esac
HOOK
  chmod +x "$2.hook"
  unshare -m sh -c "mount --bind '$T/bundle.crt' /etc/ssl/certs/ca-certificates.crt && \
    uacme -y -c '$2' -a '$DIRECTORY' new bench@example.com && \
    uacme -y -c '$2' -a '$DIRECTORY' -h '$2.hook' -t EC issue '$1'" >/dev/null 2>&1
}

declare -A times
uacme_server=""
for agent in signet certbot lego uacme; do
  if [ "$agent" = uacme ]; then
    python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 --directory "$T/www" >/dev/null 2>&1 &
    uacme_server=$!; PIDS+=($uacme_server); mkdir -p "$T/www"; wait_for_port 127.0.0.1 "$HTTP01_PORT"
  fi
  list=""
  for i in $(seq "$RUNS"); do
    dir="$T/$agent-$i"; mkdir -p "$dir"
    t0=$(now)
    "run_$agent" "$agent-$i.bench.test" "$dir" || fail "$agent run $i failed"
    t1=$(now)
    list+="$(echo "$t1 - $t0" | bc -l) "
  done
  times[$agent]=$list
done

stat() {  # "median min" of the numbers in $1
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f %.3f", m, a[1] }'
}
echo
echo "Time to certificate against Pebble (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0), $RUNS runs each, $(date -u +%F), $(nproc) cores"
printf '%-8s %10s %10s %14s\n' agent median_s min_s signet/agent
read -r sm _ <<<"$(stat "${times[signet]}")"
fastest=""
for agent in signet certbot lego uacme; do
  read -r med min <<<"$(stat "${times[$agent]}")"
  ratio=$(echo "$sm / $med" | bc -l)
  printf '%-8s %10.3f %10.3f %14.3f\n' "$agent" "$med" "$min" "$ratio"
  if [ "$agent" != signet ] && { [ -z "$fastest" ] || (( $(echo "$med < $fastest" | bc -l) )); }; then
    fastest=$med; fastest_agent=$agent
  fi
done
printf 'signet / fastest other (%s): %.3f (target <= 0.5)\n' "$fastest_agent" "$(echo "$sm / $fastest" | bc -l)"
