# Shared helpers for the integration tests: start pebble-challtestsrv (mock
# DNS answering 127.0.0.1 for every name) and signetd on loopback, per the
# test contract in README.md, and clean up on exit.
# Usage: source lib.sh; start_ca SIGNETD_BINARY
set -euo pipefail

T=$(mktemp -d /tmp/signet-it.XXXXXX)
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  sanitizer_reports || rc=1
  if [ $rc -ne 0 ]; then
    echo "--- test failed (rc=$rc); logs from $T:"
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 40 "$f"; }; done
  fi
  rm -rf "$T"
  exit $rc
}
trap cleanup EXIT

# In a sanitized build (SIGNET_SANITIZE) a finding aborts the process and is
# written to its stderr, which the tests send to $T/*.log. A signetd that
# died that way, or reported a leak at exit after every check passed, fails
# the test here (at teardown, after every process has exited).
SANITIZER_REPORT='ERROR: (Address|Leak)Sanitizer|runtime error: |WARNING: ThreadSanitizer|ThreadSanitizer: reported'
sanitizer_reports() {
  local files
  files=$(grep -rlIE "$SANITIZER_REPORT" "$T" 2>/dev/null) || return 0
  for f in $files; do
    echo "--- sanitizer report in $f:"
    grep -m1 -A60 -E "$SANITIZER_REPORT" "$f"
  done
  return 1
}

# The sanitizer BINARY was built with (asan or tsan; empty for none), for the
# few bounds on memory a sanitized signetd cannot meet (ASan's redzones and
# its 256 MB quarantine).
sanitizer_of() {
  ldd "$1" 2>/dev/null | grep -o -E 'lib(asan|tsan)' | head -1 | sed 's/^lib//'
}

CA_PORT=${CA_PORT:-14000}
DNS_PORT=${DNS_PORT:-8053}
HTTP01_PORT=${HTTP01_PORT:-5002}
TLSALPN01_PORT=${TLSALPN01_PORT:-5001}
MGMT_PORT=${MGMT_PORT:-8055}
DATA="$T/ca"
DIRECTORY="https://127.0.0.1:$CA_PORT/directory"

fail() { echo "FAIL: $*" >&2; exit 1; }

wait_for_port() {  # host port [tries]
  local tries=${3:-100}
  for _ in $(seq "$tries"); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "nothing listening on $1:$2"
}

start_dns() {
  pebble-challtestsrv -dns01 "127.0.0.1:$DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
    -management "127.0.0.1:$MGMT_PORT" -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
    >"$T/challtestsrv.log" 2>&1 &
  PIDS+=($!)
  wait_for_port 127.0.0.1 "$MGMT_PORT"
}

# SIGNETD_HSM=1: the intermediate's key lives on a SoftHSM2 token made in
# $T/hsm (the first start certifies it), passed as --signer pkcs11:...
HSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
hsm_setup() {
  [ -n "${HSM_ARGS+set}" ] && return 0
  mkdir -p "$T/hsm/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$T/hsm/tokens" >"$T/hsm/softhsm2.conf"
  export SOFTHSM2_CONF="$T/hsm/softhsm2.conf" SIGNETD_SIGNER_PIN=1234
  softhsm2-util --init-token --free --label signet-it --so-pin 5678 --pin 1234 >/dev/null \
    || fail "softhsm2-util --init-token"
  pkcs11-tool --module "$HSM_MODULE" --token-label signet-it --login --pin 1234 --keypairgen \
    --key-type EC:prime256v1 --label intermediate --id 01 >/dev/null 2>&1 || fail "pkcs11-tool --keypairgen"
  HSM_ARGS=(--signer "pkcs11:token=signet-it;object=intermediate" --pkcs11-module "$HSM_MODULE")
}

start_signetd() {  # signetd-binary [extra flags]
  local bin=$1; shift
  # (A test that passes its own --signer keeps it.)
  if [ "${SIGNETD_HSM:-}" = 1 ] && [[ " $* " != *" --signer "* ]]; then
    hsm_setup; set -- "${HSM_ARGS[@]}" "$@"
  fi
  "$bin" serve --data-dir "$DATA" --listen "127.0.0.1:$CA_PORT" \
    --dns-resolver "127.0.0.1:$DNS_PORT" --http01-port "$HTTP01_PORT" --tlsalpn01-port "$TLSALPN01_PORT" \
    --allow-loopback-validation "$@" >>"$T/signetd.log" 2>&1 &
  SIGNETD_PID=$!
  PIDS+=($SIGNETD_PID)
  wait_for_port 127.0.0.1 "$CA_PORT"
  [ -f "$DATA/root.pem" ] || fail "signetd did not create $DATA/root.pem"
  if [ "${SIGNETD_HSM:-}" = 1 ] && [ -e "$DATA/intermediate.key" ]; then
    fail "SIGNETD_HSM=1 but the intermediate's key is a file"
  fi
  return 0
}

start_ca() {
  start_dns
  start_signetd "$1"
}

# check_cert CERT_PEM CHAIN_PEM NAME...: the chain verifies to DIR/root.pem
# and the SANs are exactly NAME...
check_cert() {
  local cert=$1 chain=$2; shift 2
  openssl verify -CAfile "$DATA/root.pem" -untrusted "$chain" "$cert" \
    || fail "chain of $cert does not verify to root.pem"
  local want got
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  got=$(openssl x509 -in "$cert" -noout -ext subjectAltName | tail -n +2 | tr ',' '\n' \
        | sed -e 's/^ *DNS://' -e 's/ //g' | grep -v '^$' | sort | tr '\n' ' ')
  [ "$want" = "$got" ] || fail "SANs of $cert: want '$want' got '$got'"
  openssl x509 -in "$cert" -noout -ext extendedKeyUsage | grep -q 'TLS Web Server Authentication' \
    || fail "no serverAuth EKU"
  echo "ok: $cert for $* verifies to root.pem"
}

# A static file server for webroot-style challenges (python3's http.server).
start_webroot_server() {  # dir
  mkdir -p "$1"
  python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 --directory "$1" \
    >"$T/webroot.log" 2>&1 &
  PIDS+=($!)
  wait_for_port 127.0.0.1 "$HTTP01_PORT"
}

# uacme answering HTTP-01 through $T/hook.sh, which writes the key
# authorization into a webroot served on HTTP01_PORT. uacme (libcurl-gnutls)
# trusts only the system store, so in_ns runs it in a private mount namespace
# where the system bundle is replaced by our root: the machine's own store is
# never touched.
start_uacme_webroot() {
  start_webroot_server "$T/www"
  cat >"$T/hook.sh" <<HOOK
#!/bin/sh
# uacme hook: METHOD TYPE IDENT TOKEN AUTH
[ "\$2" = "http-01" ] || exit 1
dir="$T/www/.well-known/acme-challenge"
case "\$1" in
  begin) mkdir -p "\$dir" && printf '%s' "\$5" > "\$dir/\$4" ;;
  done|failed) rm -f "\$dir/\$4" ;;
esac
HOOK
  chmod +x "$T/hook.sh"
  cp "$DATA/root.pem" "$T/bundle.crt"
}
in_ns() {  # COMMAND: run with our root as the system bundle
  unshare -m sh -c "mount --bind '$T/bundle.crt' /etc/ssl/certs/ca-certificates.crt && $1"
}

# Mutual TLS material for remote perspectives (signetd remote-va): mtls_ca DIR
# NAME makes a test CA (DIR/ca.pem, DIR/ca.key); mtls_issue DIR NAME SAN EKU
# then a certificate it issued (DIR/NAME.pem, DIR/NAME.key).
mtls_ca() {
  mkdir -p "$1"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/ca.key" \
    -out "$1/ca.pem" -days 2 -subj "/CN=$2" 2>/dev/null
}
mtls_issue() {
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/$2.key" \
    -out "$1/$2.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$3" "$4" >"$1/$2.ext"
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial \
    -out "$1/$2.pem" -days 2 -extfile "$1/$2.ext" 2>/dev/null
}
