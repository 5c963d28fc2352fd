// Cross-certification (RFC 5280 3.2, RFC 4158 2.3): a CA certificate for an
// existing CA's subject and key, issued by another CA, so the same
// intermediate (and every leaf it signed) chains to either root. signetd
// uses it for its alternate chain (RFC 8555 7.4.2, Link rel="alternate").
// Pure functions; thread-safe.
#pragma once

#include "base/result.h"
#include "crypto/ossl.h"
#include "pki/issuer.h"

namespace signet::pki {

// A certificate with `ca`'s subject name (byte for byte), its
// SubjectPublicKeyInfo and every extension of `ca` (basicConstraints with
// its pathLen, keyUsage, extKeyUsage, certificatePolicies, SKI...) except the
// authorityKeyIdentifier, which names `issuer`'s key instead; issuer name =
// `issuer`'s subject, a new random serial, valid from `not_before` until
// `ca`'s notAfter (or `issuer`'s when that comes first), signed by `issuer`.
Result<crypto::X509Ptr> CrossSign(const Issuer& issuer, X509* ca, Clock::time_point not_before);

// Whether `cross` is a cross-certificate of `ca` by `issuer`: signed by
// `issuer`'s key with `issuer`'s subject as issuer name, and `ca`'s subject
// and public key. A cross-certificate made for an intermediate since
// replaced (another key) does not match.
// Only `issuer`'s certificate is used (no key needed).
bool IsCrossCertificateOf(X509* cross, const Issuer& issuer, X509* ca);

}  // namespace signet::pki
