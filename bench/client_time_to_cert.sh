#!/usr/bin/env bash
# Time to certificate of the ACME clients people run (lego, uacme, certbot)
# against Pebble and signetd, side by side in one run on loopback: each run
# starts from an empty state directory (new account, order, HTTP-01,
# finalize, download). Both CAs run at once and the runs alternate
# (Pebble, signetd, Pebble, ...), so a drift in the machine's load or in the
# client's start-up (certbot's Python imports vary by ~0.1 s) hits both
# alike. Prints the median of RUNS per client and CA and the ratio
# signetd / Pebble (target: <= 1).
# ONE_CERT_LISTENER=1 gives signetd's HTTPS listener what Pebble's has: a
# certificate issued directly by a throwaway listener CA the clients trust,
# one certificate in the handshake. By default signetd's listener sends its
# leaf and the Signet intermediate, and a client verifies both on every new
# connection (OpenSSL 3.0: ~0.5 ms more per handshake; uacme opens ~16).
# Usage: bench/client_time_to_cert.sh [RUNS]   (default 3; SKIP_BUILD=1 to
#        use build/ as it is; CLIENTS="lego uacme certbot")
# Ports: CA_PORT DNS_PORT HTTP01_PORT MGMT_PORT PEBBLE_MGMT_PORT (lib.sh's).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
CLIENTS=${CLIENTS:-lego uacme certbot}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build signetd >/dev/null
fi
SIGNETD=${SIGNETD:-$PWD/build/apps/signetd/signetd}
source tests/integration/lib.sh
source tests/integration/agent_lib.sh
trap - EXIT
trap 'for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$T"' EXIT

now() { date +%s.%N; }
run_certbot() {
  REQUESTS_CA_BUNDLE="$TRUST" certbot certonly --standalone --http-01-port "$HTTP01_PORT" \
    --http-01-address 127.0.0.1 -n --agree-tos -m bench@example.com --server "$DIRECTORY" \
    -d "$1" --config-dir "$2/c" --work-dir "$2/w" --logs-dir "$2/l" -q
}
run_lego() {
  LEGO_CA_CERTIFICATES="$TRUST" lego --server "$DIRECTORY" --accept-tos --email bench@example.com \
    --path "$2" --domains "$1" --http --http.port "127.0.0.1:$HTTP01_PORT" run >"$2.log" 2>&1
}
run_uacme() {  # HTTP-01 from a webroot served by python3's http.server
  cat >"$2.hook" <<HOOK
#!/bin/sh
[ "\$2" = http-01 ] || exit 1
case "\$1" in begin) mkdir -p "$T/www/.well-known/acme-challenge" && printf '%s' "\$5" > "$T/www/.well-known/acme-challenge/\$4";; esac
HOOK
  chmod +x "$2.hook"
  cp "$TRUST" "$T/bundle.crt"
  unshare -m sh -c "mount --bind '$T/bundle.crt' /etc/ssl/certs/ca-certificates.crt && \
    uacme -y -c '$2' -a '$DIRECTORY' new bench@example.com && \
    uacme -y -c '$2' -a '$DIRECTORY' -h '$2.hook' -t EC issue '$1'" >"$2.log" 2>&1
}

declare -A times dirs trusts
time_clients() {  # client: RUNS runs against each CA, alternating
  local client=$1 www=""
  if [ "$client" = uacme ]; then
    mkdir -p "$T/www"
    python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 --directory "$T/www" >/dev/null 2>&1 &
    www=$!; PIDS+=($www); wait_for_port 127.0.0.1 "$HTTP01_PORT"
  fi
  times[pebble.$client]="" times[signetd.$client]=""
  for i in $(seq "$RUNS"); do
    for ca in pebble signetd; do
      DIRECTORY=${dirs[$ca]} TRUST=${trusts[$ca]}
      local dir="$T/$ca-$client-$i"; mkdir -p "$dir"
      local t0 t1; t0=$(now)
      "run_$client" "$client-$i.$ca.bench.test" "$dir" || fail "$client against $ca, run $i"
      t1=$(now)
      times[$ca.$client]+="$(echo "$t1 - $t0" | bc -l) "
    done
  done
  [ -z "$www" ] || { kill "$www"; wait "$www" 2>/dev/null || true; }
}
median() {
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {
    printf "%.3f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2 }'
}

start_dns
PEBBLE_WFE_NONCEREJECT=0 start_pebble
dirs[pebble]=$DIRECTORY trusts[pebble]=$TRUST
listener_flags=()
if [ "${ONE_CERT_LISTENER:-0}" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=bench listener CA" -keyout "$T/lca.key" -out "$T/lca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$T/listener.key" -out "$T/listener.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$T/ext.cnf"
  openssl x509 -req -in "$T/listener.csr" -CA "$T/lca.pem" -CAkey "$T/lca.key" -CAcreateserial \
    -days 2 -extfile "$T/ext.cnf" -out "$T/listener.pem" 2>/dev/null
  chmod 600 "$T/listener.key"
  listener_flags=(--tls-cert "$T/listener.pem" --tls-key "$T/listener.key")
fi
CA_PORT=$((CA_PORT + 20)) start_signetd_ca "$SIGNETD" "${listener_flags[@]}"
dirs[signetd]=$DIRECTORY trusts[signetd]=$TRUST
[ "${ONE_CERT_LISTENER:-0}" != 1 ] || trusts[signetd]=$T/lca.pem
for c in $CLIENTS; do time_clients "$c"; done

echo "Time to certificate (HTTP-01, loopback), median of $RUNS, $(date -u +%F), $(nproc) cores," \
  "signetd's listener chain: $([ "${ONE_CERT_LISTENER:-0}" = 1 ] && echo "one certificate, as Pebble's" || echo "leaf + intermediate")"
printf '%-8s %10s %10s %16s   %s\n' client pebble_s signetd_s signetd/pebble "runs (pebble | signetd)"
for c in $CLIENTS; do
  p=$(median "${times[pebble.$c]}"); s=$(median "${times[signetd.$c]}")
  printf '%-8s %10.3f %10.3f %16.2f   %s| %s\n' "$c" "$p" "$s" "$(echo "$s / $p" | bc -l)" \
    "${times[pebble.$c]}" "${times[signetd.$c]}"
done
