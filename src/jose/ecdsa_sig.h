// Conversion between OpenSSL's DER-encoded ECDSA signatures and the fixed
// width R||S form of RFC 7518 3.4. Private to the jose module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::jose::internal {

// DER ECDSA-Sig-Value -> R||S with each half left-padded to `width` bytes.
Result<std::string> EcdsaDerToRaw(std::string_view der, size_t width);

// R||S (even, non-zero length) -> DER ECDSA-Sig-Value.
Result<std::string> EcdsaRawToDer(std::string_view raw);

}  // namespace signet::jose::internal
