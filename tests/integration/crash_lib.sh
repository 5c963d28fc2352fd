# The signetd crash campaign (issue 14), shared by the short test
# (signetd_crash_test.sh) and the long one (bench/crash_campaign.sh).
# Source lib.sh (and pg_lib.sh for PostgreSQL) first; then
#   crash_campaign SIGNETD ROUNDS WORKERS [signetd flags...]
# kills signetd's very first start a few times (CRASH_NO_FIRST_START=1: not;
# the caller made the data directory), then starts it, runs
# crash_driver.py's clients against it, and ROUNDS
# times kills signetd with SIGKILL and restarts it: in a "load" round at a
# random moment 0.2-2.5 s into serving, in a "recovery" round 0-0.3 s after
# the restart (while Recover() re-queues what the last kill interrupted, or
# before it even listens). Then it stops the clients (their orders finish on
# a signetd left alone), checks the store against what they received
# (crash_check.py), checks the database's integrity and issues a fresh
# certificate. CRASH_SQL (set by the caller: crash_sql_sqlite or
# crash_sql_pg) runs a query on the store, tab-separated.
# Sets CRASH_SUMMARY (one line: rounds, kills, orders, interrupted issuances).
CRASH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRASH_PY=/usr/bin/python3  # Debian's, with python3-cryptography

crash_sql_sqlite() { sqlite3 -bail -separator $'\t' "$DATA/signetd.sqlite3" "$1"; }
crash_sql_pg() { psql_ signet -F $'\t' -c "$1"; }

crash_launch() {  # SIGNETD [flags]: start signetd without waiting for it
  local bin=$1; shift
  "$bin" serve --data-dir "$DATA" --listen "127.0.0.1:$CA_PORT" \
    --dns-resolver "127.0.0.1:$DNS_PORT" --http01-port "$HTTP01_PORT" \
    --tlsalpn01-port "$TLSALPN01_PORT" --allow-loopback-validation "$@" >>"$T/signetd.log" 2>&1 &
  SIGNETD_PID=$!
  PIDS+=("$SIGNETD_PID")
}

crash_kill() {
  kill -9 "$SIGNETD_PID" 2>/dev/null || true
  wait "$SIGNETD_PID" 2>/dev/null || true
  CRASH_KILLS=$((CRASH_KILLS + 1))
}

crash_wait_listening() {  # SIGNETD_PID must still be alive
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$CA_PORT") 2>/dev/null && return 0
    kill -0 "$SIGNETD_PID" 2>/dev/null || fail "signetd exited on restart: $(tail -5 "$T/signetd.log")"
    sleep 0.05
  done
  fail "signetd did not listen within 15 s of a restart"
}

crash_sleep_ms() { sleep "$(printf '0.%03d' "$1")"; }

crash_dump() {  # DIR: the tables crash_check.py reads
  mkdir -p "$1"
  local hex="hex(der)"
  [ "$CRASH_SQL" = crash_sql_pg ] && hex="encode(der, 'hex')"
  "$CRASH_SQL" "SELECT serial, order_id, $hex FROM certificates" >"$1/certificates.tsv"
  "$CRASH_SQL" "SELECT serial, order_id FROM serials" >"$1/serials.tsv"
  "$CRASH_SQL" "SELECT id, status, coalesce(cert_serial, '') FROM orders" >"$1/orders.tsv"
}

# The very first start killed KILLS times (the CA hierarchy being made, the
# store being created or migrated) at 0-120 ms; the caller's next start
# (start_signetd) must serve.
crash_first_start() {  # SIGNETD KILLS [flags]
  local bin=$1 kills=$2 i
  shift 2
  CRASH_FIRST_KILLS=$kills
  for i in $(seq "$kills"); do
    crash_launch "$bin" "$@"
    crash_sleep_ms $((RANDOM % 120))
    crash_kill
  done
}

crash_campaign() {
  local bin=$1 rounds=$2 workers=$3; shift 3
  local seed=${CRASH_SEED:-$RANDOM}
  RANDOM=$seed
  [ -n "${CRASH_NO_FIRST_START:-}" ] || CRASH_KILLS=0
  echo "crash campaign: $rounds rounds, $workers clients, seed $seed (CRASH_SEED to repeat)"
  local interrupted=0 validations=0 recovery_kills=0 recovering=0 v
  [ -n "${CRASH_NO_FIRST_START:-}" ] || crash_first_start "$bin" $(( rounds / 10 > 3 ? rounds / 10 : 3 )) "$@"
  start_signetd "$bin" "$@"
  mkdir -p "$T/out"
  "$CRASH_PY" "$CRASH_DIR/crash_driver.py" "$DIRECTORY" "$DATA/root.pem" "$HTTP01_PORT" \
    "$T/out" "$workers" 2 "$T/stop" >"$T/driver.log" 2>&1 &
  local driver=$!
  PIDS+=("$driver")
  for round in $(seq "$rounds"); do
    # A recovery round is likelier when the last kill left work to recover.
    if [ "$round" -gt 1 ] && [ $((RANDOM % 6)) -lt $([ "$recovering" -gt 0 ] && echo 4 || echo 1) ]; then
      # Recovery round: the previous kill left signetd down; start it and
      # kill it again before it has settled.
      crash_launch "$bin" "$@"
      crash_sleep_ms $((RANDOM % 300))
      [ "$recovering" -gt 0 ] && recovery_kills=$((recovery_kills + 1))
      crash_kill
    else
      if [ "$round" -gt 1 ]; then
        crash_launch "$bin" "$@"
        crash_wait_listening
      fi
      sleep "$((RANDOM % 3)).$((RANDOM % 10))"
      [ "$round" -gt 1 ] || sleep 0.5
      crash_kill
    fi
    # What this kill interrupted: issuances and validations Recover() must
    # finish on the next start.
    recovering=$("$CRASH_SQL" "SELECT count(*) FROM orders WHERE status = 'processing'")
    v=$("$CRASH_SQL" "SELECT count(*) FROM authorizations WHERE status = 'pending' AND \
      challenges LIKE '%\"status\":\"processing\"%'")
    interrupted=$((interrupted + recovering))
    validations=$((validations + v))
    recovering=$((recovering + v))
    kill -0 "$driver" 2>/dev/null || fail "the clients exited during round $round: $(tail -5 "$T/driver.log")"
  done
  crash_launch "$bin" "$@"
  crash_wait_listening
  touch "$T/stop"
  local rc=0
  wait "$driver" || rc=$?
  [ "$rc" = 0 ] || fail "crash driver: $(tail -5 "$T/driver.log")"
  sleep 0.5  # anything Recover() queued that no client waits for
  crash_dump "$T/dump"
  "$CRASH_PY" "$CRASH_DIR/crash_check.py" "$T/out" "$T/dump" | tee "$T/check.txt" \
    || fail "the store does not hold what the clients received (above)"
  local orders
  orders=$(wc -l <"$T/out/orders.jsonl")
  [ "$orders" -ge $((rounds / 2)) ] || fail "only $orders orders in $rounds rounds"
  [ $((interrupted + validations)) -gt 0 ] || fail "no kill interrupted an issuance or a validation"
  if [ "$CRASH_SQL" = crash_sql_sqlite ]; then
    [ "$(crash_sql_sqlite 'PRAGMA integrity_check')" = ok ] || fail "PRAGMA integrity_check failed"
    [ "$(crash_sql_sqlite 'PRAGMA foreign_key_check')" = "" ] || fail "PRAGMA foreign_key_check failed"
  else
    # PostgreSQL's amcheck: every B-tree index of the schema against its
    # table (heapallindexed: each row is in the index).
    crash_sql_pg "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null
    local checked
    checked=$(crash_sql_pg "SELECT count(bt_index_check(c.oid, true)) FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.amname = 'btree' AND n.nspname = 'public'") || fail "amcheck found a damaged index"
    [ "$checked" -gt 0 ] || fail "amcheck checked no index"
  fi
  CRASH_MAX_ORDERS=1 "$CRASH_PY" "$CRASH_DIR/crash_driver.py" "$DIRECTORY" "$DATA/root.pem" \
    "$HTTP01_PORT" "$T/fresh" 1 1 "$T/fresh-stop" fresh- >"$T/fresh.log" 2>&1 \
    || fail "fresh issuance: $(cat "$T/fresh.log")"
  grep -q '"status": "valid"' "$T/fresh/orders.jsonl" || fail "fresh issuance: $(cat "$T/fresh/orders.jsonl")"
  CRASH_SUMMARY="$rounds rounds survived, $CRASH_KILLS kills (${CRASH_FIRST_KILLS:-0} during the first start, $recovery_kills during the recovery of interrupted work), $orders orders by $workers clients, $interrupted issuances and $validations validations interrupted and recovered, seed $seed"
  echo "ok: $CRASH_SUMMARY; integrity ok; a fresh issuance works"
}
