// The TLS-ALPN-01 validation certificate (RFC 8737 3, RFC 8738 4): a
// self-signed certificate whose only subjectAltName is the identifier being
// validated and which carries the critical id-pe-acmeIdentifier extension
// (1.3.6.1.5.5.7.1.31) holding the SHA-256 digest of the key authorization
// as an OCTET STRING. The agent's TLS-ALPN-01 solver serves it.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki {

struct AcmeTlsCert {
  crypto::Key key;  // a fresh P-256 key, used for this certificate only
  crypto::X509Ptr cert;
};

// `identifier_type` "dns" (value a DNS name) or "ip" (value an IPv4 or IPv6
// literal, written as an iPAddress SAN). Valid from an hour ago for a week.
Result<AcmeTlsCert> BuildAcmeTlsCert(const std::string& identifier_type, const std::string& value,
                                     const std::string& key_authorization);

// The SAN entries of `cert` that are IP addresses, in their canonical text
// form (inet_ntop), in certificate order.
std::vector<std::string> IpSans(X509* cert);

}  // namespace signet::pki
