#!/usr/bin/env bash
# Issue 15: signetd's lifecycle under systemd's conventions.
# - sd_notify: with NOTIFY_SOCKET (a python3 datagram listener) and
#   WATCHDOG_USEC, signetd sends READY=1 once it serves and WATCHDOG=1 pings.
# - SIGHUP: --config's log_level "warn" -> "info" takes effect (a request is
#   logged that was not before) and a new [profiles.extra] appears in the
#   directory, on the same kept-alive TLS connection, which stays open; RELOADING=1 then READY=1 are sent; a bad file ("loud") keeps
#   the level in force and logs why.
# - SIGTERM while an HTTP-01 validation runs and another waits for the one
#   validation worker (the challenge server answers after 3 s): STOPPING=1,
#   both finish and are stored, exit 0; restarted, certbot gets the
#   certificate with the stored valid authorizations (the challenge server
#   is not asked again).
# Usage: signetd_lifecycle_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
start_dns
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

# A datagram listener standing in for systemd: one line per message.
python3 - "$T/notify.sock" "$T/notify.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", "|") + "\n")
PY
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done

printf 'log_level = "warn"\nvalidation_workers = 1\n' >"$T/signetd.toml"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=300000 \
  start_signetd "$SIGNETD" --config "$T/signetd.toml" --shutdown-timeout 20
sleep 1
grep -q '^READY=1|STATUS=serving ACME' "$T/notify.txt" || fail "no READY=1: $(cat "$T/notify.txt")"
pings=$(grep -c '^WATCHDOG=1$' "$T/notify.txt" || true)
[ "$pings" -ge 2 ] || fail "$pings WATCHDOG=1 in 1 s with WATCHDOG_USEC=300000"
echo "ok: READY=1 and $pings watchdog pings"

# SIGHUP on one kept-alive connection.
python3 - "$CA_PORT" "$DATA/root.pem" "$SIGNETD_PID" "$T/signetd.toml" "$T/signetd.log" <<'PY' \
  || fail "SIGHUP check failed"
import http.client, json, os, signal, ssl, sys, time
port, ca, pid, conf, log = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(cafile=ca))
profiles = {}
def get():
    conn.request("GET", "/directory")
    r = conn.getresponse()
    profiles.clear()
    profiles.update(json.loads(r.read())["meta"]["profiles"])
    assert r.status == 200 and r.getheader("Connection", "").lower() != "close", r.getheaders()
    return r.getheader("X-Request-Id")
def logged(request_id):
    time.sleep(0.2)
    return any(json.loads(l).get("request_id") == request_id for l in open(log) if l.startswith("{"))
def hup(line):
    before = open(log).read().count(line)
    os.kill(pid, signal.SIGHUP)
    for _ in range(50):
        if open(log).read().count(line) > before:
            return
        time.sleep(0.1)
    sys.exit(f"no '{line}' after SIGHUP")
first = get()
sock = conn.sock
assert not logged(first), "an info line at level warn"
assert "extra" not in profiles, profiles
open(conf, "w").write('log_level = "info"\nblocklist = ["blocked.example.test"]\n'
                      '[profiles.extra]\ndescription = "added by SIGHUP"\n')
hup("SIGHUP: rate limits reloaded, blocklist (1 names), profiles and log level (info) applied")
second = get()
assert profiles.get("extra") == "added by SIGHUP", profiles
assert conn.sock is sock, "the connection was closed by the reload"
assert logged(second), "level info after SIGHUP, but the request is not logged"
open(conf, "w").write('log_level = "loud"\n')
hup("SIGHUP: rate limits not reloaded, nor blocklist, profiles and log level; the previous "
    "settings stay")
assert 'unknown log level \\"loud\\"' in open(log).read(), "the reason is not logged"
third = get()
assert conn.sock is sock, "the connection was closed by the failed reload"
assert logged(third), "a bad reload changed the level"
assert profiles.get("extra") == "added by SIGHUP", "a bad reload changed the profiles"
print("ok: SIGHUP: level warn -> info and a new profile in the directory on one kept-alive "
      "connection; a bad level kept both")
PY
grep -A1 '^RELOADING=1$' "$T/notify.txt" | grep -q '^READY=1$' || fail "no RELOADING=1 then READY=1"

# SIGTERM while a validation waits on a slow challenge server.
mkdir -p "$T/www"
python3 - "$HTTP01_PORT" "$T/www" "$T/asked" <<'PY' >"$T/slow.log" 2>&1 &
import http.server, sys, time
port, root, asked = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class Slow(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def do_GET(self):
        with open(asked, "a") as f:
            f.write(self.path + "\n")
        time.sleep(3)
        super().do_GET()
http.server.ThreadingHTTPServer(("127.0.0.1", port), Slow).serve_forever()
PY
PIDS+=($!)
wait_for_port 127.0.0.1 "$HTTP01_PORT"
cb() {
  certbot certonly --webroot -w "$T/www" --non-interactive --agree-tos -m life@example.com \
    --server "$DIRECTORY" --config-dir "$T/cb" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    -d slow1.example.test -d slow2.example.test "$@"
}
cb >"$T/certbot1.log" 2>&1 &
CB=$!
# Both challenges answered: one validation runs (one worker), one waits.
challenges() { grep -c '"path":"/acme/chall/[^"]*","status":200' "$T/signetd.log" || true; }
for _ in $(seq 300); do [ -s "$T/asked" ] && [ "$(challenges)" -ge 2 ] && break; sleep 0.1; done
[ -s "$T/asked" ] && [ "$(challenges)" -ge 2 ] || fail "the challenges were not both answered"
start=$(date +%s.%N)
kill -TERM "$SIGNETD_PID"
# Draining: the operator listener still answers, and says not ready.
sleep 0.5
ready=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$((CA_PORT + 90))/health/ready" || true)
[ "$ready" = "not ready: shutting down
 503" ] || fail "/health/ready while draining: $ready"
rc=0
wait "$SIGNETD_PID" || rc=$?
took=$(echo "$(date +%s.%N) - $start" | bc)
wait "$CB" 2>/dev/null || true
[ "$rc" = 0 ] || fail "signetd exited $rc after SIGTERM"
echo "$took > 4.5 && $took < 15" | bc | grep -q 1 \
  || fail "SIGTERM took ${took}s (want the running and the queued 3 s validations, < 15 s)"
grep -q '^STOPPING=1$' "$T/notify.txt" || fail "no STOPPING=1"
python3 - "$T/signetd.log" <<'PY' || fail "the validation was not finished before exit"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
msgs = [l["msg"] for l in lines]
for name in ("slow1.example.test", "slow2.example.test"):
    v = [i for i, l in enumerate(lines) if l["msg"] == "validation" and l["identifier"] == name]
    assert v and lines[v[0]]["outcome"] == "valid", f"no valid validation line for {name}"
    assert v[0] < msgs.index("signetd stopped"), f"{name} validated after the stop"
PY
echo "ok: SIGTERM with a validation running and one queued: both finished (${took}s), exit 0, STOPPING=1, not ready while draining"

start_signetd "$SIGNETD"
cb >"$T/certbot2.log" 2>&1 || { cat "$T/certbot2.log"; fail "certbot after the restart"; }
[ "$(wc -l <"$T/asked")" = 2 ] || fail "the challenge server was asked again: $(cat "$T/asked")"
echo "ok: after the restart the stored valid authorization is used; certificate issued"
