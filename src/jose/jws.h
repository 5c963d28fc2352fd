// JSON Web Signatures (RFC 7515) in the flattened JSON serialization that
// ACME requires (RFC 8555 6.2), with the algorithms ACME permits: RS256,
// ES256, ES384, ES512 and EdDSA (Ed25519, RFC 8037). "none" and HMAC are
// never accepted.
//
// Parsing and verification are separate so the ACME front end can check the
// header (nonce, url, jwk/kid) before it knows which key to verify with.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::jose {

enum class Alg { kRS256, kES256, kES384, kES512, kEdDSA };

std::optional<Alg> ParseAlg(std::string_view name);
std::string_view AlgName(Alg alg);
// The space-separated list of algorithms we accept, for badSignatureAlgorithm.
const std::vector<std::string>& SupportedAlgs();
// The algorithm a key signs with: RSA -> RS256, P-256 -> ES256, P-384 ->
// ES384, P-521 -> ES512, Ed25519 -> EdDSA.
Result<Alg> AlgForKey(const crypto::Key& key);

// A JWS as received: the three encoded parts and their decoded forms.
struct ParsedJws {
  std::string protected_b64;
  std::string payload_b64;
  std::string signature_b64;
  boost::json::object header;  // the decoded protected header
  std::string payload;         // decoded payload bytes ("" for POST-as-GET)
  std::string signature;       // decoded signature bytes

  // Convenience views of header members; empty / nullopt when absent.
  std::string alg;
  std::string nonce;
  std::string url;
  std::string kid;
  std::optional<boost::json::object> jwk;
};

// Parses a flattened JSON serialization: an object with exactly "protected",
// "payload" and "signature" (strings) and nothing else; an unprotected
// "header" member, or the general serialization ("signatures"), is malformed.
// The protected header must decode to a JSON object; alg, nonce, url and kid,
// when present, must be strings and jwk an object. Only structure is checked
// here (kMalformed on failure); policy checks belong to the caller.
Result<ParsedJws> ParseFlattened(std::string_view body);

// Verifies the signature of `jws` with `key`. The header's alg must be one we
// support (kBadSignatureAlgorithm otherwise) and must match the key type
// (kBadSignatureAlgorithm); a bad signature is kMalformed. ECDSA signatures
// are the raw R||S form of RFC 7518 3.4.
Status Verify(const ParsedJws& jws, const crypto::Key& key);

// Produces a flattened JWS (as JSON text) over `payload` with the given
// protected header; alg is filled in from the key.
Result<std::string> Sign(const crypto::Key& key, boost::json::object protected_header,
                         std::string_view payload);

}  // namespace signet::jose
