// Internal to pki: a PKCS#10 request (RFC 2986) decoded by OpenSSL's ASN.1
// engine with the same structure d2i_X509_REQ uses, except that the
// SubjectPublicKeyInfo is kept as it arrived instead of being turned into a
// key on the way. OpenSSL 3.0's d2i_X509_REQ builds a fresh provider
// decoder context for that key on every call (about 75 us, 6 % of signetd's
// CPU per certificate); here the key is decoded by a decoder context kept
// per thread. Not part of the module's API: use pki::ParseCsr.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki::internal {

struct CsrAsn1;  // the decoded structure (csr_asn1.cc)

class CsrParts {
 public:
  // Decodes DER (kBadCsr when it is not a PKCS#10 request); bytes after
  // the request are refused.
  static Result<CsrParts> Decode(std::string_view der);
  CsrParts(CsrParts&&) noexcept;
  CsrParts& operator=(CsrParts&&) noexcept;
  ~CsrParts();

  long version() const;
  X509_NAME* subject() const;
  // The extensionRequest attribute (or Microsoft's), as X509_REQ_get_extensions
  // reads it: an empty stack when there is none, nullptr when it is malformed.
  crypto::ExtStackPtr Extensions() const;
  // The key, decoded from the SubjectPublicKeyInfo bytes as received.
  Result<crypto::Key> PublicKey() const;
  // A new X509_PUBKEY with the request's algorithm and key bits (the key
  // itself not decoded into it), for copying into a certificate.
  Result<crypto::X509PubkeyPtr> Spki() const;
  // The algorithm of the self-signature (with its parameters).
  const X509_ALGOR* signature_algorithm() const;
  // The self-signature over the CertificationRequestInfo as received.
  bool VerifySignature(EVP_PKEY* key) const;

 private:
  explicit CsrParts(CsrAsn1* csr) : csr_(csr) {}
  CsrAsn1* csr_;
};

}  // namespace signet::pki::internal
