# The signet crash campaign (issue 14), shared by the short test
# (signet_crash_test.sh) and the long one (bench/crash_campaign.sh).
# Source lib.sh and agent_lib.sh, start signetd (start_agent_ca signetd),
# then: agent_crash_campaign SIGNET CERTONLY_ROUNDS RENEW_ROUNDS
# - first run: certonly in an empty configuration directory (the account is
#   registered, then the lineage written) killed, then run again there.
# - certonly: each round a new name; signet certonly is killed with SIGKILL
#   at a random moment (half the time in the last 60 ms of a run's measured
#   length, where the files are written), then run again to completion.
# - renew: one lineage; signet renew --force-renewal is killed the same way,
#   every third round left to finish.
# After every kill, before anything repairs it: a lineage whose four live
# links are all in place holds a certificate and key that belong together
# (fullchain = cert + chain), unless the kill came mid-switch: then all four
# previous_*.pem links are there, and the next signet or certbot run rolls
# back to them (counted, as "mid link switch").
# Then certbot certificates reads the config directory without complaint
# and lists every lineage with a renewal configuration, and each such
# lineage is complete and matching with a chain that verifies
# (agent_verify_lineage). No lineage is ever duplicated (NAME-0001).
# Sets AGENT_CRASH_SUMMARY.
agent_crash_common() {
  ACFG="$T/agent"
  AGENT_COMMON=(--server "$DIRECTORY" --config-dir "$ACFG" --work-dir "$T/agent-work"
                --logs-dir "$T/agent-logs" --non-interactive)
}

agent_run() {  # KILL_AFTER_MS|"" ARGS...: run signet, killed after that long
  local after=$1; shift
  "$AGENT" "$@" "${AGENT_COMMON[@]}" >>"$T/agent.log" 2>&1 &
  local pid=$!
  if [ -n "$after" ]; then
    sleep "$(printf '%d.%03d' $((after / 1000)) $((after % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then AGENT_KILLS=$((AGENT_KILLS + 1)); fi
    wait "$pid" 2>/dev/null || true
    return 0
  fi
  wait "$pid"
}

agent_ms() { echo $(( $(date +%s%N) / 1000000 )); }

agent_kill_delay() {  # MEASURED_MS: a random moment of a run that long
  local t=$1
  if [ $((RANDOM % 2)) = 0 ]; then echo $((RANDOM % (t + 1)))
  else echo $((t > 60 ? t - 60 + RANDOM % 70 : RANDOM % (t + 10))); fi
}

pubkey_of_cert() { openssl x509 -in "$1" -noout -pubkey 2>/dev/null | openssl sha256; }
pubkey_of_key() { openssl pkey -in "$1" -pubout 2>/dev/null | openssl sha256; }

# What a web server would read right after the kill, before any repair.
agent_check_raw() {  # NAME
  local live="$ACFG/live/$1" f
  for f in cert chain fullchain privkey; do [ -e "$live/$f.pem" ] || return 0; done
  if [ "$(pubkey_of_cert "$live/cert.pem")" = "$(pubkey_of_key "$live/privkey.pem")" ] &&
     cmp -s <(cat "$live/cert.pem" "$live/chain.pem") "$live/fullchain.pem"; then
    return 0
  fi
  for f in cert chain fullchain privkey; do
    [ -L "$live/previous_$f.pem" ] \
      || fail "TORN: after a kill, live/$1 mixes two versions with nothing to roll back to: $(ls -l "$live")"
  done
  [ -n "${AGENT_CRASH_DEBUG:-}" ] && ls -l "$live" >&2
  AGENT_MID_SWITCH=$((AGENT_MID_SWITCH + 1))
}

# What certbot (and then anyone) finds: every lineage with a renewal
# configuration is listed and complete.
agent_check_certbot() {  # NAME DOMAIN...
  local name=$1; shift
  certbot certificates --config-dir "$ACFG" --work-dir "$T/cb-work" --logs-dir "$T/cb-logs" \
    >"$T/certbot-certificates.txt" 2>&1 || fail "certbot certificates: $(cat "$T/certbot-certificates.txt")"
  ! grep -qi "invalid\|parse\|error" "$T/certbot-certificates.txt" \
    || fail "certbot certificates complains: $(cat "$T/certbot-certificates.txt")"
  local conf
  for conf in "$ACFG"/renewal/*.conf; do
    [ -e "$conf" ] || continue
    local n
    n=$(basename "$conf" .conf)
    grep -q "Certificate Name: $n\$" "$T/certbot-certificates.txt" \
      || fail "certbot does not list $n: $(cat "$T/certbot-certificates.txt")"
    case "$n" in *-0[0-9][0-9][0-9]) fail "a duplicated lineage $n after a kill" ;; esac
  done
  [ -e "$ACFG/renewal/$name.conf" ] && agent_verify_lineage "$name" "$@"
  return 0
}

# verify_lineage, but a live link may be absolute: certbot's own roll back
# of an interrupted switch (its _fix_symlinks) restores the absolute
# targets its previous_*.pem links hold, and later switches keep the
# link's directory, as certbot's do.
agent_verify_lineage() {  # NAME DOMAIN...
  local name=$1 f target; shift
  local live="$ACFG/live/$name"
  for f in cert chain fullchain privkey; do
    target=$(readlink "$live/$f.pem") || fail "live/$name/$f.pem is not a symlink"
    case "$target" in
      ../../archive/"$name"/"$f"[0-9]*.pem | "$ACFG"/archive/"$name"/"$f"[0-9]*.pem) ;;
      *) fail "live/$name/$f.pem -> $target is not a link into archive/$name" ;;
    esac
    [ -s "$live/$f.pem" ] || fail "live/$name/$f.pem -> $target is empty or dangling"
  done
  ! ls "$live"/previous_*.pem >/dev/null 2>&1 || fail "previous_*.pem links left in live/$name"
  [ "$(pubkey_of_cert "$live/cert.pem")" = "$(pubkey_of_key "$live/privkey.pem")" ] \
    || fail "TORN: live/$name/privkey.pem does not match cert.pem"
  openssl verify -CAfile "$ISSUER_ROOT" -untrusted "$live/chain.pem" "$live/cert.pem" >/dev/null \
    || fail "the chain of live/$name does not verify"
  cmp -s <(cat "$live/cert.pem" "$live/chain.pem") "$live/fullchain.pem" \
    || fail "live/$name/fullchain.pem is not cert.pem + chain.pem"
  local want got
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  got=$(openssl x509 -in "$live/cert.pem" -noout -ext subjectAltName | tail -n +2 | tr ',' '\n' \
        | sed -e 's/^ *DNS://' -e 's/ //g' | grep -v '^$' | sort | tr '\n' ' ')
  [ "$want" = "$got" ] || fail "SANs of live/$name: want '$want' got '$got'"
}

agent_crash_campaign() {
  AGENT=$1
  local certonly_rounds=$2 renew_rounds=$3
  local seed=${CRASH_SEED:-$RANDOM}
  RANDOM=$seed
  echo "signet crash campaign: $certonly_rounds certonly and $renew_rounds renew rounds, seed $seed"
  agent_crash_common
  AGENT_KILLS=0 AGENT_MID_SWITCH=0
  local how=(--standalone --http-01-port "$HTTP01_PORT" --http-01-address 127.0.0.1)
  local t0 t_certonly t_renew name r
  t0=$(agent_ms)
  agent_run "" certonly "${how[@]}" --agree-tos -m crash@example.com -d agent-crash.example.test \
    -d www.agent-crash.example.test || fail "certonly: $(tail -5 "$T/agent.log")"
  t_certonly=$(( $(agent_ms) - t0 ))
  t0=$(agent_ms)
  agent_run "" renew --force-renewal --no-random-sleep-on-renew \
    || fail "renew: $(tail -5 "$T/agent.log")"
  t_renew=$(( $(agent_ms) - t0 ))
  echo "unkilled: certonly ${t_certonly} ms, renew ${t_renew} ms"

  # Deterministic: what a kill between the links and the renewal conf of a
  # new lineage leaves (its conf removed); the next certonly finishes it
  # under the same name, not NAME-0001 beside it.
  agent_run "" certonly "${how[@]}" -d unfinished.agent-crash.example.test \
    || fail "certonly: $(tail -5 "$T/agent.log")"
  rm "$ACFG/renewal/unfinished.agent-crash.example.test.conf"
  agent_run "" certonly "${how[@]}" -d unfinished.agent-crash.example.test \
    || fail "certonly over an unfinished lineage: $(tail -5 "$T/agent.log")"
  agent_check_certbot unfinished.agent-crash.example.test unfinished.agent-crash.example.test
  [ ! -e "$ACFG/live/unfinished.agent-crash.example.test-0001" ] \
    || fail "certonly after a kill before the renewal conf made a second lineage (-0001)"
  echo "ok: a lineage left without its conf by a kill is finished under its own name"
  # Deterministic: what a kill between an account's key and its regr.json
  # leaves (regr.json removed): the next run finishes that account with
  # the CA's URL and uses it, instead of refusing or registering another.
  local accounts
  accounts=$(echo "$ACFG"/accounts/*/directory)
  local account_id
  account_id=$(ls "$accounts")
  cp "$accounts/$account_id/regr.json" "$T/regr.json"
  rm "$accounts/$account_id/regr.json"
  agent_run "" certonly "${how[@]}" -d regr.agent-crash.example.test \
    || fail "certonly with an account whose regr.json a kill kept from being written: $(tail -3 "$T/agent.log")"
  [ "$(ls "$accounts")" = "$account_id" ] || fail "another account was made: $(ls "$accounts")"
  cmp -s "$T/regr.json" "$accounts/$account_id/regr.json" \
    || fail "regr.json rewritten without the account's URL: $(cat "$accounts/$account_id/regr.json")"
  echo "ok: an account left without regr.json by a kill is finished and used"
  # A first run in an empty configuration directory (account registration,
  # then the lineage) killed; the next run there succeeds.
  local main_cfg=$ACFG
  for r in $(seq $(( (certonly_rounds + 1) / 2 ))); do
    name=first$r.agent-crash.example.test
    ACFG="$T/first$r"
    AGENT_COMMON=(--server "$DIRECTORY" --config-dir "$ACFG" --work-dir "$ACFG-work"
                  --logs-dir "$ACFG-logs" --non-interactive)
    agent_run "$(agent_kill_delay "$t_certonly")" certonly "${how[@]}" --agree-tos \
      -m crash@example.com -d "$name"
    if [ -d "$ACFG/live" ]; then
      agent_check_raw "$name"
      agent_check_certbot "$name" "$name"
    fi
    agent_run "" certonly "${how[@]}" --agree-tos -m crash@example.com -d "$name" \
      || fail "certonly after a kill during the first run: $(tail -5 "$T/agent.log")"
    agent_verify_lineage "$name" "$name"
  done
  ACFG=$main_cfg
  agent_crash_common
  for r in $(seq "$certonly_rounds"); do
    name=new$r.agent-crash.example.test
    agent_run "$(agent_kill_delay "$t_certonly")" certonly "${how[@]}" -d "$name"
    agent_check_raw "$name"
    agent_check_certbot "$name" "$name"
    agent_run "" certonly "${how[@]}" -d "$name" || fail "certonly after a kill: $(tail -5 "$T/agent.log")"
    agent_verify_lineage "$name" "$name"
    [ ! -e "$ACFG/live/$name-0001" ] || fail "certonly after a kill made a second lineage $name-0001"
  done
  local serial before
  for r in $(seq "$renew_rounds"); do
    before=$(serial_of "$ACFG/live/agent-crash.example.test/cert.pem")
    if [ $((r % 3)) = 0 ]; then
      agent_run "" renew --force-renewal --no-random-sleep-on-renew \
        || fail "renew after kills: $(tail -5 "$T/agent.log")"
      serial=$(serial_of "$ACFG/live/agent-crash.example.test/cert.pem")
      [ "$serial" != "$before" ] || fail "renew did not replace the certificate"
    else
      agent_run "$(agent_kill_delay "$t_renew")" renew --force-renewal --no-random-sleep-on-renew
    fi
    agent_check_raw agent-crash.example.test
    agent_check_certbot agent-crash.example.test agent-crash.example.test www.agent-crash.example.test
  done
  agent_run "" renew --force-renewal --no-random-sleep-on-renew \
    || fail "the last renew: $(tail -5 "$T/agent.log")"
  agent_verify_lineage agent-crash.example.test agent-crash.example.test www.agent-crash.example.test
  AGENT_CRASH_SUMMARY="$certonly_rounds certonly and $renew_rounds renew rounds, $AGENT_KILLS kills ($AGENT_MID_SWITCH mid link switch, rolled back), seed $seed"
  echo "ok: signet: $AGENT_CRASH_SUMMARY; every lineage complete and matching, certbot reads them"
}
