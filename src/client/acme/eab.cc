#include "client/acme/eab.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/base64url.h"

namespace signet::client {

Result<ExternalAccountBinding> ParseExternalAccountBinding(std::string_view kid,
                                                           std::string_view hmac_key_b64,
                                                           std::string_view alg) {
  if (kid.empty()) return Error(ErrorCode::kMalformed, "--eab-kid is empty");
  std::optional<jose::MacAlg> mac = jose::ParseMacAlg(alg);
  if (!mac)
    return Error(ErrorCode::kMalformed, "--eab-hmac-alg " + std::string(alg) +
                                            " is not one of HS256, HS384, HS512");
  // certbot (josepy's b64decode) also takes padding and the standard
  // alphabet's + and /.
  std::string text(hmac_key_b64);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  Result<std::string> key = Base64UrlDecode(text);
  if (!key.ok() || key->empty())
    return Error(ErrorCode::kMalformed,
                 "--eab-hmac-key is not the base64url key the CA gave (A-Z a-z 0-9 - _)");
  return ExternalAccountBinding{std::string(kid), std::move(*key), *mac};
}

Result<boost::json::object> SignExternalAccountBinding(const ExternalAccountBinding& eab,
                                                       const boost::json::object& account_jwk,
                                                       const std::string& new_account_url) {
  boost::json::object header{{"kid", eab.kid}, {"url", new_account_url}};
  SIGNET_ASSIGN_OR_RETURN(std::string jws, jose::SignMac(eab.alg, eab.hmac_key, std::move(header),
                                                         boost::json::serialize(account_jwk)));
  return boost::json::parse(jws).as_object();
}

}  // namespace signet::client
