// The seam every signature of the CA goes through: certificates and
// precertificates, CRLs, OCSP responses, OCSP responder certificates. A
// SigningKey is a private key somewhere (a key file read at start, a token
// reached through PKCS#11) that is asked to sign; the rest of the CA sees only
// its public half. Implementations are chosen where signetd is wired
// together (OpenSigningKey); nothing else in the CA holds a private key.
//
// Signatures are SHA-256 with ECDSA (DER Ecdsa-Sig-Value) or RSA PKCS#1 v1.5,
// or pure Ed25519, by the key's type. Thread-safe: every method may be called
// from several threads at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::crypto {

class SigningKey {
 public:
  virtual ~SigningKey() = default;

  // The public half (no private material): SPKIs, key identifiers, checks.
  virtual const Key& public_key() const = 0;
  // Where the key lives, for logs and errors: "file /x/intermediate.key",
  // "pkcs11:token=ca;object=intermediate" (never the PIN).
  virtual const std::string& description() const = 0;

  // The DER AlgorithmIdentifier of this key's signatures (what goes into a
  // to-be-signed structure's signature field before signing).
  virtual const std::string& algorithm_id() const = 0;
  // A signature over `data` (hashed with SHA-256 first, except Ed25519).
  virtual Result<std::string> Sign(std::string_view data) const = 0;
  // Signs an X.509 certificate in place (its TBS signature field is set).
  virtual Status SignCertificate(X509* cert) const = 0;
  // Signs a BasicOCSPResponse in place as `responder_cert`'s key (responder
  // ID by key hash, RFC 6960 4.2.2.3; the certificate is included).
  virtual Status SignOcspResponse(OCSP_BASICRESP* basic, X509* responder_cert) const = 0;
};

// A key held in memory: a freshly generated one (ceremony, the OCSP
// responder's delegated key) or one read from a file. Takes the private key.
std::unique_ptr<SigningKey> MemorySigningKey(Key private_key, std::string description);

// Reads a PEM private key file. Refuses, with a one-line error naming the
// file and its mode, a file group or others may read (it must be 0600 or
// 0400): a CA key readable by others is a key compromise waiting to happen.
Result<std::unique_ptr<SigningKey>> LoadSigningKeyFile(const std::filesystem::path& path);

// OK if `path`'s mode lets no one but its owner read or write it.
Status CheckKeyFileMode(const std::filesystem::path& path);

}  // namespace signet::crypto
