// A SigningKey on a PKCS#11 token (an HSM; SoftHSM2 in tests), named by an
// RFC 7512 URI: "pkcs11:token=LABEL;object=LABEL". The key never leaves the
// token: OpenSSL reaches it through libp11's pkcs11 engine
// (libengine-pkcs11-openssl), which loads `module` and logs in with the PIN.
// See docs/dependencies.md for why the engine and not the PKCS#11 API itself.
//
// Thread-safe; signatures are serialized on one PKCS#11 session.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "crypto/signing_key.h"

namespace signet::crypto {

struct Pkcs11KeyOptions {
  std::string uri;     // "pkcs11:token=...;object=..." (type=private implied)
  std::string pin;     // the user PIN; "" if the token needs none
  // The PKCS#11 module; "" = the engine's default (p11-kit's proxy, which
  // loads every module registered with p11-kit, SoftHSM2 included).
  std::string module;
};

bool IsPkcs11Uri(const std::string& s);

Result<std::unique_ptr<SigningKey>> OpenPkcs11SigningKey(const Pkcs11KeyOptions& options);

// What signetd is given: a key file path, or a pkcs11: URI with its PIN and
// module. Picks the implementation.
Result<std::unique_ptr<SigningKey>> OpenSigningKey(const std::string& file_or_uri,
                                                   const std::string& pin,
                                                   const std::string& module);

}  // namespace signet::crypto
