// Message digests and randomness.
#pragma once

#include <string>
#include <string_view>

namespace signet::crypto {

std::string Sha256(std::string_view data);
// Cryptographically secure random bytes (OpenSSL's DRBG). Aborts only if the
// DRBG cannot be seeded, which leaves nothing safe to do.
std::string RandomBytes(size_t n);
std::string HexEncode(std::string_view bytes);

}  // namespace signet::crypto
