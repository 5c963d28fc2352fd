#!/usr/bin/env bash
# Issue 10: signetd on --store postgresql://... (a throwaway PostgreSQL the
# test starts) serves certbot a certificate; the store holds it (and its
# serial, once), `signetd admin --store` reads it; the data directory holds
# no SQLite database. PostgreSQL is then restarted under the running signetd:
# a renewal goes through without restarting signetd (its connections
# reconnect by themselves), and the database round trips of that issuance
# are counted (pg_stat_statements: one statement is one round trip).
# Usage: signetd_postgres_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg_lib.sh"
SIGNETD=$1
start_pg
start_dns
start_signetd "$SIGNETD" --store "$PG_URI"
grep -q "store: postgresql:///signet" "$T/signetd.log" || fail "signetd did not say which store"
[ ! -e "$DATA/signetd.sqlite3" ] || fail "signetd made a SQLite database beside PostgreSQL"
versions=$(ls "$(dirname "$0")/../../src/storage/postgres/migrations/"*.sql | wc -l)
[ "$(psql_ signet -c 'SELECT version FROM signet_schema_version')" = "$versions" ] \
  || fail "schema not migrated to version $versions"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
cb() {
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" \
    --logs-dir "$T/cb-logs" "$@"
}
cb certonly --standalone --agree-tos -m ops@example.com --http-01-port "$HTTP01_PORT" \
  --http-01-address 127.0.0.1 -d pg.example.test -d www.pg.example.test >"$T/certbot.log" 2>&1 \
  || fail "certbot failed on PostgreSQL"
live="$T/cb/live/pg.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" pg.example.test www.pg.example.test
serial=$(openssl x509 -in "$live/cert.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
# The store's hex has no leading zero; openssl pads to whole bytes.
db_serial=$(echo "$serial" | sed 's/^0*//')
[ "$(psql_ signet -c "SELECT count(*) FROM certificates WHERE serial = '$db_serial'")" = 1 ] \
  || fail "certificate $db_serial is not in PostgreSQL"
[ "$(psql_ signet -c "SELECT count(*) FROM serials WHERE serial = '$db_serial'")" = 1 ] \
  || fail "serial $db_serial not recorded before signing"
"$SIGNETD" admin certificates list --store "$PG_URI" >"$T/admin.out" 2>"$T/admin.err" \
  || fail "admin certificates list --store: $(cat "$T/admin.err")"
grep -q "^$db_serial	valid	" "$T/admin.out" || fail "admin does not list $db_serial: $(cat "$T/admin.out")"
echo "ok: issued $serial on PostgreSQL; admin --store lists it"

# PostgreSQL crashes (stop -m immediate) under the running signetd; the next issuance (a new
# name: a new order, authorization and HTTP-01 validation) works.
# While PostgreSQL is down, a request that reads the store (renewalInfo, a
# GET) fails fast with serverInternal and Retry-After; then it serves again.
cert_id() {  # RFC 9773 4.1: base64url(AKI keyIdentifier) "." base64url(serial DER contents)
  local aki s=$serial
  aki=$(openssl x509 -in "$1" -noout -ext authorityKeyIdentifier | tail -1 | tr -d ' :' | sed 's/^keyid//')
  [ $(( 0x${s:0:1} )) -ge 8 ] && s="00$s"
  b64u() { xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '='; }
  echo "$(echo -n "$aki" | b64u).$(echo -n "$s" | b64u)"
}
ari="https://127.0.0.1:$CA_PORT/acme/renewal-info/$(cert_id "$live/cert.pem")"
curl -sf --cacert "$DATA/root.pem" "$ari" >/dev/null || fail "GET renewalInfo"
# As a crash: no checkpoint, connections cut (what was committed must survive).
stop_pg_server immediate
start=$(date +%s%N)
code=$(curl -s --cacert "$DATA/root.pem" -D "$T/down.headers" -o "$T/down.json" -w '%{http_code}' \
  --max-time 20 "$ari")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$code" = 500 ] || fail "renewalInfo with the database down: HTTP $code, want 500"
grep -q 'urn:ietf:params:acme:error:serverInternal' "$T/down.json" || fail "not serverInternal: $(cat "$T/down.json")"
grep -q 'database is unreachable' "$T/down.json" || fail "detail does not say why: $(cat "$T/down.json")"
grep -qi '^Retry-After: ' "$T/down.headers" || fail "no Retry-After with the database down"
[ "$ms" -lt 3000 ] || fail "renewalInfo took $ms ms with the database down"
echo "ok: database down: serverInternal with Retry-After in $ms ms"
# A JWS request (newAccount) while it is down: the same, bounded.
start=$(date +%s%N)
certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb-down" --work-dir "$T/cb-work" \
  --logs-dir "$T/cb-logs" register --agree-tos -m down@example.com --no-eff-email \
  >"$T/down-register.log" 2>&1 \
  && fail "certbot registered with the database down"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
grep -q 'database is unreachable' "$T/down-register.log" \
  || fail "certbot's refusal does not say why: $(tail -3 "$T/down-register.log")"
[ "$ms" -lt 10000 ] || fail "certbot register took $ms ms with the database down"
echo "ok: database down: a JWS request fails in $ms ms (certbot's retries included), saying why"
start_pg_server
curl -sf --cacert "$DATA/root.pem" "$ari" >/dev/null || fail "renewalInfo after PostgreSQL came back"
# The crash lost nothing acknowledged: the first certificate and its serial.
[ "$(psql_ signet -c "SELECT count(*) FROM certificates WHERE serial = '$db_serial'")" = 1 ] \
  || fail "certificate $db_serial lost in the crash"
[ "$(psql_ signet -c "SELECT count(*) FROM work_items")" = 0 ] || fail "work left in flight"
psql_ signet -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
psql_ signet -c "SELECT pg_stat_statements_reset()" >/dev/null
cb certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  -d after-restart.pg.example.test >"$T/after.log" 2>&1 \
  || fail "issuance after a PostgreSQL restart failed: $(tail -5 "$T/after.log")"
# signetd's statements since the reset, but the time-driven ones (not per
# certificate): the publisher's poll of the revocation feed, its leader lock
# and the CRLs it publishes on taking the lead back after the restart, and
# the poll for work whose lease ran out.
stats="FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'signet' \
  AND s.query NOT LIKE '%pg_stat_statements%' AND s.query NOT LIKE '%FROM revocation_log%' \
  AND s.query NOT LIKE '%pg_try_advisory_lock%' AND s.query <> 'SELECT \$1' \
  AND s.query NOT LIKE '%published_crls%' AND s.query NOT LIKE '%crl_numbers%' \
  AND s.query NOT LIKE '%MAX(crl_shard)%' AND s.query NOT LIKE '%WHERE crl_shard = \$1 AND revoked_at%' \
  AND s.query NOT LIKE 'UPDATE work_items w SET owner%'"
trips=$(psql_ signet -c "SELECT sum(calls) $stats")
psql_ signet -c "SELECT calls, left(regexp_replace(query, '\s+', ' ', 'g'), 100) $stats \
  ORDER BY calls DESC" >"$T/round_trips.txt"
# The listener's own certificate (account "listener") is in the store too.
[ "$(psql_ signet -c "SELECT count(*) FROM certificates WHERE account_id <> 'listener'")" = 2 ] \
  || fail "second certificate not stored"
[ "$(psql_ signet -c "SELECT count(DISTINCT serial) FROM serials WHERE account_id <> 'listener'")" = 2 ] \
  || fail "serials not one per certificate"
echo "ok: issued after a PostgreSQL restart without restarting signetd"
echo "round trips: $trips for one certificate (newOrder of 1 name, its HTTP-01 validation, finalize, download)"
cat "$T/round_trips.txt"
