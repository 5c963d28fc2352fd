#include "ca/ra/eab.h"

#include <boost/json/parse.hpp>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "jose/jwk.h"
#include "jose/jws_hmac.h"

namespace signet::ca {
namespace {

Error Malformed(const std::string& detail) {
  return Error(ErrorCode::kMalformed, "externalAccountBinding " + detail);
}

Error Unauthorized(const std::string& detail) {
  return Error(ErrorCode::kUnauthorized, "externalAccountBinding " + detail);
}

// RFC 8555 7.3.4 step 2: the protected header's kid, nonce and url.
Status CheckHeader(const jose::ParsedJws& jws, const std::string& url) {
  if (!jose::ParseMacAlg(jws.alg))
    return Malformed("must be MACed with HS256, HS384 or HS512, not \"" + jws.alg + "\"");
  if (jws.header.contains("nonce"))
    return Malformed("must not carry a \"nonce\" in its protected header");
  if (jws.kid.empty())
    return Malformed("needs the \"kid\" the CA's operator issued in its protected header");
  if (jws.url != url)
    return Malformed("\"url\" must be the newAccount URL " + url + ", not \"" + jws.url + "\"");
  return OkStatus();
}

// RFC 8555 7.3.4 step 5: the payload is the account's public key.
Status CheckPayloadIsAccountKey(const jose::ParsedJws& jws, const std::string& thumbprint) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(jws.payload, ec);
  if (ec || !v.is_object()) return Malformed("payload must be the account's public JWK");
  Result<crypto::Key> key = jose::KeyFromJwk(v.get_object());
  if (!key.ok()) return Malformed("payload is not a usable JWK: " + key.error().detail);
  if (jose::Thumbprint(*key) != thumbprint)
    return Error(ErrorCode::kBadPublicKey,
                 "externalAccountBinding payload is not the key that signed this newAccount "
                 "request; MAC the account's own public JWK");
  return OkStatus();
}

}  // namespace

Result<std::string> VerifyExternalAccountBinding(storage::ReadOnlyStore& store,
                                                 const ExternalAccountBinding& binding,
                                                 const std::string& account_thumbprint) {
  Result<jose::ParsedJws> parsed = jose::ParseFlattened(binding.jws_json);
  if (!parsed.ok()) return Malformed("is not a flattened JWS: " + parsed.error().detail);
  const jose::ParsedJws& jws = *parsed;
  SIGNET_RETURN_IF_ERROR(CheckHeader(jws, binding.url));
  SIGNET_ASSIGN_OR_RETURN(std::optional<storage::EabKey> key, store.GetEabKey(jws.kid));
  if (!key)
    return Unauthorized("kid \"" + jws.kid + "\" is not known to this CA; ask its operator for "
                        "a key (signetd admin eab add)");
  Status mac = jose::VerifyMac(jws, key->hmac_key);
  if (!mac.ok()) {
    if (mac.error().code != ErrorCode::kUnauthorized) return mac.error();
    return Unauthorized("MAC does not verify with the key of kid \"" + jws.kid +
                        "\"; check the HMAC key given with it");
  }
  SIGNET_RETURN_IF_ERROR(CheckPayloadIsAccountKey(jws, account_thumbprint));
  if (!key->account_id.empty())
    return Error(ErrorCode::kUnauthorized, "EAB key already used: kid \"" + jws.kid +
                                               "\" is bound to another account; ask the CA's "
                                               "operator for a new one");
  return jws.kid;
}

Result<storage::EabKey> AdminCreateEabKey(storage::Store& store) {
  storage::EabKey key;
  key.kid = crypto::HexEncode(crypto::RandomBytes(12));
  do {
    key.hmac_key = crypto::RandomBytes(kEabKeyBytes);
  } while (Base64UrlEncode(key.hmac_key).front() == '-');
  key.created_at = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
  SIGNET_RETURN_IF_ERROR(store.AddEabKey(key));
  return key;
}

}  // namespace signet::ca
