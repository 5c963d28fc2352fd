// The NIST curves JOSE uses (RFC 7518 6.2.1.1) and their OpenSSL names.
// Private to the jose module.
#pragma once

#include <cstddef>
#include <string_view>

namespace signet::jose::internal {

struct EcCurve {
  std::string_view jwk_name;  // "crv" value: "P-256", "P-384", "P-521"
  const char* group_name;     // OpenSSL group name
  size_t size;                // bytes per coordinate / scalar (32, 48, 66)
};

inline constexpr EcCurve kEcCurves[] = {
    {"P-256", "prime256v1", 32},
    {"P-384", "secp384r1", 48},
    {"P-521", "secp521r1", 66},
};

// nullptr for curves JOSE/ACME does not use.
inline const EcCurve* FindEcCurve(std::string_view jwk_name) {
  for (const EcCurve& c : kEcCurves) {
    if (c.jwk_name == jwk_name) return &c;
  }
  return nullptr;
}

}  // namespace signet::jose::internal
