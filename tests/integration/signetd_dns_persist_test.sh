#!/usr/bin/env bash
# dns-persist-01 (draft-ietf-acme-dns-persist) for real: standing
# _validation-persist TXT records in a bind9 zone, signetd with two remote
# perspectives (signetd remote-va over mutual TLS, on loopback, asking the
# same bind9), and an ACME client built on python3-acme (certbot's library;
# no Debian client speaks dns-persist-01 yet: lego 4.9 and certbot do not).
# Cases: a name and a wildcard are issued; a wildcard without policy=wildcard
# and a name without a record are `unauthorized`, naming the reason.
# Usage: signetd_dns_persist_test.sh SIGNETD
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bind9_lib.sh"
SIGNETD=$1
start_bind9

# A challenge lists 1 to 10 issuer domain names: signetd refuses to start with more.
many=(); for i in $(seq 11); do many+=(--caa-identity "ca$i.example"); done
"$SIGNETD" serve --data-dir "$T/refused" --listen "127.0.0.1:$CA_PORT" "${many[@]}" \
  2>"$T/refused.err" && fail "signetd started with 11 CAA identities"
grep -q "11 CAA identities: at most 10" "$T/refused.err" || fail "refusal: $(cat "$T/refused.err")"

# Mutual TLS between the primary and its remote perspectives.
M="$T/mtls"
mtls_ca "$M" "signet dns-persist test CA"
issue() { mtls_issue "$M" "$@"; }  # name san eku
issue primary "DNS:primary.va.test" clientAuth
issue remote "IP:127.0.0.1" serverAuth
remotes=()
rir=(ARIN RIPE)
for port in 15101 15102; do
  "$SIGNETD" remote-va --listen "127.0.0.1:$port" --dns-resolver "127.0.0.1:$DNS_PORT" \
    --caa-identity signet.test --allow-loopback-validation --rir "${rir[$((port - 15101))]}" \
    --tls-cert "$M/remote.pem" --tls-key "$M/remote.key" --client-ca "$M/ca.pem" \
    >"$T/remote$port.log" 2>&1 &
  PIDS+=($!)
  remotes+=(--remote-va "https://127.0.0.1:$port")
done
for port in 15101 15102; do wait_for_port 127.0.0.1 "$port"; done
start_signetd "$SIGNETD" --caa-identity signet.test "${remotes[@]}" --remote-va-ca "$M/ca.pem" \
  --remote-va-cert "$M/primary.pem" --remote-va-key "$M/primary.key" --remote-va-timeout-ms 5000
export REQUESTS_CA_BUNDLE="$DATA/root.pem"

/usr/bin/python3 - "$DIRECTORY" "$DNS_PORT" "$T" >"$T/client.log" 2>&1 <<'EOF' \
  || { cat "$T/client.log"; fail "dns-persist-01 client"; }
import datetime, subprocess, sys
import josepy
from acme import challenges, client, crypto_util, errors, messages
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

directory, dns_port, out = sys.argv[1], sys.argv[2], sys.argv[3]

class PersistResponse(challenges.ChallengeResponse):
    """The empty object that asks the CA to look at the standing record."""
    typ = "dns-persist-01"

    def __bool__(self):  # python3-acme sends a falsy payload as POST-as-GET
        return True

def nsupdate(*lines):
    cmd = "server 127.0.0.1 %s\nzone test.\n%s\nsend\n" % (dns_port, "\n".join(lines))
    subprocess.run(["nsupdate"], input=cmd.encode(), check=True)

key = josepy.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
net = client.ClientNetwork(key, alg=josepy.ES256, user_agent="signet-dns-persist-test")
acme = client.ClientV2(client.ClientV2.get_directory(directory, net), net)
account = acme.new_account(messages.NewRegistration.from_data(terms_of_service_agreed=True)).uri
print("account", account)

def order(names):
    """Answers every authorization by dns-persist-01; returns the order."""
    pkey = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    orderr = acme.new_order(crypto_util.make_csr(pkey, names))
    for authz in orderr.authorizations:
        challb = next(c for c in authz.body.challenges
                      if c.chall.to_partial_json().get("type") == "dns-persist-01")
        jobj = challb.chall.to_partial_json()
        assert jobj.get("issuer-domain-names") == ["signet.test"], jobj
        assert jobj.get("accounturi") == account, jobj
        assert "token" not in jobj, jobj
        acme.answer_challenge(challb, PersistResponse())
    return orderr

def issue(label, names):
    orderr = order(names)
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    done = acme.poll_and_finalize(orderr, deadline)
    blocks = done.fullchain_pem.split("-----END CERTIFICATE-----\n")
    open("%s/%s.pem" % (out, label), "w").write(blocks[0] + "-----END CERTIFICATE-----\n")
    open("%s/%s-chain.pem" % (out, label), "w").write("-----END CERTIFICATE-----\n".join(blocks[1:]))
    print("ok: issued", names)

def refused(names, problem, words):
    orderr = order(names)
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    try:
        acme.poll_authorizations(orderr, deadline)
    except errors.ValidationError as e:
        for authzr in e.failed_authzrs:
            for c in authzr.body.challenges:
                if c.error is None:
                    continue
                print("refused", names, c.error.typ, c.error.detail)
                assert c.error.typ == "urn:ietf:params:acme:error:" + problem, c.error
                assert words in c.error.detail, c.error.detail
                return
    raise AssertionError("%s was not refused" % names)

# A name: our record split in two character-strings (the draft's example
# form), beside a record for another CA at the same label.
nsupdate('update add _validation-persist.persist.example.test. 60 TXT "signet.test;" " accounturi=%s"' % account,
         'update add _validation-persist.persist.example.test. 60 TXT "other-ca.example; accounturi=https://x/1"')
issue("persist", ["persist.example.test"])
# A wildcard and its base name, from one policy=wildcard record.
nsupdate('update add _validation-persist.pwild.example.test. 60 TXT "signet.test; accounturi=%s; policy=wildcard"' % account)
issue("pwild", ["*.pwild.example.test", "pwild.example.test"])
# A wildcard without policy=wildcard; a name without a record.
nsupdate('update add _validation-persist.nopolicy.example.test. 60 TXT "signet.test; accounturi=%s"' % account)
refused(["*.nopolicy.example.test"], "unauthorized", "lacks policy=wildcard")
refused(["none.example.test"], "unauthorized", "No TXT record found at _validation-persist.none.example.test")
EOF
cat "$T/client.log"
check_cert "$T/persist.pem" "$T/persist-chain.pem" persist.example.test
check_cert "$T/pwild.pem" "$T/pwild-chain.pem" "*.pwild.example.test" pwild.example.test

# Each remote perspective runs dns-persist-01 itself, on its own lookup.
account=$(sed -n 's/^account //p' "$T/client.log")
ask_remote() {  # PORT WILDCARD -> the remote's JSON answer
  curl -sf --cacert "$M/ca.pem" --cert "$M/primary.pem" --key "$M/primary.key" \
    -H 'Content-Type: application/json' "https://127.0.0.1:$1/va/validate" \
    -d "{\"identifier_type\":\"dns\",\"identifier_value\":\"persist.example.test\",\"wildcard\":$2,\"challenge_type\":\"dns-persist-01\",\"account_url\":\"$account\"}"
}
for port in 15101 15102; do
  ask_remote "$port" false | grep -q '"ok":true' || fail "remote $port: $(ask_remote "$port" false)"
  ask_remote "$port" true | grep -q 'lacks policy=wildcard' || fail "remote $port: $(ask_remote "$port" true)"
done
echo "ok: dns-persist-01 with two remote perspectives"
