#!/usr/bin/env bash
# The main job: sets up, starts signetd on SQLite (with pebble-challtestsrv as
# its DNS, every name pointing at 127.0.0.1), and gets a real certificate for
# a demo name with signet, the agent (signet certonly --standalone), then shows it.
# Everything stays on loopback; state goes to ./demo (kept for inspection).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
NAME=${1:-demo.example.test}
OUT="$PWD/demo"
rm -rf "$OUT" && mkdir -p "$OUT"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
pebble-challtestsrv -dns01 127.0.0.1:8053 -http01 "" -https01 "" -tlsalpn01 "" \
  -management 127.0.0.1:8055 -defaultIPv6 "" >"$OUT/challtestsrv.log" 2>&1 &
pids+=($!)
build/apps/signetd/signetd serve --data-dir "$OUT/ca" --listen 127.0.0.1:14000 \
  --dns-resolver 127.0.0.1:8053 --http01-port 5002 --tlsalpn01-port 5001 \
  --allow-loopback-validation >"$OUT/signetd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/14000) 2>/dev/null && break; sleep 0.1; done
echo "signetd is up: https://127.0.0.1:14000/directory (root: $OUT/ca/root.pem)"
# signet, the agent, speaks certbot's language and writes certbot's layout.
REQUESTS_CA_BUNDLE="$OUT/ca/root.pem" build/apps/signet/signet certonly --standalone \
  --non-interactive --agree-tos -m ops@example.com --server https://127.0.0.1:14000/directory \
  --http-01-port 5002 --http-01-address 127.0.0.1 \
  --config-dir "$OUT/letsencrypt" --work-dir "$OUT/work" --logs-dir "$OUT/logs" -d "$NAME"
live="$OUT/letsencrypt/live/$NAME"
openssl verify -CAfile "$OUT/ca/root.pem" -untrusted "$live/chain.pem" "$live/cert.pem"
openssl x509 -in "$live/cert.pem" -noout -subject -issuer -dates -ext subjectAltName
echo "Certificate for $NAME: $live/fullchain.pem"
