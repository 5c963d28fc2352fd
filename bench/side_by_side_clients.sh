# Sourced by bench/ca_side_by_side.sh (PARTS=profiles,clients): the client
# profiles of signet-bench and the real ACME clients, against Pebble and
# signetd in one run, with the server's CPU per certificate.
#
# profiles: each signet-bench --profile in PROFILES, PROFILE_N orders at
#   PROFILE_C in flight, against Pebble and against signetd (the same
#   workload: the ratio); then against signetd a closed loop at MAX_C in
#   flight (its maximum orders/s) and RATE_N orders at --rate max/2, whose
#   p99 per request type is held against the 50 ms target. A Pebble run that
#   stalls (Pebble 2.4 deadlocks under concurrent load) is retried on a
#   fresh Pebble, up to 3 times.
# clients: each real client in CLIENTS (lego, uacme, certbot) and each
#   challenge in CLIENT_CHALLENGES (http-01 from a shared webroot served on
#   HTTP01_PORT; dns-01 through pebble-challtestsrv's management API, as
#   lego's exec provider does), CLIENT_N client processes, CLIENT_C at once,
#   each from an empty state directory getting one certificate (a new
#   account, an order, a challenge, finalize, download). The server's CPU
#   is /proc/PID/stat utime+stime before and after the batch; the TCP
#   connections it accepted (one TLS handshake each) are counted by
#   `perf stat` on the accept/accept4 system calls.
# Every result is a JSON file in $OUT/profiles and $OUT/clients; the load
# average is sampled every 10 s into $OUT/loadavg.txt.
# Needs (from ca_side_by_side.sh): lib.sh and agent_lib.sh sourced, start_dns
# done, BENCH, SIGNETD, OUT, PIDS, T, stop_pid, stalled.

PROFILES=${PROFILES:-keepalive keepalive-poll1s per-request dns01 dns01-caa fresh-account}
PROFILE_C=${PROFILE_C:-10} PROFILE_N=${PROFILE_N:-200}
MAX_C=${MAX_C:-50} RATE_N=${RATE_N:-300}
CLIENTS=${CLIENTS:-lego uacme certbot}
CLIENT_CHALLENGES=${CLIENT_CHALLENGES:-http-01 dns-01}
CLIENT_C=${CLIENT_C:-20} CLIENT_N=${CLIENT_N:-40}

loadavg_sampler() {  # background: "unix-time load1 load5 load15" every 10 s
  while :; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.txt"; sleep 10; done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# A profile with polling every second keeps orders in flight for ~2 s
# each; it gets more of them so it is not only measuring its own sleep.
profile_c() {  # profile base-concurrency
  case "$1" in *poll1s*) echo $(($2 * 4)) ;; *) echo "$2" ;; esac
}

profile_bench() {  # name pid profile [flags]: one signet-bench run into $OUT/profiles/NAME.json
  local name=$1 pid=$2 profile=$3; shift 3
  echo "=== $name"
  timeout $((MAX_RUN_S + 180)) "$BENCH" "$DIRECTORY" --ca-file "$TRUST" --profile "$profile" \
    --http01-port "$HTTP01_PORT" --dns-management "http://127.0.0.1:$MGMT_PORT" \
    --server-pid "$pid" -D "$MAX_RUN_S" --request-timeout-ms 20000 \
    --json "$OUT/profiles/$name.json" "$@" 2>"$T/bench-$name.log" \
    | grep -E '^(orders|server pid|client|errors|failed orders):' | sed 's/^/  /'
}

profiles_pebble() {
  local p c attempt
  PEBBLE_PID=  # a fresh Pebble (the throughput part's is stopped)
  for p in $PROFILES; do
    c=$(profile_c "$p" "$PROFILE_C")
    for attempt in 1 2 3; do
      if [ -z "${PEBBLE_PID:-}" ]; then
        PEBBLE_WFE_NONCEREJECT=0 start_pebble
        PEBBLE_PID=${PIDS[-1]}
      fi
      profile_bench "pebble.$p" "$PEBBLE_PID" "$p" -A 10 -C "$c" -N "$PROFILE_N"
      stalled "$OUT/profiles/pebble.$p.json" || break
      echo "  (Pebble stalled: attempt $attempt of 3; restarting it)"
      stop_pid "$PEBBLE_PID"; PEBBLE_PID=
    done
  done
  [ -z "${PEBBLE_PID:-}" ] || stop_pid "$PEBBLE_PID"
  PEBBLE_PID=
}

profiles_signetd() {
  local p c max rate_c
  for p in $PROFILES; do
    c=$(profile_c "$p" "$PROFILE_C")
    profile_bench "signetd.$p" "$SIGNETD_PID" "$p" -A 10 -C "$c" -N "$PROFILE_N"
    profile_bench "signetd_max.$p" "$SIGNETD_PID" "$p" -A 10 -C "$(profile_c "$p" "$MAX_C")" \
      -N "$RATE_N"
    max=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["orders_per_second"])' \
      "$OUT/profiles/signetd_max.$p.json")
    # In flight at half the rate: what the closed loop had, which is ample.
    rate_c=$(profile_c "$p" "$MAX_C")
    profile_bench "signetd_half.$p" "$SIGNETD_PID" "$p" -A 10 -C "$rate_c" -N "$RATE_N" \
      --rate "$(python3 -c "print('%.2f' % (float('$max') / 2))")"
  done
}

# --- real clients ---------------------------------------------------------

write_client_hooks() {  # the DNS and uacme hooks, once
  local mgmt="http://127.0.0.1:$MGMT_PORT"
  cat >"$T/lego-exec.sh" <<HOOK
#!/bin/sh
# lego exec provider: present|cleanup FQDN VALUE -> the mock DNS
case "\$1" in
  present) curl -sf -d "{\"host\":\"\$2\",\"value\":\"\$3\"}" $mgmt/set-txt ;;
  cleanup) curl -sf -d "{\"host\":\"\$2\"}" $mgmt/clear-txt ;;
esac
HOOK
  cat >"$T/certbot-auth.sh" <<HOOK
#!/bin/sh
curl -sf -d "{\"host\":\"_acme-challenge.\$CERTBOT_DOMAIN.\",\"value\":\"\$CERTBOT_VALIDATION\"}" $mgmt/set-txt
HOOK
  cat >"$T/certbot-cleanup.sh" <<HOOK
#!/bin/sh
curl -sf -d "{\"host\":\"_acme-challenge.\$CERTBOT_DOMAIN.\"}" $mgmt/clear-txt
HOOK
  # uacme: METHOD TYPE IDENT TOKEN AUTH; declines (exit 1) every challenge
  # type but \$WANT. For dns-01, AUTH is already the TXT value.
  cat >"$T/uacme-hook.sh" <<HOOK
#!/bin/sh
[ "\$2" = "\$WANT" ] || exit 1
dir="$T/www/.well-known/acme-challenge"
case "\$2:\$1" in
  http-01:begin) mkdir -p "\$dir" && printf '%s' "\$5" > "\$dir/\$4" ;;
  http-01:*) rm -f "\$dir/\$4" ;;
  dns-01:begin) curl -sf -d "{\"host\":\"_acme-challenge.\$3.\",\"value\":\"\$5\"}" $mgmt/set-txt ;;
  dns-01:*) curl -sf -d "{\"host\":\"_acme-challenge.\$3.\"}" $mgmt/clear-txt ;;
esac
HOOK
  chmod +x "$T"/lego-exec.sh "$T"/certbot-*.sh "$T"/uacme-hook.sh
}

# One client process (or two for uacme: new account, then issue), one
# certificate for NAME, state in DIR. Succeeds iff the certificate is there.
one_lego() {  # challenge name dir
  local solver=(--http --http.webroot "$T/www")
  [ "$1" = dns-01 ] && solver=(--dns exec --dns.resolvers "127.0.0.1:$DNS_PORT" --dns.disable-cp)
  EXEC_PATH="$T/lego-exec.sh" EXEC_POLLING_INTERVAL=1 EXEC_PROPAGATION_TIMEOUT=20 \
    LEGO_CA_CERTIFICATES="$TRUST" lego --server "$DIRECTORY" --accept-tos \
    --email bench@example.com --path "$3" --domains "$2" "${solver[@]}" run >"$3.log" 2>&1
  [ -s "$3/certificates/$2.crt" ]
}
one_certbot() {
  local solver=(--webroot -w "$T/www")
  [ "$1" = dns-01 ] && solver=(--manual --preferred-challenges dns
    --manual-auth-hook "$T/certbot-auth.sh" --manual-cleanup-hook "$T/certbot-cleanup.sh")
  REQUESTS_CA_BUNDLE="$TRUST" certbot certonly "${solver[@]}" -n --agree-tos \
    -m bench@example.com --server "$DIRECTORY" -d "$2" --config-dir "$3/c" --work-dir "$3/w" \
    --logs-dir "$3/l" >"$3.log" 2>&1
  [ -s "$3/c/live/$2/fullchain.pem" ]
}
one_uacme() {  # uacme trusts only the system store: ours, in a private mount namespace
  WANT=$1 unshare -m sh -c "mount --bind '$T/bundle.crt' /etc/ssl/certs/ca-certificates.crt && \
    uacme -y -c '$3' -a '$DIRECTORY' new bench@example.com && \
    uacme -y -c '$3' -a '$DIRECTORY' -h '$T/uacme-hook.sh' -t EC issue '$2'" >"$3.log" 2>&1
  [ -s "$3/$2/cert.pem" ]
}

client_batch() {  # ca pid client challenge: CLIENT_N processes, CLIENT_C at once
  local ca=$1 pid=$2 client=$3 ch=$4 name="$1.$3.$4"
  local dir="$T/clients/$name" i running=0 ok=0 perf cpu0 cpu1 t0 t1 accepts
  mkdir -p "$dir"
  echo "=== $name: $CLIENT_N certificates, $CLIENT_C at once"
  command -v perf >/dev/null || { echo "needs perf (scripts/install-deps.sh)"; exit 1; }
  perf stat -x, -e syscalls:sys_exit_accept4 --filter 'ret >= 0' \
    -e syscalls:sys_exit_accept --filter 'ret >= 0' -p "$pid" -o "$dir/accepts.csv" &
  perf=$!
  sleep 0.5
  cpu0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  for i in $(seq "$CLIENT_N"); do
    timeout 300 bash -c '"one_$0" "$@"' "$client" "$ch" "$client$i-$ch-$RUN_TAG.$ca.bench.test" \
      "$dir/$i" &
    running=$((running + 1))
    if [ "$running" -ge "$CLIENT_C" ]; then wait -n || true; running=$((running - 1)); fi
  done
  while [ "$running" -gt 0 ]; do wait -n || true; running=$((running - 1)); done
  t1=$(date +%s.%N); cpu1=$(cpu_ticks "$pid")
  kill -INT "$perf"; wait "$perf" 2>/dev/null || true
  accepts=$(awk -F, '/sys_exit_accept/ {n += $1} END {print n + 0}' "$dir/accepts.csv")
  for i in $(seq "$CLIENT_N"); do
    case $client in
      lego) [ -s "$dir/$i/certificates/$client$i-$ch-$RUN_TAG.$ca.bench.test.crt" ] ;;
      certbot) [ -s "$dir/$i/c/live/$client$i-$ch-$RUN_TAG.$ca.bench.test/fullchain.pem" ] ;;
      uacme) [ -s "$dir/$i/$client$i-$ch-$RUN_TAG.$ca.bench.test/cert.pem" ] ;;
    esac && ok=$((ok + 1))
  done
  [ "$ok" -gt 0 ] || { echo "  none succeeded; the last log:"; tail -n 5 "$dir/$CLIENT_N.log"; }
  python3 - "$OUT/clients/$name.json" "$ca" "$client" "$ch" "$CLIENT_C" "$CLIENT_N" "$ok" \
    "$cpu0" "$cpu1" "$(getconf CLK_TCK)" "$t0" "$t1" "$accepts" <<'PY'
import json, sys
out, ca, client, ch, c, n, ok, cpu0, cpu1, hz, t0, t1, acc = sys.argv[1:]
cpu = (int(cpu1) - int(cpu0)) / int(hz)
r = {"ca": ca, "client": client, "challenge": ch, "concurrency": int(c), "tried": int(n),
     "certificates": int(ok), "server_cpu_seconds": cpu, "wall_seconds": float(t1) - float(t0),
     "accepted_connections": int(acc)}
json.dump(r, open(out, "w"))
per = 1000 * cpu / max(int(ok), 1)
print("  %s/%s certificates in %.1f s; server CPU %.2f s = %.2f ms/cert; %.1f connections/cert"
      % (ok, n, r["wall_seconds"], cpu, per, int(acc) / max(int(ok), 1)))
PY
}

clients_against() {  # ca pid
  local client ch www
  write_client_hooks
  export T TRUST DIRECTORY DNS_PORT
  export -f one_lego one_certbot one_uacme
  mkdir -p "$T/www"
  python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 --directory "$T/www" \
    >"$T/webroot.log" 2>&1 &
  www=$!; PIDS+=("$www")
  wait_for_port 127.0.0.1 "$HTTP01_PORT"
  cp "$TRUST" "$T/bundle.crt"
  for client in $CLIENTS; do
    for ch in $CLIENT_CHALLENGES; do client_batch "$1" "$2" "$client" "$ch"; done
  done
  stop_pid "$www"
}

clients_pebble() {
  PEBBLE_WFE_NONCEREJECT=0 start_pebble
  PEBBLE_PID=${PIDS[-1]}
  clients_against pebble "$PEBBLE_PID"
  stop_pid "$PEBBLE_PID"; PEBBLE_PID=
}

clients_signetd() { clients_against signetd "$SIGNETD_PID"; }
