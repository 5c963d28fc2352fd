#!/usr/bin/env bash
# Multi-perspective validation (BR 3.2.2.9) with real processes: three
# remote perspectives (signetd remote-va) each in its own network namespace
# (ip netns + veth, made here), each with its own DNS view
# (pebble-challtestsrv inside the namespace), answering the primary over
# mutual TLS. Cases: all agree; one hijacked view (quorum: 1 of 3 may
# disagree); two hijacked (refused); one remote killed (decided within the
# deadline). Only loopback and these namespaces' addresses are used.
# Usage: signetd_mpic_test.sh SIGNETD SIGNET
source "$(dirname "$0")/lib.sh"
SIGNETD=$1 SIGNET=$2
NS=()
netns_cleanup() {
  for n in "${NS[@]:-}"; do
    [ -n "$n" ] || continue
    ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  for i in 1 2 3; do ip link del "sgv$i" 2>/dev/null || true; done
}
trap 'rc=$?; netns_cleanup; (exit $rc); cleanup' EXIT
command -v ip >/dev/null || fail "iproute2 (ip) is required"

# mTLS material: one test CA; a server certificate per remote, a client
# certificate for the primary.
M="$T/mtls"; mkdir -p "$M"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$M/ca.key" \
  -out "$M/ca.pem" -days 2 -subj "/CN=signet mpic test CA" 2>/dev/null
issue() {  # name san eku
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$M/$1.key" \
    -out "$M/$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$2" "$3" >"$M/$1.ext"
  openssl x509 -req -in "$M/$1.csr" -CA "$M/ca.pem" -CAkey "$M/ca.key" -CAcreateserial \
    -out "$M/$1.pem" -days 2 -extfile "$M/$1.ext" 2>/dev/null
}
issue primary "DNS:primary.va.test" clientAuth

start_dns
# Perspective N: namespace sg-pN, veth sgvN (10.231.N.1) <-> sgvNp (10.231.N.2).
for i in 1 2 3; do
  ns="sg-p$i-$$"
  NS+=("$ns")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "sgv$i" type veth peer name "sgv${i}p"
  ip link set "sgv${i}p" netns "$ns"
  ip addr add "10.231.$i.1/30" dev "sgv$i"
  ip link set "sgv$i" up
  ip -n "$ns" addr add "10.231.$i.2/30" dev "sgv${i}p"
  ip -n "$ns" link set "sgv${i}p" up
  issue "remote$i" "IP:10.231.$i.2" serverAuth
  # This perspective's own DNS view: every name -> the host's side of its veth.
  ip netns exec "$ns" pebble-challtestsrv -dns01 127.0.0.1:8053 -http01 "" -https01 "" \
    -tlsalpn01 "" -management 127.0.0.1:8055 -defaultIPv4 "10.231.$i.1" -defaultIPv6 "" \
    >"$T/dns$i.log" 2>&1 &
  PIDS+=($!)
  # A "hijacker" inside the namespace: answers 404 for everything.
  mkdir -p "$T/hijack"
  ip netns exec "$ns" python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 --directory "$T/hijack" \
    >"$T/hijack$i.log" 2>&1 &
  PIDS+=($!)
  sleep 0.3
  ip netns exec "$ns" "$SIGNETD" remote-va --listen "10.231.$i.2:15000" \
    --dns-resolver 127.0.0.1:8053 --http01-port "$HTTP01_PORT" --allow-loopback-validation \
    --tls-cert "$M/remote$i.pem" --tls-key "$M/remote$i.key" --client-ca "$M/ca.pem" \
    >"$T/remote$i.log" 2>&1 &
  eval "REMOTE_PID_$i=$!"
  PIDS+=($!)
done
for i in 1 2 3; do wait_for_port "10.231.$i.2" 15000; done

start_signetd "$SIGNETD" --remote-va https://10.231.1.2:15000 --remote-va https://10.231.2.2:15000 \
  --remote-va https://10.231.3.2:15000 --remote-va-ca "$M/ca.pem" --remote-va-cert "$M/primary.pem" \
  --remote-va-key "$M/primary.key" --remote-va-timeout-ms 3000
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

hijack() {  # N on|off: point perspective N's DNS at its local hijacker, or back
  local ip="10.231.$1.1"
  [ "$2" = on ] && ip=127.0.0.1
  ip netns exec "sg-p$1-$$" curl -sf -X POST -d "{\"ip\":\"$ip\"}" \
    http://127.0.0.1:8055/set-default-ipv4 >/dev/null || fail "cannot change perspective $1's DNS"
}
obtain() {  # NAME -> exit status of signet certonly
  "$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 0.0.0.0 \
    -n --agree-tos -m ops@example.com --server "$DIRECTORY" -d "$1" \
    --config-dir "$T/le" --work-dir "$T/w" --logs-dir "$T/l" >"$T/$1.log" 2>&1
}

obtain all-agree.example.test || { cat "$T/all-agree.example.test.log"; fail "all perspectives agree: must issue"; }
echo "ok: all agree -> valid"

hijack 1 on
obtain one-hijacked.example.test || { cat "$T/one-hijacked.example.test.log"; fail "1 of 3 disagreeing: quorum must still issue"; }
echo "ok: one hijacked view -> still valid (1 of 3 may disagree)"

hijack 2 on
obtain two-hijacked.example.test && fail "2 of 3 disagreeing must refuse"
grep -q "2 of 3 remote perspectives disagreed" "$T/two-hijacked.example.test.log" \
  || { cat "$T/two-hijacked.example.test.log"; fail "refusal does not name the quorum"; }
echo "ok: two hijacked views -> invalid, naming the quorum"

hijack 1 off
hijack 2 off
kill "$REMOTE_PID_3"
start=$(date +%s)
obtain one-down.example.test || { cat "$T/one-down.example.test.log"; fail "one remote down: 2 of 3 agree, must issue"; }
took=$(( $(date +%s) - start ))
[ "$took" -lt 20 ] || fail "one remote down took ${took}s: must be decided within the deadline"
echo "ok: one remote killed -> decided in ${took}s"
