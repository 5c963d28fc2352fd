#include "client/acme/account_signer.h"

#include "jose/jwk.h"
#include "jose/jws.h"

namespace signet::client {

Result<std::string> KeySigner::SignJws(boost::json::object protected_header,
                                       std::string_view payload) {
  return jose::Sign(key_, std::move(protected_header), payload);
}

boost::json::object KeySigner::PublicJwk() const { return jose::PublicJwk(key_); }

std::string KeySigner::Thumbprint() const { return jose::Thumbprint(key_); }

}  // namespace signet::client
