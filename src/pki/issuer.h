// Certificate issuance (RFC 5280 profile of the CA/B Forum baseline
// requirements). An Issuer is a CA certificate plus its private key; it is
// immutable once built and safe to use from several threads.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"
#include "pki/certificate.h"

namespace signet::pki {

struct Issuer {
  crypto::X509Ptr cert;
  crypto::Key key;
};

// What goes into a subscriber (end-entity) certificate.
struct LeafTemplate {
  crypto::Key subject_key;             // public key from the CSR
  std::vector<std::string> dns_names;  // SAN dNSNames; the first is also the CN
  std::vector<std::string> ip_addresses;  // SAN iPAddresses (text form)
  std::string serial;                  // big-endian bytes, >= 8 bytes, high bit clear
  Clock::time_point not_before;
  Clock::time_point not_after;
  std::string ca_issuers_url;          // AIA caIssuers; omitted when empty
};

// Signs a leaf: version 3, the template's serial and validity, subject CN =
// first DNS name of at most 64 characters (else the first IP address; with
// neither, an empty subject and a critical SAN), SAN, basicConstraints critical CA:FALSE, keyUsage critical
// digitalSignature (+ keyEncipherment for RSA keys), extKeyUsage serverAuth,
// SKI, AKI (keyid of the issuer), AIA caIssuers. Signature: SHA-256 (ECDSA or
// RSA PKCS#1 v1.5 by the issuer's key type).
Result<crypto::X509Ptr> IssueLeaf(const Issuer& issuer, const LeafTemplate& leaf);

// A random serial: 16 bytes (128 bits; >= 64 bits of entropy as the baseline
// requirements ask), leading byte in 0x01..0x7f so it stays positive and full length.
std::string RandomSerial();

}  // namespace signet::pki
