#!/usr/bin/env bash
# Issue 14: signetd killed with SIGKILL during its first start (the CA
# hierarchy and the store being made), then under concurrent orders, at
# random moments and again during restart recovery, many rounds (crash_lib.sh);
# then every certificate a client received is in the store byte for byte,
# no serial twice, no order stuck in processing, every valid order has its
# certificate, the database passes its integrity check, and a fresh
# issuance works. STORE is sqlite (the data directory's database),
# postgresql (a throwaway server, pg_lib.sh) or sqlite-ct: SQLite with two
# signet-ctlog logs of two operators (SIGNET_CTLOG), so every issuance runs
# in the background (orders are processing while SCTs are collected) and
# signs a precertificate first: kills land between the precertificate and
# the final certificate too. The logs are on CA_PORT+100 and +101.
# Usage: signetd_crash_test.sh SIGNETD [sqlite|postgresql|sqlite-ct] [ROUNDS] [CLIENTS]
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
  sqlite-ct)
    CTLOG=${SIGNET_CTLOG:?set SIGNET_CTLOG to the signet-ctlog binary}
    CRASH_KILLS=0
    crash_first_start "$SIGNETD" $(( ROUNDS / 10 > 3 ? ROUNDS / 10 : 3 ))
    start_signetd "$SIGNETD"  # the CA's hierarchy, for the logs' roots
    kill "$SIGNETD_PID"; wait "$SIGNETD_PID" 2>/dev/null || true
    for i in 0 1; do
      "$CTLOG" serve --data-dir "$T/log$i" --listen "127.0.0.1:$((CA_PORT + 100 + i))" \
        --roots "$DATA/root.pem" --operator "Operator $i" --sth-interval-ms 200 \
        >>"$T/ctlog$i.log" 2>&1 &
      PIDS+=($!)
      wait_for_port 127.0.0.1 $((CA_PORT + 100 + i))
      for _ in $(seq 50); do [ -s "$T/log$i/log.json" ] && break; sleep 0.1; done
    done
    python3 - "$T/logs.json" "$T"/log{0,1}/log.json <<'PY'
import json, sys
merged = {"version": "1.0", "operators": []}
for path in sys.argv[2:]:
    merged["operators"] += json.load(open(path))["operators"]
json.dump(merged, open(sys.argv[1], "w"))
PY
    CRASH_SQL=crash_sql_sqlite
    CRASH_NO_FIRST_START=1 crash_campaign "$SIGNETD" "$ROUNDS" "$CLIENTS" --ct-log-list "$T/logs.json" --ct-timeout-ms 5000
    grep -q "submits precertificates to CT logs" "$T/signetd.log" || fail "signetd did not turn CT on"
    precerts=$(crash_sql_sqlite "SELECT count(*) FROM serials WHERE precertificate_der IS NOT NULL")
    [ "$precerts" -gt 0 ] || fail "no precertificate recorded: CT was not in the path"
    "$CRASH_PY" - "$T/out/certs" <<'PY' || fail "a certificate a client holds lacks its SCTs"
import os, sys
from cryptography import x509
from cryptography.x509.oid import ExtensionOID
for name in os.listdir(sys.argv[1]):
    leaf = x509.load_pem_x509_certificate(open(os.path.join(sys.argv[1], name), "rb").read())
    scts = leaf.extensions.get_extension_for_oid(
        ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS).value
    assert len(scts) >= 2, f"{name}: {len(scts)} SCTs"
PY
    echo "ok: $precerts precertificates recorded; every certificate the clients hold embeds 2 SCTs" ;;
  *) fail "unknown store $STORE" ;;
esac
