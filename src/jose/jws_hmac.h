// JWS with MACs (RFC 7515, RFC 7518 3.2: HS256, HS384, HS512). ACME accepts
// these only inside an external account binding (RFC 8555 7.3.4), never as
// the signature of a request: jws.h's Verify refuses them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "jose/jws.h"

namespace signet::jose {

enum class MacAlg { kHS256, kHS384, kHS512 };

std::optional<MacAlg> ParseMacAlg(std::string_view name);
std::string_view MacAlgName(MacAlg alg);

// Verifies the MAC of `jws` (parsed by ParseFlattened) under `key`. The
// header's alg must be HS256, HS384 or HS512 (kMalformed otherwise, naming
// them); a wrong MAC is kUnauthorized. The comparison is constant-time.
Status VerifyMac(const ParsedJws& jws, std::string_view key);

// A flattened JWS (JSON text) over `payload` with `protected_header` plus
// alg, MACed with `key`: the client side of an external account binding.
Result<std::string> SignMac(MacAlg alg, std::string_view key, boost::json::object protected_header,
                            std::string_view payload);

}  // namespace signet::jose
