#!/usr/bin/env bash
# uacme obtains a certificate, answering HTTP-01 through a hook that writes
# the key authorization into a webroot. uacme (libcurl-gnutls) trusts only the
# system store, so it runs in a private mount namespace where the system
# bundle is replaced by our root: the machine's own store is never touched.
source "$(dirname "$0")/lib.sh"
start_ca "$1"
start_webroot_server "$T/www"
cat >"$T/hook.sh" <<HOOK
#!/bin/sh
# uacme hook: METHOD TYPE IDENT TOKEN AUTH
[ "\$2" = "http-01" ] || exit 1
dir="$T/www/.well-known/acme-challenge"
case "\$1" in
  begin) mkdir -p "\$dir" && printf '%s' "\$5" > "\$dir/\$4" ;;
  done|failed) rm -f "\$dir/\$4" ;;
esac
HOOK
chmod +x "$T/hook.sh"
cp "$DATA/root.pem" "$T/bundle.crt"
unshare -m sh -c "mount --bind '$T/bundle.crt' /etc/ssl/certs/ca-certificates.crt && \
  uacme -v -y -c '$T/uacme' -a '$DIRECTORY' new ops@example.com && \
  uacme -v -y -c '$T/uacme' -a '$DIRECTORY' -h '$T/hook.sh' -t EC issue uacme.example.test" \
  >"$T/uacme.log" 2>&1 || fail "uacme failed"
crt="$T/uacme/uacme.example.test/cert.pem"
# uacme stores the full chain in cert.pem: leaf first.
openssl x509 -in "$crt" -out "$T/leaf.pem"
check_cert "$T/leaf.pem" "$crt" uacme.example.test
