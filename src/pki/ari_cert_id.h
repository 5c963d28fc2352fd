// The certificate identifier of ACME Renewal Information (RFC 9773 4.1):
//   base64url(AKI keyIdentifier) "." base64url(serialNumber DER contents)
// e.g. "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE". Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/ossl.h"

namespace signet::pki {

struct AriCertId {
  std::string key_id;      // raw keyIdentifier bytes of the issuer
  std::string serial_hex;  // lower-case hex without leading zeros, as SerialHex
};

// The identifier of `cert`, from its authorityKeyIdentifier and serial; ""
// when the certificate has no AKI keyIdentifier.
std::string AriCertIdOf(X509* cert);
// The identifier from its parts. REQUIRES: serial_hex is hex.
std::string FormatAriCertId(std::string_view key_id, std::string_view serial_hex);
// Parses an identifier. kMalformed when it is not two base64url parts
// separated by ".", either part is empty, or the serial is negative.
Result<AriCertId> ParseAriCertId(std::string_view text);

// The subjectKeyIdentifier of `cert` (what its children's AKI holds), or
// SHA-1 of its public key bits (RFC 5280 4.2.1.2 method 1) when it has none.
std::string SubjectKeyId(X509* cert);

}  // namespace signet::pki
