#include "bench/csr_der.h"

#include <openssl/evp.h>

namespace signet::bench {
namespace {

// OIDs, DER-encoded with their tag and length.
constexpr std::string_view kOidCommonName("\x06\x03\x55\x04\x03", 5);  // 2.5.4.3
constexpr std::string_view kOidSubjectAltName("\x06\x03\x55\x1d\x11", 5);  // 2.5.29.17
// 1.2.840.113549.1.9.14 (PKCS#9 extensionRequest)
constexpr std::string_view kOidExtensionRequest("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x0e", 11);
// AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), no parameters (RFC 5758 3.2).
constexpr std::string_view kEcdsaWithSha256("\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02", 12);

constexpr unsigned char kSequence = 0x30, kSet = 0x31, kInteger = 0x02, kBitString = 0x03,
                        kOctetString = 0x04, kUtf8String = 0x0c, kContext0 = 0xa0,
                        kDnsName = 0x82;  // [2] IMPLICIT IA5String (RFC 5280 4.2.1.6)

std::string Subject(const std::vector<std::string>& names) {
  if (names[0].size() > 64) return DerTlv(kSequence, "");
  std::string atv = DerTlv(kSequence, std::string(kOidCommonName) + DerTlv(kUtf8String, names[0]));
  return DerTlv(kSequence, DerTlv(kSet, atv));
}

std::string ExtensionRequest(const std::vector<std::string>& names) {
  std::string general_names;
  for (const auto& n : names) general_names += DerTlv(kDnsName, n);
  std::string san = DerTlv(kSequence, std::string(kOidSubjectAltName) +
                                          DerTlv(kOctetString, DerTlv(kSequence, general_names)));
  std::string extensions = DerTlv(kSequence, san);
  std::string attribute =
      DerTlv(kSequence, std::string(kOidExtensionRequest) + DerTlv(kSet, extensions));
  return DerTlv(kContext0, attribute);  // attributes [0] IMPLICIT SET OF Attribute
}

}  // namespace

std::string DerTlv(unsigned char tag, std::string_view content) {
  std::string out(1, char(tag));
  size_t n = content.size();
  if (n < 0x80) {
    out += char(n);
  } else {
    std::string len;
    for (; n > 0; n >>= 8) len.insert(len.begin(), char(n & 0xff));
    out += char(0x80 | len.size());
    out += len;
  }
  out += content;
  return out;
}

Result<CsrWriter> CsrWriter::ForKey(crypto::Key key) {
  if (!key.valid() || key.CurveName() != "P-256")
    return Error(ErrorCode::kMalformed, "CsrWriter needs a P-256 key");
  std::string spki = key.PublicDer();
  if (spki.empty()) return Error(ErrorCode::kServerInternal, "cannot encode the public key");
  return CsrWriter(std::move(key), std::move(spki));
}

Result<std::string> CsrWriter::Build(const std::vector<std::string>& dns_names) const {
  if (dns_names.empty()) return Error(ErrorCode::kMalformed, "a CSR needs at least one name");
  std::string info = DerTlv(kSequence, DerTlv(kInteger, std::string(1, '\0')) + Subject(dns_names) +
                                           spki_ + ExtensionRequest(dns_names));
  SIGNET_ASSIGN_OR_RETURN(std::string signature, crypto::SignDigest(key_, EVP_sha256(), info));
  return DerTlv(kSequence, info + std::string(kEcdsaWithSha256) +
                               DerTlv(kBitString, std::string(1, '\0') + signature));
}

}  // namespace signet::bench
