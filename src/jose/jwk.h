// JSON Web Keys (RFC 7517, 7518 6, RFC 8037 for Ed25519) and JWK thumbprints
// (RFC 7638). Only public keys travel as JWKs in ACME; the agent also stores
// its private account key as a JWK (certbot's private_key.json).
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::jose {

// Parses a public JWK: kty RSA (n, e), EC (crv P-256/P-384/P-521, x, y; the
// point must lie on the curve), OKP (crv Ed25519, x). Private members are
// ignored. Errors are kBadPublicKey (unsupported kty/crv) or kMalformed.
Result<crypto::Key> KeyFromJwk(const boost::json::object& jwk);

// Parses a private JWK (adds d, and for RSA p, q, dp, dq, qi) into a key pair.
Result<crypto::Key> PrivateKeyFromJwk(const boost::json::object& jwk);

// The public JWK of `key` with exactly the RFC 7638 required members.
boost::json::object PublicJwk(const crypto::Key& key);

// The private JWK of `key` (public members plus the private ones).
boost::json::object PrivateJwk(const crypto::Key& key);

// RFC 7638: base64url(SHA-256(canonical JSON of the required members, keys
// in lexicographic order, no whitespace)).
std::string Thumbprint(const crypto::Key& key);

}  // namespace signet::jose
