// Authentication of ACME POST requests (RFC 8555 6.2-6.5), one check per
// function as Boulder's WFE does: content type, JWS shape, algorithm, nonce,
// url, key (jwk or kid), account status, signature.
#pragma once

#include <optional>
#include <string>

#include "acme/objects.h"
#include "base/result.h"
#include "ca/ra/ra.h"
#include "ca/wfe/account_key_cache.h"
#include "ca/wfe/nonce.h"
#include "crypto/key.h"
#include "http/message.h"
#include "jose/jws.h"

namespace signet::ca {

enum class KeyMode {
  kJwk,     // newAccount: the request carries its key
  kKid,     // everything else: the request names an account
  kEither,  // revokeCert
};

struct AuthenticatedRequest {
  jose::ParsedJws jws;
  crypto::Key key;
  std::string jwk_json;    // kJwk: the key as received (canonical public JWK)
  std::string thumbprint;  // of `key`
  std::optional<acme::Account> account;  // kKid: the valid account
};

class JwsAuthenticator {
 public:
  JwsAuthenticator(NonceService& nonces, RegistrationAuthority& ra) : nonces_(nonces), ra_(ra) {}

  // `expected_url` is the full URL the request was sent to; `account_prefix`
  // the URL prefix of account resources ("https://host/acme/acct/").
  Result<AuthenticatedRequest> Authenticate(const http::Request& request,
                                            const std::string& expected_url,
                                            const std::string& account_prefix, KeyMode mode);
  // Drops the parsed key with this thumbprint (an account's old key after
  // keyChange). Not needed for correctness: keys are looked up by the
  // account's current thumbprint, so an old key is never used again.
  void ForgetKey(const std::string& thumbprint) { keys_.Erase(thumbprint); }

 private:
  NonceService& nonces_;
  RegistrationAuthority& ra_;
  AccountKeyCache keys_;
};

}  // namespace signet::ca
