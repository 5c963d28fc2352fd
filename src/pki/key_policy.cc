#include "pki/key_policy.h"

#include <openssl/core_names.h>
#include <openssl/objects.h>

#include <string>

namespace signet::pki {

namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr unsigned long kRsaExponent = 65537;

Status Reject(const std::string& reason) {
  crypto::LastOsslError();  // Drop whatever OpenSSL queued on the way.
  return Error(ErrorCode::kBadCsr, reason);
}

// OpenSSL's name for the key's algorithm, e.g. "ED25519" or "DSA".
std::string AlgorithmName(const crypto::Key& key) {
  const char* name = EVP_PKEY_get0_type_name(key.get());
  if (name) return name;
  const char* sn = OBJ_nid2sn(EVP_PKEY_get_base_id(key.get()));
  return sn ? sn : "unknown";
}

// Rejects keys whose encoding is well formed but mathematically invalid
// (an EC point off the curve, an RSA modulus that is even or prime, ...).
// `prime_order_curve`: the key is on P-256 or P-384, whose cofactor is 1, so
// the quick check (not infinity, coordinates in range, on the curve) is full
// validation (NIST SP 800-56A 5.6.2.3.4); the full check would add a point
// multiplication by the group order that costs as much as a signature.
Status CheckPublicKeyMath(const crypto::Key& key, bool prime_order_curve = false) {
  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  int ok = !ctx ? 0
           : prime_order_curve ? EVP_PKEY_public_check_quick(ctx.get())
                               : EVP_PKEY_public_check(ctx.get());
  if (ok != 1) return Reject("public key fails validity checks");
  return OkStatus();
}

Status CheckRsa(const crypto::Key& key) {
  int bits = key.Bits();
  if (bits < kMinRsaBits || bits > kMaxRsaBits)
    return Reject("RSA key size " + std::to_string(bits) + " is not in [" +
                  std::to_string(kMinRsaBits) + ", " + std::to_string(kMaxRsaBits) + "]");
  if (bits % 8 != 0)
    return Reject("RSA key size " + std::to_string(bits) + " is not a multiple of 8");
  BIGNUM* raw_e = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &raw_e) != 1)
    return Reject("RSA public exponent cannot be read");
  crypto::BignumPtr e(raw_e);
  if (!BN_is_word(e.get(), kRsaExponent)) return Reject("RSA public exponent must be 65537");
  return CheckPublicKeyMath(key);
}

Status CheckEc(const crypto::Key& key) {
  std::string curve = key.CurveName();
  if (curve != "P-256" && curve != "P-384")
    return Reject("ECDSA curve " + (curve.empty() ? std::string("unknown") : curve) +
                  " is not supported (use P-256 or P-384)");
  return CheckPublicKeyMath(key, /*prime_order_curve=*/true);
}

}  // namespace

Status CheckSubscriberKeyEncoding(const X509_PUBKEY* spki) {
  ASN1_OBJECT* algorithm = nullptr;
  const unsigned char* bits = nullptr;
  int bits_len = 0;
  X509_ALGOR* algor = nullptr;
  if (!spki || X509_PUBKEY_get0_param(&algorithm, &bits, &bits_len, &algor, spki) != 1)
    return Reject("public key cannot be read");
  if (OBJ_obj2nid(algorithm) != NID_X9_62_id_ecPublicKey) return OkStatus();
  int param_type = V_ASN1_UNDEF;
  const void* param = nullptr;
  X509_ALGOR_get0(nullptr, &param_type, &param, algor);
  if (param_type != V_ASN1_OBJECT)
    return Reject("EC public key must name its curve (explicit parameters are not accepted)");
  if (bits_len < 1 || bits[0] != 0x04)
    return Reject("EC public key point must be uncompressed");
  return OkStatus();
}

Status CheckSubscriberKey(const crypto::Key& key) {
  if (!key.valid()) return Reject("no public key");
  std::string family = key.Family();
  if (family == "RSA") return CheckRsa(key);
  if (family == "EC") return CheckEc(key);
  return Reject("key type " + AlgorithmName(key) +
                " is not supported (use RSA or ECDSA P-256/P-384)");
}

}  // namespace signet::pki
