// Certificate issuance (RFC 5280 profile of the CA/B Forum baseline
// requirements). An Issuer is a CA certificate plus the SigningKey that signs
// as it (crypto/signing_key.h: a key file or a token key; the Issuer never
// holds private key material itself); it is immutable once built and safe to
// use from several threads.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/signing_key.h"
#include "crypto/ossl.h"
#include "pki/certificate.h"

namespace signet::pki {

struct Issuer {
  crypto::X509Ptr cert;
  // Shared: the hierarchy, the signer and the publisher sign with one key.
  std::shared_ptr<const crypto::SigningKey> signer;

  // The certificate's key (no private half).
  const crypto::Key& public_key() const { return signer->public_key(); }
};

// What goes into a subscriber (end-entity) certificate.
struct LeafTemplate {
  crypto::Key subject_key;             // public key from the CSR
  // The same key as the CSR encoded it (pki::Csr::spki()); when set it is
  // copied into the certificate as is, which is much cheaper than encoding
  // subject_key. Borrowed: must outlive IssueLeaf. The certificate IssueLeaf
  // then returns holds the key only in encoded form (X509_get0_pubkey is
  // null until it is read back from its DER or PEM, as the CA only does).
  const X509_PUBKEY* subject_spki = nullptr;
  std::vector<std::string> dns_names;  // SAN dNSNames; the first is also the CN
  std::vector<std::string> ip_addresses;  // SAN iPAddresses (text form)
  std::string serial;                  // big-endian bytes, >= 8 bytes, high bit clear
  Clock::time_point not_before;
  Clock::time_point not_after;
  std::string ca_issuers_url;          // AIA caIssuers; omitted when empty
  std::string ocsp_url;                // AIA OCSP (RFC 6960); omitted when empty
  // CRL Distribution Points (RFC 5280 4.2.1.13): one distributionPoint with
  // this URI as fullName (the certificate's CRL shard); omitted when empty.
  std::string crl_distribution_point;
  // Profile choices (Let's Encrypt's classic / tlsserver / shortlived).
  bool include_common_name = true;     // false: empty subject, critical SAN
  // extKeyUsage purposes, OpenSSL short names ("serverAuth", "clientAuth").
  std::vector<std::string> ext_key_usages = {"serverAuth"};
  // TLS Feature status_request (RFC 7633, "OCSP Must-Staple").
  bool must_staple = false;
  // Certificate Transparency (RFC 6962 3.1): a precertificate carries the
  // critical poison extension (1.3.6.1.4.1.11129.2.4.3, ASN.1 NULL); the
  // final certificate the SCT list (1.3.6.1.4.1.11129.2.4.2: an OCTET STRING
  // holding the TLS-encoded SignedCertificateTimestampList, pki/sct.h).
  // Both come last, so removing either leaves the same TBSCertificate.
  bool ct_poison = false;
  std::string sct_list;  // empty: no SCT list extension
};

// Signs a leaf: version 3, the template's serial and validity, subject CN =
// first DNS name of at most 64 characters (else the first IP address; with
// neither, or when include_common_name is false, an empty subject and a
// critical SAN), SAN, basicConstraints critical CA:FALSE, keyUsage critical
// digitalSignature (+ keyEncipherment for RSA keys), extKeyUsage (the
// template's; omitted when empty), SKI, AKI (keyid of the issuer), AIA
// (caIssuers and OCSP, each when set), CRL Distribution Points when set,
// certificatePolicies with the CA/B Forum domain-validated policy
// 2.23.140.1.2.1 (non-critical), and the TLS Feature extension when
// must_staple. Signature: SHA-256 (ECDSA or
// RSA PKCS#1 v1.5 by the issuer's key type).
Result<crypto::X509Ptr> IssueLeaf(const Issuer& issuer, const LeafTemplate& leaf);

// IssueLeaf in two steps, so the CA can record what it is about to sign
// before it signs. BuildLeaf: the certificate IssueLeaf would make, not yet
// signed; its to-be-signed part is final (the signature algorithm for
// `issuer`'s key included), so TbsDer of it is exactly what SignLeaf signs.
// BuildLeaf uses only the issuer's certificate and key type.
Result<crypto::X509Ptr> BuildLeaf(const Issuer& issuer, const LeafTemplate& leaf);
Status SignLeaf(const Issuer& issuer, X509* cert);
// The DER of a certificate's TBSCertificate.
std::string TbsDer(X509* cert);

// A random serial: 16 bytes (128 bits; >= 64 bits of entropy as the baseline
// requirements ask), leading byte in 0x01..0x7f so it stays positive and full length.
std::string RandomSerial();

}  // namespace signet::pki
