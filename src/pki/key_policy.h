// Which public keys the CA accepts (Boulder's goodkey is the model), one
// policy for account keys (RFC 8555 7.3 newAccount, 7.3.5 keyChange) and for
// the keys of the certificates it issues (7.4 finalize):
//   RSA     modulus of 2048 to KeyPolicy::max_rsa_bits bits (4096 by
//           default) and a multiple of 8; public exponent exactly 65537;
//           no ROCA fingerprint and not Fermat-factorable (weak_rsa.h);
//           SP 800-89 5.3.3 on the modulus (rsa_modulus.h: odd, no factor
//           below 752, composite and not a prime power).
//   ECDSA   P-256 or P-384, the point on the curve.
//   Ed25519 account keys only: a CSR with an Ed25519 key is refused (no
//           browser accepts such certificates; nor does Let's Encrypt).
// A key blocked for keyCompromise is refused by the RA, which holds the list.
//
// Refusals carry a one-line reason. Their code follows RFC 8555 6.7: an
// account key is badPublicKey ("the JWS was signed by a public key the server
// does not support"), a CSR's key badCSR ("the CSR is unacceptable, e.g. due
// to a short key"). Let's Encrypt answers badPublicKey for both; Signet keeps
// the RFC's split, which is also what it answered before this policy.
#pragma once

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki {

struct KeyPolicy {
  static constexpr int kMinRsaBits = 2048;
  static constexpr int kMaxRsaBitsLimit = 8192;
  // The largest RSA modulus accepted, in bits: from kMinRsaBits to
  // kMaxRsaBitsLimit (Validate). The Baseline Requirements set no upper
  // bound; 4096 is what Let's Encrypt accepts.
  int max_rsa_bits = 4096;

  // kMalformed naming the field when max_rsa_bits is out of range.
  Status Validate() const;
};

enum class KeyUse {
  kAccount,      // refusals are kBadPublicKey
  kCertificate,  // refusals are kBadCsr
};

Status CheckKey(const crypto::Key& key, KeyUse use, const KeyPolicy& policy = {});

inline Status CheckAccountKey(const crypto::Key& key, const KeyPolicy& policy = {}) {
  return CheckKey(key, KeyUse::kAccount, policy);
}
inline Status CheckSubscriberKey(const crypto::Key& key, const KeyPolicy& policy = {}) {
  return CheckKey(key, KeyUse::kCertificate, policy);
}

// The encoding of a CSR's key (its SubjectPublicKeyInfo `spki`, as the
// certificate will carry it) must be the one DER encoding of `key`, the key
// decoded from it (key_encoding.cc): for RSA, algorithm rsaEncryption with
// NULL parameters and exactly the RSAPublicKey { n, e } in minimal DER; for
// EC, the named curve and the point uncompressed, as Let's Encrypt requires.
// Each key then has exactly one encoding, so a blocked key cannot come back
// under another, and nothing the key decoder skipped reaches a certificate.
// REQUIRES: CheckSubscriberKey(key) passed (RSA or EC P-256/P-384). kBadCsr.
Status CheckSubscriberKeyEncoding(const X509_PUBKEY* spki, const crypto::Key& key);

}  // namespace signet::pki
