#!/usr/bin/env bash
# Issue 14: signetd killed with SIGKILL under concurrent orders, at random
# moments and again during restart recovery, many rounds (crash_lib.sh);
# then every certificate a client received is in the store byte for byte,
# no serial twice, no order stuck in processing, every valid order has its
# certificate, the database passes its integrity check, and a fresh
# issuance works. STORE is sqlite (the data directory's database) or
# postgresql (a throwaway server, pg_lib.sh).
# Usage: signetd_crash_test.sh SIGNETD [sqlite|postgresql] [ROUNDS] [CLIENTS]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"
SIGNETD=$1 STORE=${2:-sqlite} ROUNDS=${3:-12} CLIENTS=${4:-6}
start_dns
case "$STORE" in
  sqlite) CRASH_SQL=crash_sql_sqlite; crash_campaign "$SIGNETD" "$ROUNDS" "$CLIENTS" ;;
  postgresql)
    source "$(dirname "$0")/pg_lib.sh"
    start_pg
    CRASH_SQL=crash_sql_pg; crash_campaign "$SIGNETD" "$ROUNDS" "$CLIENTS" --store "$PG_URI" ;;
  *) fail "unknown store $STORE" ;;
esac
