#!/usr/bin/env bash
# Each misuse gives one line on stderr and a non-zero exit, and leaves an
# existing lineage untouched.
# Usage: signet_bad_input_test.sh signetd SIGNET SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
SIGNET=$2
start_agent_ca signetd "$3"
CFG="$T/le"
paths=(--config-dir "$CFG" --work-dir "$T/work" --logs-dir "$T/logs" -n)
"$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" --agree-tos -m ops@example.com \
  --server "$DIRECTORY" -d keep.example.test "${paths[@]}" >"$T/setup.log" 2>&1 \
  || { cat "$T/setup.log"; fail "setup failed"; }
before=$(cd "$CFG" && find . -type f -o -type l | sort | xargs sha256sum 2>/dev/null | sha256sum)

# expect_error NAME ARGS...: non-zero exit, exactly one line on stderr.
expect_error() {
  local name=$1; shift
  set +e
  "$@" >"$T/$name.out" 2>"$T/$name.err"
  local rc=$?
  set -e
  [ $rc -ne 0 ] || fail "$name: exit code 0"
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
  echo "ok: $name -> rc=$rc: $(cat "$T/$name.err")"
}
expect_error unknown_flag "$SIGNET" certonly --no-such-flag -d a.example.test "${paths[@]}"
expect_error missing_domains "$SIGNET" certonly --standalone --server "$DIRECTORY" "${paths[@]}"
expect_error unreachable "$SIGNET" certonly --standalone --server https://127.0.0.1:1/directory \
  --agree-tos -m ops@example.com -d x.example.test "${paths[@]}"
# A "CA" that answers garbage.
python3 -c "
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b'<html>not acme</html>')
    do_HEAD = do_GET
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', $((CA_PORT + 99))), H).serve_forever()" &
PIDS+=($!)
wait_for_port 127.0.0.1 $((CA_PORT + 99))
expect_error garbage_ca "$SIGNET" certonly --standalone --server http://127.0.0.1:$((CA_PORT + 99))/directory \
  --agree-tos -m ops@example.com -d x.example.test "${paths[@]}"
# The CA refuses the name: its problem document in plain words.
expect_error problem_document "$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" \
  --server "$DIRECTORY" -d bad_name.example.test "${paths[@]}"
grep -q "rejectedIdentifier" "$T/problem_document.err" || fail "problem type not shown"
grep -q "bad_name.example.test" "$T/problem_document.err" || fail "identifier not shown"
# The standalone port is taken.
python3 -m http.server "$HTTP01_PORT" --bind 127.0.0.1 >/dev/null 2>&1 &
PIDS+=($!)
wait_for_port 127.0.0.1 "$HTTP01_PORT"
expect_error port_in_use "$SIGNET" certonly --standalone --http-01-port "$HTTP01_PORT" \
  --http-01-address 127.0.0.1 --server "$DIRECTORY" -d busy.example.test "${paths[@]}"
grep -qi "already in use" "$T/port_in_use.err" || fail "port-in-use message unclear"
# A config dir that cannot be written (under a regular file: even root fails).
touch "$T/not-a-dir"
expect_error unwritable_config "$SIGNET" certonly --standalone --server "$DIRECTORY" \
  -d x.example.test --config-dir "$T/not-a-dir/le" --work-dir "$T/work" --logs-dir "$T/logs" -n
after=$(cd "$CFG" && find . -type f -o -type l | sort | xargs sha256sum 2>/dev/null | sha256sum)
[ "$before" = "$after" ] || fail "a failed run changed the existing lineage"
verify_lineage "$CFG" keep.example.test keep.example.test
