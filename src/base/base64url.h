// base64url without padding (RFC 4648 section 5, as RFC 7515 2 uses it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace signet {

std::string Base64UrlEncode(std::string_view bytes);
inline std::string Base64UrlEncode(const std::vector<uint8_t>& bytes) {
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}
// Strict: rejects padding, whitespace and characters outside the url alphabet.
Result<std::string> Base64UrlDecode(std::string_view text);

// Standard base64 with padding (PEM bodies, OCSP GET paths).
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace signet
