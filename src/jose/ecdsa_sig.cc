#include "jose/ecdsa_sig.h"

#include "crypto/ossl.h"

namespace signet::jose::internal {

Result<std::string> EcdsaDerToRaw(std::string_view der, size_t width) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  crypto::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
  if (!sig) return crypto::OsslError(ErrorCode::kServerInternal, "cannot decode ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(2 * width, '\0');
  auto* buf = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, buf, int(width)) < 0 || BN_bn2binpad(s, buf + width, int(width)) < 0)
    return Error(ErrorCode::kServerInternal, "ECDSA signature does not fit the curve size");
  return out;
}

Result<std::string> EcdsaRawToDer(std::string_view raw) {
  if (raw.empty() || raw.size() % 2 != 0)
    return Error(ErrorCode::kMalformed, "ECDSA signature has odd or zero length");
  const size_t width = raw.size() / 2;
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  crypto::BignumPtr r(BN_bin2bn(in, int(width), nullptr));
  crypto::BignumPtr s(BN_bin2bn(in + width, int(width), nullptr));
  crypto::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot build ECDSA signature");
  // ECDSA_SIG_set0 took ownership of r and s.
  (void)r.release();
  (void)s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return crypto::OsslError(ErrorCode::kServerInternal, "cannot encode ECDSA signature");
  std::string der(size_t(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != len)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot encode ECDSA signature");
  return der;
}

}  // namespace signet::jose::internal
