// Building certificate signing requests (PKCS#10, RFC 2986) for the agent:
// subject CN = the first name (when it fits in 64 characters), every name in
// a subjectAltName extension, signed with SHA-256 (or Ed25519's own hash).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::pki {

// DER of a CSR for `dns_names` (at least one) signed by `key`. A name that
// is an IPv4 or IPv6 literal becomes an iPAddress SAN (RFC 8738) and never
// the CN; the CN is the first DNS name.
// With `must_staple`, the TLS Feature extension asking for status_request
// (RFC 7633, "OCSP Must-Staple"), as certbot's --must-staple.
Result<std::string> BuildCsr(const crypto::Key& key, const std::vector<std::string>& dns_names,
                             bool must_staple = false);

// Reads a CSR file in PEM or DER form and returns its DER.
Result<std::string> CsrDerFromFileContents(const std::string& contents);

}  // namespace signet::pki
