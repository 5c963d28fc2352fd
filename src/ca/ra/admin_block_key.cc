#include "ca/ra/admin_block_key.h"

#include <cctype>

#include "ca/ra/revocation.h"
#include "crypto/key.h"
#include "pki/certificate.h"

namespace signet::ca {
namespace {

Result<BlockedKey> Block(storage::Store& store, BlockedKey key) {
  SIGNET_ASSIGN_OR_RETURN(key.already, store.IsKeyBlocked(key.spki_sha256));
  if (key.already) return key;
  SIGNET_RETURN_IF_ERROR(store.BlockKey(
      key.spki_sha256, key.serial,
      std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now())));
  return key;
}

}  // namespace

Result<BlockedKey> AdminBlockKeyBySpkiHash(storage::Store& store, std::string_view hex) {
  std::string normalized;
  for (char c : hex) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      normalized.clear();
      break;
    }
    normalized.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  }
  if (normalized.size() != 64)
    return Error(ErrorCode::kMalformed,
                 "--spki-sha256 must be the 64 hex digits of the SHA-256 of the key's "
                 "SubjectPublicKeyInfo DER (openssl pkey -pubin -outform DER | sha256sum)");
  return Block(store, BlockedKey{normalized, "", false});
}

Result<BlockedKey> AdminBlockKeyByCertificate(storage::Store& store, std::string_view pem) {
  auto cert = pki::CertFromPem(pem);
  if (!cert.ok())
    return Error(ErrorCode::kMalformed, "no PEM certificate: " + cert.error().detail);
  crypto::Key key(crypto::PkeyPtr(X509_get_pubkey(cert->get())));
  if (!key.get()) return Error(ErrorCode::kMalformed, "the certificate's key cannot be read");
  return Block(store, BlockedKey{BlockedKeyId(key), pki::SerialHex(cert->get()), false});
}

}  // namespace signet::ca
