#!/usr/bin/env bash
# Issue 19, operators: the real `signetd admin` subcommands on the data
# directory of a running signetd that issued a real certificate (certbot
# --standalone). accounts/certificates list and search and counts print the
# documented tab-separated lines; two failed validations in a row (signetd
# started with --pause-after-failures 2 --pause-min-span 0) pause the
# account for the name, so certbot's next order is refused rateLimited
# naming the unpause URL, until `admin unpause`; `admin pause` pauses by
# hand; `admin block-key --cert` blocks the certificate's key, so a new
# order finalized with that key is badCSR; misuse is one line on stderr and
# a non-zero exit, and changes nothing.
# Usage: signetd_admin_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
SIGNETD=$1
start_dns
start_signetd "$SIGNETD" --pause-after-failures 2 --pause-min-span 0
export REQUESTS_CA_BUNDLE="$DATA/root.pem"
TAB=$'\t'

cb() {  # cb ARGS...: certbot with the one account of this test
  certbot --non-interactive --server "$DIRECTORY" --config-dir "$T/cb" \
    --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" "$@"
}
obtain() {  # obtain LOG HTTP01-PORT NAME [certbot args]: certonly --standalone
  local log=$1 port=$2 name=$3; shift 3
  cb certonly --standalone --agree-tos -m ops@example.com --http-01-port "$port" \
    --http-01-address 127.0.0.1 -d "$name" "$@" >"$T/$log.log" 2>&1
}
admin() {  # admin NAME ARGS...: signetd admin ARGS on $DATA, must succeed; output in $T/NAME.out
  local name=$1; shift
  "$SIGNETD" admin "$@" --data-dir "$DATA" >"$T/$name.out" 2>"$T/$name.err" \
    || fail "admin $*: exit $?: $(cat "$T/$name.err")"
}
expect_line() {  # expect_line NAME REGEX: some line of $T/NAME.out matches
  grep -Eq -- "$2" "$T/$1.out" || fail "$1: no line matching '$2' in: $(cat "$T/$1.out")"
}
expect_misuse() {  # expect_misuse NAME REGEX ARGS...: non-zero exit, one stderr line matching
  local name=$1 regex=$2; shift 2
  if "$SIGNETD" "$@" >"$T/$name.out" 2>"$T/$name.err"; then fail "$name: exit 0"; fi
  [ "$(wc -l <"$T/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$T/$name.err")"
  grep -Eq -- "$regex" "$T/$name.err" || fail "$name: stderr '$(cat "$T/$name.err")' lacks '$regex'"
  [ ! -s "$T/$name.out" ] || fail "$name: printed on stdout: $(cat "$T/$name.out")"
}

# A real certificate.
obtain issue "$HTTP01_PORT" admin.example.test || fail "certbot: $(tail -5 "$T/issue.log")"
live="$T/cb/live/admin.example.test"
check_cert "$live/cert.pem" "$live/chain.pem" admin.example.test
SERIAL=$(openssl x509 -in "$live/cert.pem" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f' \
         | sed 's/^0*//')

# accounts: ID STATUS CREATED THUMBPRINT CONTACTS
# (and the CA's own "listener" account, deactivated, holding the HTTPS
# listener's certificate)
admin accounts-list accounts list
[ "$(wc -l <"$T/accounts-list.out")" -eq 2 ] || fail "accounts list: $(cat "$T/accounts-list.out")"
expect_line accounts-list "^listener${TAB}deactivated$TAB"
IFS=$TAB read -r ACCOUNT status created tp contacts < <(grep -v "^listener$TAB" "$T/accounts-list.out")
[ "$status" = valid ] && [ "$contacts" = "mailto:ops@example.com" ] \
  || fail "accounts list line: $(cat "$T/accounts-list.out")"
[[ "$created" =~ ^20[0-9-]+T[0-9:]+Z$ ]] && [[ "$tp" =~ ^[A-Za-z0-9_-]{43}$ ]] \
  || fail "accounts list fields: $(cat "$T/accounts-list.out")"
admin by-contact accounts search --contact OPS@EXAMPLE
expect_line by-contact "^$ACCOUNT${TAB}valid$TAB"
admin by-thumbprint accounts search --thumbprint "$tp"
expect_line by-thumbprint "^$ACCOUNT$TAB"
admin by-other-contact accounts search --contact nobody@
[ ! -s "$T/by-other-contact.out" ] || fail "search for another contact: $(cat "$T/by-other-contact.out")"
echo "ok: accounts list and search"

# certificates: SERIAL STATUS NOT-AFTER ACCOUNT PROFILE NAMES
admin by-name certificates search --name ADMIN.example.test
[ "$(wc -l <"$T/by-name.out")" -eq 1 ] || fail "certificates search: $(cat "$T/by-name.out")"
expect_line by-name "^$SERIAL${TAB}valid${TAB}[0-9T:-]+Z$TAB$ACCOUNT${TAB}classic${TAB}admin.example.test$"
admin by-serial certificates search --serial "$(openssl x509 -in "$live/cert.pem" -noout -serial)"
expect_line by-serial "^$SERIAL$TAB"
admin by-account certificates search --account "$ACCOUNT"
expect_line by-account "^$SERIAL$TAB"
admin certs-list certificates list --limit 2
expect_line certs-list "^$SERIAL$TAB"
[ "$(wc -l <"$T/certs-list.out")" -eq 2 ] || fail "certificates list --limit 2: $(cat "$T/certs-list.out")"
echo "ok: certificates list and search"

admin counts counts
# The listener's certificate counts with its order; its account is deactivated.
for line in "accounts_valid: 1" "accounts_deactivated: 1" "orders_valid: 2" "certificates_valid: 2" "certificates_revoked: 0" \
            "paused_pairs: 0" "eab_keys_unbound: 0"; do
  expect_line counts "^$line\$"
done
[ "$(wc -l <"$T/counts.out")" -eq 14 ] || fail "counts: $(cat "$T/counts.out")"
echo "ok: counts"

# Paused clients: two validations in a row fail (nothing answers on the port
# signetd dials), so the account is paused for the name.
for i in 1 2; do
  if obtain zombie-$i 5999 zombie.example.test; then fail "validation $i succeeded"; fi
done
if obtain zombie-3 "$HTTP01_PORT" zombie.example.test; then fail "paused name was ordered"; fi
# certbot 2.1 on Python 3.11 reports any newOrder problem as "AttributeError:
# can't set attribute" (josepy's immutable Error); its debug log keeps the
# response signetd sent.
cp "$T/cb-logs/letsencrypt.log" "$T/zombie-3.debug"
grep -q "HTTP 429" "$T/zombie-3.debug" \
  && grep -q '"type":"urn:ietf:params:acme:error:rateLimited"' "$T/zombie-3.debug" \
  && grep -q "paused for dns:zombie.example.test" "$T/zombie-3.debug" \
  && grep -q "https://127.0.0.1:$CA_PORT/acme/unpause/$ACCOUNT\"" "$T/zombie-3.debug" \
  || { tail -40 "$T/zombie-3.debug"; fail "paused newOrder: not rateLimited with the unpause URL"; }
admin paused paused
expect_line paused "^$ACCOUNT${TAB}dns:zombie.example.test$TAB[0-9T:-]+Z${TAB}2$"
admin counts-paused counts
expect_line counts-paused "^paused_pairs: 1$"
admin unpause unpause --account "$ACCOUNT" --identifier dns:ZOMBIE.example.test
[ "$(cat "$T/unpause.out")" = "unpaused$TAB$ACCOUNT${TAB}dns:zombie.example.test" ] \
  || fail "unpause: $(cat "$T/unpause.out")"
obtain zombie-4 "$HTTP01_PORT" zombie.example.test || fail "after unpause: $(tail -5 "$T/zombie-4.log")"
# By hand: pause, refused, unpause everything.
admin pause pause --account "$ACCOUNT" --identifier dns:manual.example.test
[ "$(cat "$T/pause.out")" = "paused$TAB$ACCOUNT${TAB}dns:manual.example.test" ] \
  || fail "pause: $(cat "$T/pause.out")"
if obtain manual-1 "$HTTP01_PORT" manual.example.test; then fail "paused by hand, yet ordered"; fi
grep -q "paused for dns:manual.example.test" "$T/cb-logs/letsencrypt.log" \
  || fail "paused by hand: $(tail -20 "$T/cb-logs/letsencrypt.log")"
admin unpause-all unpause --account "$ACCOUNT"
expect_line unpause-all "^unpaused$TAB$ACCOUNT${TAB}dns:manual.example.test$"
obtain manual-2 "$HTTP01_PORT" manual.example.test || fail "after unpause: $(tail -5 "$T/manual-2.log")"
echo "ok: pause and unpause"

# block-key by certificate: a new order finalized with that key is badCSR.
SPKI=$(openssl x509 -in "$live/cert.pem" -noout -pubkey | openssl pkey -pubin -outform DER \
       | sha256sum | cut -d' ' -f1)
admin block block-key --cert "$live/cert.pem"
[ "$(cat "$T/block.out")" = "blocked$TAB$SPKI$TAB$SERIAL" ] || fail "block-key: $(cat "$T/block.out")"
admin block-again block-key --spki-sha256 "$SPKI"
[ "$(cat "$T/block-again.out")" = "blocked$TAB$SPKI$TAB-${TAB}already" ] \
  || fail "block-key again: $(cat "$T/block-again.out")"
openssl req -new -key "$live/privkey.pem" -subj /CN=admin.example.test \
  -addext subjectAltName=DNS:admin.example.test -outform DER -out "$T/reused.csr" \
  || fail "openssl req"
if cb certonly --standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1 \
    --csr "$T/reused.csr" --cert-path "$T/reused.pem" --fullchain-path "$T/reused-full.pem" \
    --chain-path "$T/reused-chain.pem" >"$T/reused.log" 2>&1; then
  fail "a certificate for a blocked key"
fi
grep -q '"type":"urn:ietf:params:acme:error:badCSR"' "$T/cb-logs/letsencrypt.log" \
  && grep -q "key is blocked" "$T/cb-logs/letsencrypt.log" \
  || { tail -40 "$T/cb-logs/letsencrypt.log"; fail "blocked key: not badCSR"; }
admin by-serial-after certificates search --serial "$SERIAL"
expect_line by-serial-after "^$SERIAL${TAB}valid$TAB"  # blocking revokes nothing
echo "ok: block-key by certificate"

# Misuse: one line on stderr, a non-zero exit, nothing printed or changed.
expect_misuse no-identifier "identifier" admin pause --data-dir "$DATA" --account "$ACCOUNT"
expect_misuse bad-identifier "dns:NAME or ip:ADDRESS" admin pause --data-dir "$DATA" \
  --account "$ACCOUNT" --identifier zombie.example.test
expect_misuse unknown-account "no account with id nobody" admin unpause --data-dir "$DATA" \
  --account nobody
expect_misuse not-paused "not paused for dns:x.example.test" admin unpause --data-dir "$DATA" \
  --account "$ACCOUNT" --identifier dns:x.example.test
expect_misuse short-hash "64 hex digits" admin block-key --data-dir "$DATA" --spki-sha256 abcd
expect_misuse both-keys "excludes" admin block-key --data-dir "$DATA" --spki-sha256 "$SPKI" \
  --cert "$live/cert.pem"
expect_misuse no-key "needs --spki-sha256 HEX or --cert FILE" admin block-key --data-dir "$DATA"
expect_misuse no-cert "" admin block-key --data-dir "$DATA" --cert "$T/nowhere.pem"
expect_misuse empty-search "needs --id, --contact or --thumbprint" admin accounts search \
  --data-dir "$DATA"
expect_misuse bad-serial "not hex" admin certificates search --data-dir "$DATA" --serial zz
expect_misuse zero-limit "--limit must be" admin accounts list --data-dir "$DATA" --limit 0
expect_misuse no-db "no signetd database" admin counts --data-dir "$T/nowhere"
expect_misuse bad-span "pause_min_span" serve --data-dir "$T/other" --listen "127.0.0.1:$((CA_PORT + 999))" \
  --pause-min-span 7x
admin counts-after counts
expect_line counts-after "^paused_pairs: 0$"
echo "ok: signetd admin"
