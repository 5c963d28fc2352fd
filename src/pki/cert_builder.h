// Internal to pki: the steps shared by leaf and CA certificate issuance.
// Not part of the module's API.
#pragma once

#include <string>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"
#include "pki/certificate.h"

namespace signet::pki::internal {

struct CertSpec {
  std::string serial;             // big-endian bytes
  Clock::time_point not_before;
  Clock::time_point not_after;
  std::string subject_cn;         // "" for an empty subject
  const crypto::Key* public_key = nullptr;
  // When set, the SubjectPublicKeyInfo is copied from here as it is (the
  // same key as public_key). OpenSSL 3's X509_set_pubkey re-encodes and
  // re-decodes the key through its provider codecs, a tenth of a CA's CPU
  // per certificate; a CSR's SPKI needs neither.
  const X509_PUBKEY* spki = nullptr;
};

// A v3 certificate with the spec's serial, validity, subject and public key.
// The issuer name is `issuer`'s subject, or the new subject when `issuer` is
// nullptr (self-issued).
Result<crypto::X509Ptr> NewCert(const CertSpec& spec, X509* issuer);

// Sets `to` to `algorithm` (with its parameters) and the key bits, without
// decoding the key.
Status SetSpki(X509_PUBKEY* to, const X509_ALGOR* algorithm, const unsigned char* bits,
               int bits_len);

// Adds an extension written in OpenSSL's config syntax, e.g.
// (NID_basic_constraints, "critical,CA:FALSE"). `issuer` is the certificate
// whose key identifier AKI refers to; pass `cert` itself when self-signed.
Status AddConfExtension(X509* cert, X509* issuer, int nid, const std::string& value);

// Signs with SHA-256 (ECDSA or RSA PKCS#1 v1.5, by the key's type).
Status SignCert(X509* cert, const crypto::Key& key);
// Sets the TBSCertificate's signature field to what SignCert with `key`
// will write there (ecdsa-with-SHA256, sha256WithRSAEncryption or Ed25519),
// so the to-be-signed bytes are final before the signature exists.
Status SetSignatureAlgorithm(X509* cert, const crypto::Key& key);

}  // namespace signet::pki::internal
