#!/usr/bin/env bash
# uacme rolls its account key over (RFC 8555 7.3.5, `uacme newkey`), then
# obtains a certificate signed for with the new key; the old key no longer
# finds the account. As in uacme_hook_test.sh, uacme runs in a private mount
# namespace where the system bundle is replaced by our root.
source "$(dirname "$0")/lib.sh"
start_ca "$1"
start_uacme_webroot
U="uacme -v -y -a '$DIRECTORY'"

in_ns "$U -c '$T/uacme' -t EC new ops@example.com" >"$T/uacme-new.log" 2>&1 \
  || fail "uacme new failed"
old_fpr=$(openssl pkey -in "$T/uacme/private/key.pem" -pubout | sha256sum)
cp -a "$T/uacme" "$T/uacme-old"   # the old key, to try it after the change

in_ns "$U -c '$T/uacme' -t RSA newkey" >"$T/uacme-newkey.log" 2>&1 \
  || fail "uacme newkey failed"
new_fpr=$(openssl pkey -in "$T/uacme/private/key.pem" -pubout | sha256sum)
[ "$old_fpr" != "$new_fpr" ] || fail "uacme newkey left the account key as it was"
echo "ok: account key rolled over"

# The old key no longer has an account.
if in_ns "$U -n -c '$T/uacme-old' update" >"$T/uacme-old.log" 2>&1; then
  fail "the old account key still finds the account"
fi
# uacme says so when newAccount (onlyReturnExisting) answers accountDoesNotExist.
grep -q "no account associated with" "$T/uacme-old.log" \
  || fail "the old key was refused for another reason than accountDoesNotExist"
echo "ok: the old key is refused (accountDoesNotExist)"

in_ns "$U -c '$T/uacme' -h '$T/hook.sh' -t EC issue keychange.example.test" \
  >"$T/uacme-issue.log" 2>&1 || fail "uacme issue with the new key failed"
crt="$T/uacme/keychange.example.test/cert.pem"
openssl x509 -in "$crt" -out "$T/leaf.pem"
check_cert "$T/leaf.pem" "$crt" keychange.example.test
