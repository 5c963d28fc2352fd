// HMAC (RFC 2104) for JWS MACs (RFC 7518 3.2: HS256, HS384, HS512) and the
// comparison of MACs in constant time.
#pragma once

#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "base/result.h"

namespace signet::crypto {

// HMAC of `data` under `key` with `digest` (EVP_sha256() etc.).
// kServerInternal only if OpenSSL fails.
Result<std::string> Hmac(const EVP_MD* digest, std::string_view key, std::string_view data);

// True if `a` and `b` are equal; the time taken depends only on their
// lengths, not on where they first differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace signet::crypto
