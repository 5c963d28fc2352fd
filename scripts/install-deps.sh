#!/usr/bin/env bash
# Installs everything Signet needs to build and test, from Debian 12 only.
# Safe to re-run: apt-get skips what is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

BUILD=(build-essential cmake ninja-build ccache pkg-config git
       libssl-dev libboost1.81-dev libboost-json1.81-dev libsqlite3-dev libpq-dev
       libcli11-dev libspdlog-dev libtomlplusplus-dev libunbound-dev libpsl-dev publicsuffix libidn2-dev
       libldns-dev
       prometheus-cpp-dev
       dns-root-data
       libgtest-dev libgmock-dev
       libengine-pkcs11-openssl softhsm2 opensc)
# Real peers the integration tests talk to on loopback.
PEERS=(openssl certbot lego uacme pebble nginx curl bc iproute2 python3 util-linux ca-certificates bind9 bind9-utils bind9-dnsutils
       python3-certbot-dns-rfc2136 python3-certbot-nginx prometheus chromium postgresql-15 systemd
       python3-cryptography sqlite3)

# Issue 11: certspotter (a CT monitor) reads signet-ctlog in the ctlog test.
PEERS+=(certspotter)
# Issue 10: HAProxy balances scripts/cluster.sh's signetd instances.
PEERS+=(haproxy)
# Issue 14: the storage-faults test locks the database with the sqlite3 shell;
# its ACME probe signs JWS with python3-cryptography.
PEERS+=(sqlite3 python3-cryptography)
# Issue 13: bench/ca_side_by_side.sh counts the CA's accepted connections
# with `perf stat`; bench/profile_signetd.sh samples signetd with perf and
# counts its system calls with strace.
PEERS+=(linux-perf strace)

missing=()
for p in "${BUILD[@]}" "${PEERS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
