// External account binding (RFC 8555 7.3.4): MAC keys the operator hands out
// (signetd admin eab add) that tie a new ACME account to a customer the CA
// knows outside ACME. Each key binds exactly one account.
//
// Refusals follow Pebble (Boulder has no EAB): a binding that is not a
// flattened JWS MACed with HS256/HS384/HS512, that carries a nonce, lacks the
// kid or names another URL is malformed; an unknown kid, a wrong MAC or a key
// that already bound an account is unauthorized; a payload that is not the
// account's key is badPublicKey.
#pragma once

#include <string>

#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

// What newAccount received as "externalAccountBinding".
struct ExternalAccountBinding {
  std::string jws_json;  // the member's value, as JSON text
  std::string url;       // the url of the outer JWS (the newAccount URL)
};

// Checks `binding` for a new account whose key has the RFC 7638 thumbprint
// `account_thumbprint`, against the keys in `store`. Returns the kid, which
// the caller binds with Store::CreateAccountWithEab (where "already used" is
// decided atomically; it is also refused here, before any other work).
Result<std::string> VerifyExternalAccountBinding(storage::ReadOnlyStore& store,
                                                 const ExternalAccountBinding& binding,
                                                 const std::string& account_thumbprint);

// The MAC key size of new EAB keys: 256 bits, HS256's block of strength.
inline constexpr size_t kEabKeyBytes = 32;

// Creates and stores a new unbound EAB key: a random kid (hex) and a random
// kEabKeyBytes MAC key whose base64url form does not start with '-' (so it
// can follow a command-line flag without '=').
Result<storage::EabKey> AdminCreateEabKey(storage::Store& store);

}  // namespace signet::ca
