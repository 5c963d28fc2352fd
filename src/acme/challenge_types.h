// The challenge types this CA knows (RFC 8555 8; RFC 8737; RFC 8738;
// draft-ietf-acme-dns-account-label; draft-ietf-acme-dns-persist), in one
// table: the RA offers from it, the VA dispatches on its names (and its test
// checks every name has a validator), the front end renders from it. A new
// challenge type is its validator file plus one row here and one in the VA.
// Constant data and pure functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acme/objects.h"

namespace signet::acme {

inline constexpr std::string_view kHttp01 = "http-01";
inline constexpr std::string_view kDns01 = "dns-01";
inline constexpr std::string_view kTlsAlpn01 = "tls-alpn-01";
inline constexpr std::string_view kDnsAccount01 = "dns-account-01";
inline constexpr std::string_view kDnsPersist01 = "dns-persist-01";

struct ChallengeType {
  std::string_view name;
  bool dns_names;     // offered for "dns" identifiers
  bool wildcards;     // ... also wildcard ones: only DNS-based methods (BRs 3.2.2.4.19, .20)
  bool ip_addresses;  // offered for "ip" identifiers (RFC 8738 4: never DNS-based)
  bool uses_token;    // the challenge object shows a token (dns-persist-01 has none)
  // A valid authorization it proved may be reused by later orders. Not for
  // dns-persist-01: the draft caps reuse at the record's TTL, so, as Boulder
  // does, every order looks at the standing record again.
  bool reusable;
};

// Every known type, in the order an authorization offers them.
std::span<const ChallengeType> AllChallengeTypes();

// The type named `name`, or nullptr.
const ChallengeType* FindChallengeType(std::string_view name);

// The types an authorization for `id` (its base name when `wildcard`) offers.
std::vector<std::string> ChallengeTypesFor(const Identifier& id, bool wildcard);

}  // namespace signet::acme
