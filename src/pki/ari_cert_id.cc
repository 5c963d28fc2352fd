#include "pki/ari_cert_id.h"

#include "base/base64url.h"
#include "crypto/digest.h"
#include "pki/certificate.h"

namespace signet::pki {

namespace {

std::string Bytes(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

// INTEGER contents of the non-negative serial in `hex` (a leading 0x00 when
// the high bit is set, X.690 8.3).
std::string SerialContents(std::string_view hex) {
  std::string padded(hex.size() % 2 ? "0" : "");
  padded += hex;
  std::string bytes;
  for (size_t i = 0; i + 1 < padded.size(); i += 2)
    bytes.push_back(char(std::stoi(padded.substr(i, 2), nullptr, 16)));
  size_t first = bytes.find_first_not_of('\0');
  bytes = first == std::string::npos ? std::string(1, '\0') : bytes.substr(first);
  if (uint8_t(bytes[0]) & 0x80) bytes.insert(bytes.begin(), '\0');
  return bytes;
}

}  // namespace

std::string FormatAriCertId(std::string_view key_id, std::string_view serial_hex) {
  return Base64UrlEncode(key_id) + "." + Base64UrlEncode(SerialContents(serial_hex));
}

std::string AriCertIdOf(X509* cert) {
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
  std::string serial = SerialHex(cert);
  if (!aki || serial.empty() || serial[0] == '-') return "";
  return FormatAriCertId(Bytes(aki), serial);
}

Result<AriCertId> ParseAriCertId(std::string_view text) {
  size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.find('.', dot + 1) != std::string_view::npos)
    return Error(ErrorCode::kMalformed,
                 "certificate ID must be two base64url parts joined by \".\"");
  auto key_id = Base64UrlDecode(text.substr(0, dot));
  auto serial = Base64UrlDecode(text.substr(dot + 1));
  if (!key_id.ok() || !serial.ok() || key_id->empty() || serial->empty())
    return Error(ErrorCode::kMalformed, "certificate ID parts must be non-empty base64url");
  if (uint8_t((*serial)[0]) & 0x80)
    return Error(ErrorCode::kMalformed, "certificate ID holds a negative serial number");
  std::string hex = crypto::HexEncode(*serial);
  size_t first = hex.find_first_not_of('0');
  return AriCertId{std::move(*key_id), first == std::string::npos ? "0" : hex.substr(first)};
}

std::string SubjectKeyId(X509* cert) {
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert)) return Bytes(ski);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_pubkey_digest(cert, EVP_sha1(), digest, &len) != 1) {
    crypto::LastOsslError();
    return "";
  }
  return std::string(reinterpret_cast<char*>(digest), len);
}

}  // namespace signet::pki
