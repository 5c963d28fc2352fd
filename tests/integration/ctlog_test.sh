#!/usr/bin/env bash
# signet-ctlog (issue 11) with real submissions and a monitor written by
# others: chains made by the openssl CLI are posted with curl to the RFC
# 6962 API; bad input gets 400 and changes nothing; certspotter reads the
# log through the log.json the log wrote, reports every certificate (and
# refuses the STH when given another key: its checks are real), and on a
# second run (same state) checks the grown tree against what it saw (and
# refuses a copy of the log whose history was rewritten); the
# log keeps its tree and SCTs across a restart. The same tree is served as
# static-ct-api tiles.
# Usage: ctlog_test.sh SIGNET_CTLOG_BINARY
source "$(dirname "$0")/lib.sh"
CTLOG=$1
PORT=${CTLOG_PORT:-16962}
URL="http://127.0.0.1:$PORT/ct/v1"
cd "$T"

# A root, an intermediate, and leaves under it (P-256, made by openssl).
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout root.key -out root.pem -subj "/CN=CT Test Root" -days 30 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >ca.ext
openssl req "${ec[@]}" -keyout int.key -out int.csr -subj "/CN=CT Test Intermediate" 2>/dev/null
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -out int.pem -days 30 -extfile ca.ext 2>/dev/null
openssl req -x509 "${ec[@]}" -keyout other.key -out other.pem -subj "/CN=Not Accepted" -days 30 2>/dev/null
leaf() {  # NAME OUT [poison] [CA-BASENAME]
  local ca=${4:-int}
  printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:%s\n' "$1" >"$2.ext"
  [ "${3:-}" = poison ] && echo '1.3.6.1.4.1.11129.2.4.3=critical,ASN1:NULL' >>"$2.ext"
  openssl req "${ec[@]}" -keyout "$2.key" -out "$2.csr" -subj "/CN=$1" 2>/dev/null
  openssl x509 -req -in "$2.csr" -CA "$ca.pem" -CAkey "$ca.key" -out "$2.pem" -days 30 \
    -extfile "$2.ext" 2>/dev/null
}
b64() { openssl x509 -in "$1" -outform DER | base64 -w0; }
chain() {  # PEM... -> {"chain":[...]}
  local sep="" out='{"chain":['
  for f in "$@"; do out+="$sep\"$(b64 "$f")\""; sep=,; done
  echo "$out]}"
}
post() {  # ENDPOINT BODY-FILE -> body in $T/resp, prints the status
  curl -sS -o "$T/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$2" "$URL/$1"
}
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }
wait_tree_size() {  # N
  for _ in $(seq 50); do
    curl -sS -o sth.json "$URL/get-sth"
    [ "$(field sth.json tree_size)" = "$1" ] && return 0
    sleep 0.1
  done
  fail "tree size $(field sth.json tree_size), expected $1"
}
start_log() {
  "$CTLOG" serve --data-dir "$T/log" --listen "127.0.0.1:$PORT" --roots root.pem \
    --sth-interval-ms 200 >>"$T/ctlog.log" 2>&1 &
  LOG_PID=$!
  PIDS+=($LOG_PID)
  wait_for_port 127.0.0.1 "$PORT"
}

leaf www.ctlog.test www
leaf pre.ctlog.test pre poison
leaf stranger.ctlog.test stranger "" other
start_log
[ "$(stat -c %a log/log-key.pem)" = 600 ] || fail "the log's key is not 0600"
python3 - log/log.json <<'PY' || fail "log.json is not a v3 log list"
import json, sys, base64, hashlib
l = json.load(open(sys.argv[1]))
assert l["version"] and l["log_list_timestamp"]
log = l["operators"][0]["logs"][0]
assert log["log_id"] == base64.b64encode(hashlib.sha256(base64.b64decode(log["key"])).digest()).decode()
assert log["url"].endswith("/") and log["mmd"] == 86400 and "usable" in log["state"]
PY

# Submissions: a certificate, a precertificate, and a resubmission.
chain www.pem int.pem >www.json
chain pre.pem int.pem root.pem >pre.json
[ "$(post add-chain www.json)" = 200 ] || fail "add-chain: $(cat resp)"
cp resp www.sct
[ "$(field www.sct sct_version)" = 0 ] && [ "$(field www.sct extensions)" = "" ] ||
  fail "SCT fields: $(cat www.sct)"
[ "$(field www.sct id)" = "$(python3 -c 'import json;print(json.load(open("log/log.json"))["operators"][0]["logs"][0]["log_id"])')" ] ||
  fail "the SCT's id is not log.json's log_id"
[ "$(post add-pre-chain pre.json)" = 200 ] || fail "add-pre-chain: $(cat resp)"
[ "$(post add-chain www.json)" = 200 ] && cmp -s resp www.sct || fail "a resubmission got another SCT"
wait_tree_size 2

# Bad input: 400 with the reason, and the tree does not change.
expect_400() {  # ENDPOINT BODY-FILE TEXT
  local code; code=$(post "$1" "$2")
  [ "$code" = 400 ] || fail "$1 $2: HTTP $code, expected 400 ($(cat resp))"
  grep -q "$3" resp || fail "$1 $2: '$(cat resp)' does not say '$3'"
}
expect_400 add-chain pre.json "submit it to add-pre-chain"
expect_400 add-pre-chain www.json "no CT poison extension"
chain stranger.pem other.pem >stranger.json
expect_400 add-chain stranger.json "accepted root"
echo '{"chain":["not base64!"]}' >bad.json
expect_400 add-chain bad.json "not base64"
echo '{"chain":' >bad.json
expect_400 add-chain bad.json "not JSON"
python3 -c 'print("{\"chain\":[\"" + "A" * 600000 + "\"]}")' >big.json
expect_400 add-chain big.json "larger than 512 KiB"
code=$(curl -sS -o resp -w '%{http_code}' "$URL/add-chain")
[ "$code" = 405 ] || fail "GET add-chain: $code"
code=$(curl -sS -o resp -w '%{http_code}' "$URL/get-entries?start=5&end=9")
[ "$code" = 400 ] || fail "get-entries past the end: $code"
sleep 0.5
wait_tree_size 2

# The read API: roots, entries, an audit path (hash URL-encoded), consistency.
curl -sS "$URL/get-roots" | python3 -c '
import json, sys, base64, subprocess
der = subprocess.run(["openssl", "x509", "-in", "root.pem", "-outform", "DER"], capture_output=True).stdout
assert [base64.b64decode(c) for c in json.load(sys.stdin)["certificates"]] == [der]' ||
  fail "get-roots does not list root.pem"
curl -sS "$URL/get-entries?start=0&end=1" >entries.json
python3 - "$URL" <<'PY' || fail "get-entries / get-proof-by-hash"
import json, base64, hashlib, urllib.parse, urllib.request, sys
url = sys.argv[1]
entries = json.load(open("entries.json"))["entries"]
assert len(entries) == 2
leaf = base64.b64decode(entries[1]["leaf_input"])
assert leaf[:2] == b"\0\0" and leaf[10:12] == b"\0\1"  # v1 timestamped_entry, precert_entry
h = base64.b64encode(hashlib.sha256(b"\0" + leaf).digest()).decode()
p = json.load(urllib.request.urlopen(url + "/get-proof-by-hash?tree_size=2&hash=" + urllib.parse.quote(h, safe="")))
assert p["leaf_index"] == 1 and len(p["audit_path"]) == 1
first = hashlib.sha256(b"\0" + base64.b64decode(entries[0]["leaf_input"])).digest()
assert base64.b64decode(p["audit_path"][0]) == first
PY

# The same tree as static-ct-api tiles: the checkpoint names the origin and
# size, and level-0 tile 000.p/2 holds the two leaf hashes.
curl -sS "http://127.0.0.1:$PORT/checkpoint" >checkpoint
[ "$(sed -n 1p checkpoint)" = "127.0.0.1:$PORT" ] && [ "$(sed -n 2p checkpoint)" = 2 ] ||
  fail "checkpoint: $(cat checkpoint)"
grep -q "^— 127.0.0.1:$PORT " checkpoint || fail "checkpoint signature line: $(cat checkpoint)"
[ "$(curl -sS "http://127.0.0.1:$PORT/tile/0/000.p/2" | wc -c)" = 64 ] || fail "tile 0/000.p/2"

# certspotter, first run: both certificates reported from log entries 0 and 1.
echo .ctlog.test >watchlist
run_certspotter() {  # OUT: runs until OUT names every expected host, then stops it
  certspotter -logs log/log.json -watchlist watchlist -state_dir cs -stdout -verbose \
    >"$1" 2>"$1.err" &
  local pid=$!
  PIDS+=($pid)
  shift
  for _ in $(seq 100); do
    local all=1
    for name in "$@"; do grep -q "DNS Name = $name" "$CS_OUT" || all=0; done
    [ $all = 1 ] && break
    sleep 0.2
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  for name in "$@"; do grep -q "DNS Name = $name" "$CS_OUT" || fail "certspotter did not report $name"; done
  if grep -iE "error|inconsistent|mismatch" "$CS_OUT.err" | grep -v "context canceled"; then
    fail "certspotter reported a problem with the log"
  fi
}
CS_OUT=cs1.out run_certspotter cs1.out www.ctlog.test pre.ctlog.test
grep -q "Log Entry = 1 @ http://127.0.0.1:$PORT/" cs1.out || fail "certspotter: no entry 1"

# Control: certspotter does check the log's signatures. Given another key
# (and its log_id) for the same URL, it refuses the STH.
openssl ecparam -name prime256v1 -genkey -noout -out wrong.key 2>/dev/null
python3 - "$(openssl ec -in wrong.key -pubout -outform DER 2>/dev/null | base64 -w0)" <<'PY'
import json, sys, base64, hashlib
l = json.load(open("log/log.json"))
log = l["operators"][0]["logs"][0]
log["key"] = sys.argv[1]
log["log_id"] = base64.b64encode(hashlib.sha256(base64.b64decode(sys.argv[1])).digest()).decode()
json.dump(l, open("wrong-key.json", "w"))
PY
certspotter -logs wrong-key.json -watchlist watchlist -state_dir cs-wrong -stdout -verbose \
  >cs-wrong.out 2>&1 &
cs_pid=$!
PIDS+=($cs_pid)
for _ in $(seq 50); do grep -q "invalid signature" cs-wrong.out && break; sleep 0.1; done
kill "$cs_pid"; wait "$cs_pid" 2>/dev/null || true
grep -q "invalid signature" cs-wrong.out || fail "certspotter accepted an STH under another key"

# A restart after SIGKILL keeps the tree, then the tree grows; certspotter's second run
# resumes from its saved tree and checks the new one extends it.
root_before=$(field sth.json sha256_root_hash)
kill -9 "$LOG_PID"; wait "$LOG_PID" 2>/dev/null || true  # no clean shutdown
start_log
wait_tree_size 2
[ "$(field sth.json sha256_root_hash)" = "$root_before" ] || fail "the root hash changed across a restart"
[ "$(post add-chain www.json)" = 200 ] && cmp -s resp www.sct || fail "the SCT changed across a restart"
leaf new.ctlog.test new
chain new.pem int.pem >new.json
[ "$(post add-chain new.json)" = 200 ] || fail "add-chain after restart: $(cat resp)"
wait_tree_size 3
curl -sS "$URL/get-sth-consistency?first=2&second=3" | python3 -c '
import json, sys; assert len(json.load(sys.stdin)["consistency"]) == 1' || fail "get-sth-consistency"
CS_OUT=cs2.out run_certspotter cs2.out new.ctlog.test
grep -q "www.ctlog.test" cs2.out && fail "certspotter's second run re-reported old entries: it did not resume"
grep -q "Log Entry = 2 @" cs2.out || fail "certspotter: no entry 2"
# Control: certspotter does check the tree. A copy of the log whose entry 0
# was rewritten (its leaf hash, as a log rewriting history would) grows by
# one entry; certspotter, resuming from what it saw, refuses the new STH.
kill "$LOG_PID"; wait "$LOG_PID" 2>/dev/null || true
python3 -c 'import sqlite3; c = sqlite3.connect("log/ctlog.sqlite3")
c.execute("UPDATE ct_entries SET leaf_hash = zeroblob(32) WHERE idx = 0"); c.commit()'
cp -r cs cs-forked
start_log
leaf fork.ctlog.test fork
chain fork.pem int.pem >fork.json
[ "$(post add-chain fork.json)" = 200 ] || fail "add-chain to the rewritten log: $(cat resp)"
wait_tree_size 4
certspotter -logs log/log.json -watchlist watchlist -state_dir cs-forked -stdout -verbose \
  >cs-forked.out 2>&1 &
cs_pid=$!
PIDS+=($cs_pid)
for _ in $(seq 50); do grep -q "does not match" cs-forked.out && break; sleep 0.1; done
kill "$cs_pid"; wait "$cs_pid" 2>/dev/null || true
grep -q "does not match the entries" cs-forked.out ||
  fail "certspotter accepted a log that rewrote its history: $(cat cs-forked.out)"
echo "PASS: ctlog"
