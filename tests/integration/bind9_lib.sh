# A real authoritative DNS server for the tests: bind9's named on
# 127.0.0.1:$DNS_PORT, authoritative for test. (every name -> 127.0.0.1 unless
# a test changes it), recursion off, dynamic updates from 127.0.0.1 so tests
# change records for real with nsupdate. Source lib.sh first.
# BIND9_EXTRA_ZONES: more zone statements for named.conf (zone files in
# $T/bind, written before start_bind9), e.g. DNSSEC-signed ones.

start_bind9() {
  local d="$T/bind"
  mkdir -p "$d"
  cat >"$d/test.zone" <<ZONE
\$TTL 1
@   IN SOA ns.test. hostmaster.test. 1 60 60 600 1
@   IN NS  ns.test.
ns  IN A   127.0.0.1
*   IN A   127.0.0.1
; Names the tests add under example.test make it an empty non-terminal,
; which would stop *.test from matching below it: give it its own wildcard.
*.example.test. IN A 127.0.0.1
ZONE
  cat >"$d/named.conf" <<CONF
options {
  directory "$d";
  pid-file "$d/named.pid";
  listen-on port $DNS_PORT { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  max-cache-ttl 1;
};
zone "test." { type primary; file "$d/test.zone"; allow-update { 127.0.0.1; }; };
${BIND9_EXTRA_ZONES:-}
CONF
  named -g -n 1 -c "$d/named.conf" >"$T/named.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    dig +short +time=1 +tries=1 -p "$DNS_PORT" @127.0.0.1 ns.test A 2>/dev/null | grep -q 127.0.0.1 && return 0
    sleep 0.1
  done
  fail "named did not answer on 127.0.0.1:$DNS_PORT"
}

# dns_update "update add _acme-challenge.x.test. 1 TXT value" ...
dns_update() {
  { echo "server 127.0.0.1 $DNS_PORT"; echo "zone test."; printf '%s\n' "$@"; echo send; } \
    | nsupdate >>"$T/nsupdate.log" 2>&1 || fail "nsupdate failed: $*"
}
