// Fast CSRs (PKCS#10, RFC 2986) for the load generator. pki::BuildCsr goes
// through OpenSSL 3's X509_REQ, whose X509_PUBKEY_set re-encodes and
// re-decodes the key through the provider machinery on every call: a third
// of the generator's CPU when profiled. Here the SubjectPublicKeyInfo is
// encoded once per key and each CSR is written as DER directly (subject
// CN = first name when it fits in 64 characters, the names in a
// subjectAltName extension request, as BuildCsr does) and signed
// ecdsa-with-SHA256.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::bench {

class CsrWriter {
 public:
  // REQUIRES: a P-256 private key (kMalformed otherwise).
  static Result<CsrWriter> ForKey(crypto::Key key);

  // DER of a CSR for `dns_names` (at least one).
  Result<std::string> Build(const std::vector<std::string>& dns_names) const;

 private:
  CsrWriter(crypto::Key key, std::string spki) : key_(std::move(key)), spki_(std::move(spki)) {}

  crypto::Key key_;
  std::string spki_;  // SubjectPublicKeyInfo DER
};

// DER tag-length-value, for the writer and its tests.
std::string DerTlv(unsigned char tag, std::string_view content);

}  // namespace signet::bench
