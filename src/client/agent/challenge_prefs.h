// certbot's --preferred-challenges: a comma-separated list of challenge
// types, most preferred first, narrowed to what the authenticator can answer
// (certbot's get_chall_pref). For each authorization the agent answers the
// first type of the list the CA offers.
//
// Spellings: "http"/"http-01", "dns"/"dns-01" (certbot), and
// "tls-alpn"/"tls-alpn-01" (signet; certbot 2 has no TLS-ALPN-01),
// "dns-account-01" and "dns-persist-01" (no certbot alias).
// Authenticators: standalone answers http-01 and tls-alpn-01, webroot
// http-01, manual http-01 and the DNS types (dns-01, dns-account-01,
// dns-persist-01), dns-rfc2136 the DNS types (dns-01 by default).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace signet::client {

// The listed types in canonical form ("http-01", ...), duplicates dropped;
// kMalformed naming an unknown entry.
Result<std::vector<std::string>> ParsePreferredChallenges(const std::string& flag);

// The types `authenticator` answers, in `preferred` order (no preference:
// http-01, and for manual then dns-01, as certbot; dns-rfc2136: dns-01).
// With `ip_identifiers`, the DNS types are left out (no DNS record proves control of an address, RFC 8738
// 7). kMalformed when nothing is left, naming the authenticator.
Result<std::vector<std::string>> ChallengesFor(const std::string& authenticator,
                                               const std::vector<std::string>& preferred,
                                               bool ip_identifiers);

}  // namespace signet::client
