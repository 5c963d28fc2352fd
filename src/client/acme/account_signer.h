// The key holder of the agent (OpenBSD acme-client's acctproc/keyproc): the
// ACME protocol engine never sees a private key, it asks an AccountSigner to
// sign a JWS (RFC 7515, flattened serialization as RFC 8555 6.2 requires) and
// to tell it the public JWK and its thumbprint. KeySigner keeps the key in
// this process; a signer in another process or an HSM fits the same
// interface.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::client {

class AccountSigner {
 public:
  virtual ~AccountSigner() = default;
  // A flattened JWS (JSON text) over `payload` with `protected_header` plus
  // the "alg" of the key. The caller supplies nonce, url and kid or jwk.
  virtual Result<std::string> SignJws(boost::json::object protected_header,
                                      std::string_view payload) = 0;
  // The public key as a JWK (RFC 7517), for "jwk" headers.
  virtual boost::json::object PublicJwk() const = 0;
  // RFC 7638 thumbprint of the public key (key authorizations, RFC 8555 8.1).
  virtual std::string Thumbprint() const = 0;
};

// Signs with a key it owns. Thread-safe (signing only reads the key).
class KeySigner : public AccountSigner {
 public:
  explicit KeySigner(crypto::Key key) : key_(std::move(key)) {}

  Result<std::string> SignJws(boost::json::object protected_header,
                              std::string_view payload) override;
  boost::json::object PublicJwk() const override;
  std::string Thumbprint() const override;

 private:
  crypto::Key key_;
};

}  // namespace signet::client
