// External account binding (RFC 8555 7.3.4): the JWS a newAccount request
// carries to tie the new account to one the CA's operator created (certbot's
// --eab-kid, --eab-hmac-key and --eab-hmac-alg; lego's --eab --kid --hmac).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "jose/jws_hmac.h"

namespace signet::client {

struct ExternalAccountBinding {
  std::string kid;
  std::string hmac_key;  // the MAC key itself (decoded)
  jose::MacAlg alg = jose::MacAlg::kHS256;
};

// From the command line: `hmac_key_b64` is base64url as CAs hand it out
// (padding and the standard alphabet's + and / tolerated, as certbot's
// josepy b64decode does);
// `alg` is HS256, HS384 or HS512. kMalformed naming the flag otherwise.
Result<ExternalAccountBinding> ParseExternalAccountBinding(std::string_view kid,
                                                           std::string_view hmac_key_b64,
                                                           std::string_view alg);

// The "externalAccountBinding" member of newAccount: a flattened JWS with
// the protected header {alg, kid, url = the newAccount URL} over the
// account's public JWK, MACed with the key.
Result<boost::json::object> SignExternalAccountBinding(const ExternalAccountBinding& eab,
                                                       const boost::json::object& account_jwk,
                                                       const std::string& new_account_url);

}  // namespace signet::client
