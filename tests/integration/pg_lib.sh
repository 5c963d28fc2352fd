# A throwaway PostgreSQL 15 for an integration test (issue 10): initdb and
# pg_ctl from Debian's postgresql-15 in a temp directory of its own, listening
# only on a unix socket there; as the user "nobody" when run as root (initdb
# refuses root). Stopped and removed when the test exits.
# Usage (after lib.sh): start_pg; then $PG_URI is the database "signet".
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=$(mktemp -d /tmp/signet-pg-it.XXXXXX)
PG_PORT=5432  # names the socket file only: no TCP listener
PG_URI="postgresql:///signet?host=$PG_DIR&port=$PG_PORT&user=postgres"
PG_AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$PG_DIR"
  PG_AS=(runuser -u nobody --)
fi
pg_ctl_() { "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" "$@" >>"$T/pg_ctl.log" 2>&1; }
start_pg_server() {
  pg_ctl_ -l "$PG_DIR/server.log" -w -t 30 -o "-k $PG_DIR -p $PG_PORT -c listen_addresses='' \
    -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top" start \
    || fail "PostgreSQL did not start: $(tail -5 "$PG_DIR/server.log")"
}
stop_pg_server() { pg_ctl_ -w -t 30 -m "${1:-fast}" stop; }  # stop_pg_server [immediate]
start_pg() {
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C \
    >"$T/initdb.log" 2>&1 || fail "initdb failed: $(tail -5 "$T/initdb.log")"
  start_pg_server
  psql_ postgres -c "CREATE DATABASE signet" >/dev/null
}
psql_() {  # psql_ DB ARGS...: psql on the test server, unaligned, tuples only
  local db=$1; shift
  psql -X -q -tA -h "$PG_DIR" -p "$PG_PORT" -U postgres -d "$db" "$@"
}
pg_cleanup() {
  # The test's processes first: a signetd whose database went away first
  # would spend its whole shutdown deadline on it, holding the test ports.
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$PG_DIR/data/postmaster.pid" ] && stop_pg_server
  rm -rf "$PG_DIR"
}
# set +e: under set -e, `(exit $rc)` would end the trap before cleanup (the
# temp dir left behind, and the failed test's logs never shown).
trap 'rc=$?; pg_cleanup || true; set +e; (exit $rc); cleanup' EXIT
