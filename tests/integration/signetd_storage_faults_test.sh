#!/usr/bin/env bash
# Faults of signetd's SQLite storage, on a data directory that is a small
# tmpfs of its own (so needs root, as CI has; it fails without, never skips):
#  - the database locked by another process (a sqlite3 shell holding BEGIN
#    EXCLUSIVE): 16 concurrent newOrders each fail within ~1.5 s with
#    serverInternal, Retry-After and a detail naming the lock (they used to
#    queue behind one another, 5 s each, a minute-long hang), reads still
#    work, and orders succeed again once the lock is released;
#  - the disk full (ENOSPC): serverInternal + Retry-After naming the full
#    disk, at once; after room returns, orders and a certbot issuance work
#    and the database passes its integrity check;
#  - the data directory read-only at start: signetd exits with one line
#    naming the read-only file system, and starts once it is read-write.
#    (A read-write file system cannot be remounted read-only under a running
#    signetd: the kernel refuses while it holds files open for writing.)
# Each fault leaves an operator log line (level error, the detail).
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fail "this test mounts a tmpfs for the data directory: run it as root"
PROBE_BOUND=${STORAGE_FAULT_BOUND:-4}  # seconds a request may take under a fault
mkdir -p "$DATA"
mount -t tmpfs -o size=8m signet-it-data "$DATA" || fail "cannot mount a tmpfs on $DATA"
unmount_then_cleanup() {  # lib.sh's cleanup, once the tmpfs is gone
  local rc=$?
  set +e
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  umount -l "$DATA" 2>/dev/null
  (exit $rc)
  cleanup
}
trap unmount_then_cleanup EXIT
start_dns
start_signetd "$1"
DB="$DATA/signetd.sqlite3"
probe() { /usr/bin/python3 "$(dirname "$0")/acme_probe.py" "$DIRECTORY" "$DATA/root.pem" "$T/account.pem" "$@"; }
# expect_fault FILE CAUSE: every line of FILE is a 500 serverInternal with
# Retry-After, a detail naming CAUSE, answered within the bound.
expect_fault() {
  local file=$1 cause=$2
  [ -s "$file" ] || fail "no answers in $file"
  python3 - "$file" "$cause" "$PROBE_BOUND" <<'EOF' || fail "wrong answers under '$cause': $(head -3 "$file")"
import json, sys
path, cause, bound = sys.argv[1], sys.argv[2], float(sys.argv[3])
for line in open(path):
    r = json.loads(line)
    assert r["status"] == 500, r
    assert r["type"] == "urn:ietf:params:acme:error:serverInternal", r
    assert r["retry_after"] == "5", r
    assert cause in r["detail"], r
    assert r["secs"] < bound, r
EOF
  grep '"level":"error"' "$T/signetd.log" | grep -F "$cause" >/dev/null || fail "no error log line naming '$cause'"
  echo "ok: $(wc -l <"$file") requests got serverInternal, Retry-After 5, '$cause', worst $(
    python3 -c 'import json,sys; print(max(json.loads(l)["secs"] for l in open(sys.argv[1])))' "$file")s"
}
expect_ok() {
  probe order "$1" >"$T/ok.json" || fail "order for $1 failed: $(cat "$T/ok.json")"
  grep -q '"status": 201' "$T/ok.json" || fail "order for $1: $(cat "$T/ok.json")"
}
expect_ok before.example.test

# --- the database locked by another process
mkfifo "$T/lock.in"
sqlite3 "$DB" <"$T/lock.in" >"$T/lock.log" 2>&1 &
LOCKER=$!
PIDS+=($LOCKER)
exec 7>"$T/lock.in"
echo "BEGIN EXCLUSIVE;" >&7
for _ in $(seq 50); do
  sqlite3 -cmd ".timeout 0" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || break
  sleep 0.1
done
sqlite3 -cmd ".timeout 0" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 \
  && fail "the sqlite3 shell did not take the lock"
start=$(date +%s.%N)
probe order locked.example.test 16 >"$T/locked.json" || true
took=$(echo "$(date +%s.%N) - $start" | bc)
expect_fault "$T/locked.json" "the database is locked by another process"
echo "16 concurrent newOrders under the lock answered in ${took}s"
(( $(echo "$took < 2 * $PROBE_BOUND" | bc) )) || fail "the locked requests took ${took}s in all"
curl -sf --cacert "$DATA/root.pem" "$DIRECTORY" >/dev/null || fail "the directory failed under the lock"
echo "ROLLBACK;" >&7
exec 7>&-
wait "$LOCKER" || true
sleep 1.1  # past the fail-fast window of the last give-up
expect_ok unlocked.example.test
echo "ok: orders succeed once the lock is released"

# --- the disk full (ENOSPC)
dd if=/dev/zero of="$DATA/filler" bs=64k 2>/dev/null || true
: >"$T/full.json"
for i in $(seq 8); do
  probe order "full$i.example.test" >"$T/one.json" || true
  grep -q '"status": 201' "$T/one.json" || { cat "$T/one.json" >>"$T/full.json"; }
done
expect_fault "$T/full.json" "the data directory's disk is full"
rm "$DATA/filler"
expect_ok roomy.example.test
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after ENOSPC"
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
start=$(date +%s.%N)
certbot certonly --standalone --non-interactive --agree-tos -m ops@example.com \
  --server "$DIRECTORY" --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
  --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
  -d after-faults.example.test >"$T/certbot.log" 2>&1 || fail "certbot failed after the faults"
took=$(echo "$(date +%s.%N) - $start" | bc)
check_cert "$T/cb/live/after-faults.example.test/cert.pem" \
  "$T/cb/live/after-faults.example.test/chain.pem" after-faults.example.test >/dev/null
echo "ok: certbot obtained a certificate after the faults in ${took}s; integrity_check ok"

# --- the data directory read-only at start
kill "$SIGNETD_PID"
wait "$SIGNETD_PID" || true
mount -o remount,ro "$DATA" || fail "cannot remount $DATA read-only"
rc=0
timeout 20 "$1" serve --data-dir "$DATA" --listen "127.0.0.1:$CA_PORT" \
  --dns-resolver "127.0.0.1:$DNS_PORT" --http01-port "$HTTP01_PORT" \
  --allow-loopback-validation >"$T/readonly.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "signetd on a read-only data directory: exit $rc"
grep -q "is on a read-only file system; remount it read-write" "$T/readonly.log" \
  || fail "no clear line for a read-only data directory: $(tail -2 "$T/readonly.log")"
echo "ok: read-only data directory: $(tail -1 "$T/readonly.log")"
mount -o remount,rw "$DATA"
start_signetd "$1"
expect_ok writable-again.example.test
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check at the end"
echo "ok: signetd serves again on the read-write directory"
