// Which subscriber keys the CA accepts (Boulder's goodkey): RSA with a
// modulus of 2048 to 8192 bits (multiple of 8) and public exponent 65537, or
// ECDSA on P-256 or P-384. Anything else is kBadCsr with a reason.
#pragma once

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki {

Status CheckSubscriberKey(const crypto::Key& key);

// The encoding of a CSR's key (its SubjectPublicKeyInfo): an EC key must
// name its curve and give its point uncompressed, as Let's Encrypt requires.
// Each key then has exactly one encoding, so a blocked key cannot come back
// under another (OpenSSL keeps a compressed point compressed when it
// re-encodes it).
Status CheckSubscriberKeyEncoding(const X509_PUBKEY* spki);

}  // namespace signet::pki
