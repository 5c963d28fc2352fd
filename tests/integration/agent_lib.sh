# Helpers for the agent's integration tests: a CA to talk to (Pebble, the
# reference CA from Debian, or signetd), both on loopback with
# pebble-challtestsrv as DNS (every name -> 127.0.0.1). Source lib.sh first.

PEBBLE_MGMT_PORT=${PEBBLE_MGMT_PORT:-15000}

# Pebble needs a certificate for its listener; Debian ships none, so make a
# throwaway CA and leaf for 127.0.0.1. PEBBLE_EAB_KEYS (a JSON object kid ->
# base64url MAC key), when set, makes Pebble require external account binding.
start_pebble() {
  local d="$T/pebble"
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
    -out "$d/ca.pem" -days 2 -subj "/CN=pebble test listener CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/key.pem" \
    -out "$d/req.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/req.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/cert.pem" -days 2 -extfile "$d/ext.cnf" 2>/dev/null
  local eab=false
  [ -z "${PEBBLE_EAB_KEYS:-}" ] || eab="true, \"externalAccountMACKeys\": $PEBBLE_EAB_KEYS"
  cat >"$d/config.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$CA_PORT",
  "managementListenAddress": "127.0.0.1:$PEBBLE_MGMT_PORT",
  "certificate": "$d/cert.pem", "privateKey": "$d/key.pem",
  "httpPort": $HTTP01_PORT, "tlsPort": $TLSALPN01_PORT, "ocspResponderURL": "",
  "externalAccountBindingRequired": $eab}}
JSON
  # Pebble's default 5% badNonce injection stays ON unless the caller sets
  # PEBBLE_WFE_NONCEREJECT (benchmarks): clients must retry.
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=${PEBBLE_WFE_NONCEREJECT:-5} pebble -config "$d/config.json" -dnsserver "127.0.0.1:$DNS_PORT" \
    >"$T/pebble.log" 2>&1 &
  PIDS+=($!)
  wait_for_port 127.0.0.1 "$CA_PORT"
  wait_for_port 127.0.0.1 "$PEBBLE_MGMT_PORT"
  DIRECTORY="https://127.0.0.1:$CA_PORT/dir"
  TRUST="$d/ca.pem"
  # Issued chains lead to Pebble's (random, per run) root.
  curl -sf --cacert "$d/ca.pem" "https://127.0.0.1:$PEBBLE_MGMT_PORT/roots/0" >"$T/issuer-root.pem" \
    || fail "cannot fetch Pebble's root"
  ISSUER_ROOT="$T/issuer-root.pem"
}

# signetd per the test contract; its listener and its chains share DIR/root.pem.
start_signetd_ca() {
  start_signetd "$@"
  DIRECTORY="https://127.0.0.1:$CA_PORT/directory"
  TRUST="$DATA/root.pem"
  ISSUER_ROOT="$DATA/root.pem"
}

# start_agent_ca pebble|signetd SIGNETD_BINARY [SIGNETD_FLAGS...]
start_agent_ca() {
  start_dns
  case "$1" in
    pebble) start_pebble ;;
    signetd) start_signetd_ca "${@:2}" ;;
    *) fail "unknown CA $1" ;;
  esac
  export REQUESTS_CA_BUNDLE="$TRUST"
}

# verify_lineage CONFIG_DIR NAME DOMAIN...: certbot's live/ layout, relative
# symlinks into archive/, modes, and a chain that verifies with the SANs.
verify_lineage() {
  local cfg=$1 name=$2; shift 2
  local live="$cfg/live/$name"
  for f in cert chain fullchain privkey; do
    [ -L "$live/$f.pem" ] || fail "$live/$f.pem is not a symlink"
    case "$(readlink "$live/$f.pem")" in
      ../../archive/"$name"/"$f"[0-9]*.pem) ;;
      *) fail "$live/$f.pem -> $(readlink "$live/$f.pem") is not certbot's relative link" ;;
    esac
  done
  [ -f "$live/README" ] || fail "no $live/README"
  [ -f "$cfg/renewal/$name.conf" ] || fail "no renewal/$name.conf"
  [ "$(stat -c %a "$cfg/live")" = 700 ] || fail "live/ is not 0700"
  [ "$(stat -c %a "$cfg/archive")" = 700 ] || fail "archive/ is not 0700"
  [ "$(stat -L -c %a "$live/privkey.pem")" = 600 ] || fail "privkey is not 0600"
  openssl verify -CAfile "$ISSUER_ROOT" -untrusted "$live/chain.pem" "$live/cert.pem" >/dev/null \
    || fail "chain of $name does not verify"
  cmp -s <(cat "$live/cert.pem" "$live/chain.pem") "$live/fullchain.pem" \
    || fail "fullchain.pem is not cert.pem + chain.pem"
  local want got
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  got=$(openssl x509 -in "$live/cert.pem" -noout -ext subjectAltName | tail -n +2 | tr ',' '\n' \
        | sed -e 's/^ *DNS://' -e 's/ //g' | grep -v '^$' | sort | tr '\n' ' ')
  [ "$want" = "$got" ] || fail "SANs of $name: want '$want' got '$got'"
  # The key in privkey.pem is the certificate's key.
  [ "$(openssl x509 -in "$live/cert.pem" -noout -pubkey | openssl sha256)" = \
    "$(openssl pkey -in "$live/privkey.pem" -pubout | openssl sha256)" ] \
    || fail "privkey.pem does not match cert.pem"
  echo "ok: lineage $name ($*)"
}

serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
