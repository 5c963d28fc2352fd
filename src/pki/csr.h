// Certificate signing requests (PKCS#10, RFC 2986) as ACME finalize receives
// them (RFC 8555 7.4): base64url DER in the "csr" member.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki {

struct Csr {
  crypto::Key public_key;
  // The key as the CSR encodes it (algorithm, parameters, key bits), for
  // copying into the certificate; the key itself is in public_key.
  crypto::X509PubkeyPtr subject_public_key_info;
  std::string common_name;             // "" when the subject has no CN
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries, lower-cased
  std::vector<std::string> ip_addresses;  // subjectAltName iPAddress entries, text form
  bool has_other_san_types = false;    // email, URI, ... (ACME never asks for them)
  // The CSR requests the TLS Feature extension with status_request (RFC 7633,
  // "OCSP Must-Staple"); a CA without OCSP must refuse it.
  bool must_staple = false;

  const X509_PUBKEY* spki() const { return subject_public_key_info.get(); }
};

// Parses DER and verifies the CSR's self-signature, which must not use
// SHA-1 or MD5 (or MD2, MD4). Any failure is kBadCsr with a detail that says
// which part was wrong.
Result<Csr> ParseCsr(std::string_view der);

// All names the CSR asks for: its DNS SANs plus the CN (lower-cased,
// de-duplicated, sorted). A CN that is one of the CSR's IP SANs is left out:
// it names an IP identifier, not a DNS name.
std::vector<std::string> CsrDnsNames(const Csr& csr);

}  // namespace signet::pki
