// IP address identifiers (RFC 8738): recognising an address, its canonical
// text form, and the reverse-DNS name a TLS-ALPN-01 validator sends as SNI
// for it (RFC 8738 6).
#pragma once

#include <string>

#include "base/result.h"

namespace signet::acme {

// True if `s` is an IPv4 dotted quad or an IPv6 literal (no brackets, no
// zone), as inet_pton reads them.
bool IsIpAddress(const std::string& s);

// `ip` as inet_ntop writes it ("::1", lower-case hex, zeros compressed);
// kMalformed naming `ip` when it is no address.
Result<std::string> CanonicalIpAddress(const std::string& ip);

// "1.0.0.127.in-addr.arpa" for 127.0.0.1; the nibble form under "ip6.arpa"
// for IPv6 (RFC 1035 3.5, RFC 3596 2.5); kMalformed when `ip` is no address.
Result<std::string> ReverseDnsName(const std::string& ip);

}  // namespace signet::acme
