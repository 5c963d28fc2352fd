#!/usr/bin/env bash
# Multi-perspective validation (BR 3.2.2.9 as of 2026-12-15) with real
# processes: five remote perspectives (signetd remote-va), four declaring
# ARIN and one RIPE, each in its own network namespace (ip netns + veth,
# made here), each with its own DNS view (pebble-challtestsrv inside the
# namespace), answering the primary over mutual TLS. Cases: the primary
# refuses to start outside testing with 4 remotes, or with 5 that all
# declare one RIR, and starts with the 5; all agree; one hijacked view
# (quorum: 1 of 5 may disagree); two hijacked (refused by the quorum); the
# RIPE view hijacked (quorum met, but the 4 that agree are all in ARIN:
# refused); one remote killed (decided within the deadline). Only loopback
# and these namespaces' addresses are used.
# Usage: signetd_mpic_test.sh SIGNETD SIGNET
source "$(dirname "$0")/lib.sh"
SIGNETD=$1 SIGNET=$2
# The host-wide names (veths, their subnet) follow CA_PORT, so two runs on
# different ports do not collide: 10.214.x.x and sg214v* under the test contract.
NET=$((200 + (CA_PORT / 1000) % 50))
NS=()
netns_cleanup() {
  for n in "${NS[@]:-}"; do
    [ -n "$n" ] || continue
    ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  for i in 1 2 3 4 5; do ip link del "sg${NET}v$i" 2>/dev/null || true; done
}
# set +e: under -e, (exit $rc) of a failed run would end the trap before cleanup.
trap 'rc=$?; netns_cleanup; set +e; (exit $rc); cleanup' EXIT
command -v ip >/dev/null || fail "iproute2 (ip) is required"

# mTLS material: one test CA; a server certificate per remote, a client
# certificate for the primary.
M="$T/mtls"
mtls_ca "$M" "signet mpic test CA"
issue() { mtls_issue "$M" "$@"; }  # name san eku
issue primary "DNS:primary.va.test" clientAuth

start_dns
# Perspective N: namespace sg-pN, veth sgNETvN (10.NET.N.1) <-> sgNETvNp (10.NET.N.2);
# 1-4 in ARIN's region, 5 in RIPE's.
rir_of() { [ "$1" = 5 ] && echo RIPE || echo ARIN; }
for i in 1 2 3 4 5; do
  ns="sg-p$i-$$"
  NS+=("$ns")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "sg${NET}v$i" type veth peer name "sg${NET}v${i}p"
  ip link set "sg${NET}v${i}p" netns "$ns"
  ip addr add "10.$NET.$i.1/30" dev "sg${NET}v$i"
  ip link set "sg${NET}v$i" up
  ip -n "$ns" addr add "10.$NET.$i.2/30" dev "sg${NET}v${i}p"
  ip -n "$ns" link set "sg${NET}v${i}p" up
  issue "remote$i" "IP:10.$NET.$i.2" serverAuth
  # This perspective's own DNS view: every name -> the host's side of its veth.
  ip netns exec "$ns" pebble-challtestsrv -dns01 127.0.0.1:8053 -http01 "" -https01 "" \
    -tlsalpn01 "" -management 127.0.0.1:8055 -defaultIPv4 "10.$NET.$i.1" -defaultIPv6 "" \
    >"$T/dns$i.log" 2>&1 &
  PIDS+=($!)
  # A "hijacker" inside the namespace: answers 404 for everything.
  mkdir -p "$T/hijack"
  ip netns exec "$ns" python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 --directory "$T/hijack" \
    >"$T/hijack$i.log" 2>&1 &
  PIDS+=($!)
  sleep 0.3
  ip netns exec "$ns" "$SIGNETD" remote-va --listen "10.$NET.$i.2:15000" \
    --dns-resolver 127.0.0.1:8053 --http01-port "$HTTP01_PORT" --allow-loopback-validation \
    --tls-cert "$M/remote$i.pem" --tls-key "$M/remote$i.key" --client-ca "$M/ca.pem" \
    --rir "$(rir_of "$i")" >"$T/remote$i.log" 2>&1 &
  eval "REMOTE_PID_$i=$!"
  PIDS+=($!)
done
for i in 1 2 3 4 5; do wait_for_port "10.$NET.$i.2" 15000; done

MTLS=(--remote-va-ca "$M/ca.pem" --remote-va-cert "$M/primary.pem" --remote-va-key "$M/primary.key"
      --remote-va-timeout-ms 3000)
remotes() { for i in "$@"; do echo --remote-va "https://10.$NET.$i.2:15000"; done; }
# Outside testing (no --allow-loopback-validation) the deployment must meet
# BR 3.2.2.9: at least 5 remotes, declaring at least 2 RIRs.
PROD_PORT=$((CA_PORT + 100))  # 14100 under the test contract's ports
PROD=(serve --data-dir "$T/prod" --create-hierarchy --listen "127.0.0.1:$PROD_PORT"
      --http-listen "127.0.0.1:$((PROD_PORT + 80))"
      --dns-resolver "127.0.0.1:$DNS_PORT" "${MTLS[@]}")
production() {  # OUT remote-numbers...: signetd serve outside testing, expected to refuse
  local out=$1; shift
  timeout 20 "$SIGNETD" "${PROD[@]}" $(remotes "$@") >"$out" 2>&1
}
production "$T/prod4.log" 1 2 3 4 && fail "4 remotes outside testing must not start"
grep -q "needs at least 5 remote perspectives (--remote-va), 4 configured" "$T/prod4.log" \
  || { cat "$T/prod4.log"; fail "4 remotes: wrong refusal"; }
production "$T/prod-arin.log" 1 2 3 4 1 && fail "5 remotes all in ARIN must not start"
grep -q "needs remote perspectives in at least 2 regional internet registries; 5 of 5 remotes answered, declaring ARIN" \
  "$T/prod-arin.log" || { cat "$T/prod-arin.log"; fail "one RIR: wrong refusal"; }
"$SIGNETD" "${PROD[@]}" $(remotes 1 2 3 4 5) >"$T/prod5.log" 2>&1 &
PROD_PID=$!
PIDS+=($PROD_PID)
wait_for_port 127.0.0.1 "$PROD_PORT" || fail "5 remotes in 2 RIRs: the primary must start"
kill "$PROD_PID"; wait "$PROD_PID" 2>/dev/null || true
grep -q "remote perspective https://10.$NET.5.2:15000 declares RIR RIPE" "$T/prod5.log" \
  || { cat "$T/prod5.log"; fail "the start-up probe did not learn remote 5's RIR"; }
echo "ok: outside testing, 4 remotes or one RIR refused; 5 remotes in ARIN and RIPE start"

start_signetd "$SIGNETD" $(remotes 1 2 3 4 5) "${MTLS[@]}"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

hijack() {  # N on|off: point perspective N's DNS at its local hijacker, or back
  local ip="10.$NET.$1.1"
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
obtain one-hijacked.example.test || { cat "$T/one-hijacked.example.test.log"; fail "1 of 5 disagreeing: quorum must still issue"; }
echo "ok: one hijacked view -> still valid (1 of 5 may disagree)"

hijack 2 on
obtain two-hijacked.example.test && fail "2 of 5 disagreeing must refuse"
grep -q "2 of 5 remote perspectives disagreed (at most 1 may)" "$T/two-hijacked.example.test.log" \
  || { cat "$T/two-hijacked.example.test.log"; fail "refusal does not name the quorum"; }
grep -q "incorrectResponse: During multi-perspective validation" "$T/two-hijacked.example.test.log" \
  || { cat "$T/two-hijacked.example.test.log"; fail "refusal is not the remotes' incorrectResponse problem"; }
echo "ok: two hijacked views -> invalid, naming the quorum"

hijack 1 off
hijack 2 off
hijack 5 on
obtain ripe-hijacked.example.test && fail "only ARIN remotes agreeing must refuse"
grep -q "incorrectResponse: During multi-perspective validation: the 4 remote perspectives that agreed are in ARIN only, at least 2 regional internet registries must agree" \
  "$T/ripe-hijacked.example.test.log" \
  || { cat "$T/ripe-hijacked.example.test.log"; fail "refusal does not name the RIR rule"; }
echo "ok: the RIPE view hijacked -> invalid: the corroborating remotes must span 2 RIRs"

hijack 5 off
kill "$REMOTE_PID_1"
start=$(date +%s)
obtain one-down.example.test || { cat "$T/one-down.example.test.log"; fail "one remote down: 4 of 5 agree in 2 RIRs, must issue"; }
took=$(( $(date +%s) - start ))
[ "$took" -lt 20 ] || fail "one remote down took ${took}s: must be decided within the deadline"
echo "ok: one remote killed -> decided in ${took}s"
