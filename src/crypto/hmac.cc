#include "crypto/hmac.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "crypto/ossl.h"

namespace signet::crypto {

Result<std::string> Hmac(const EVP_MD* digest, std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  // The one-shot HMAC() holds no OpenSSL object beyond the call.
  if (HMAC(digest, key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr)
    return OsslError(ErrorCode::kServerInternal, "HMAC failed");
  out.resize(len);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace signet::crypto
