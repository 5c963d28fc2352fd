#include "pki/key_policy.h"

#include <openssl/core_names.h>
#include <openssl/objects.h>

#include <string>

#include "pki/rsa_modulus.h"
#include "pki/weak_rsa.h"

namespace signet::pki {

namespace {

constexpr unsigned long kRsaExponent = 65537;

Status Reject(KeyUse use, const std::string& reason) {
  crypto::LastOsslError();  // Drop whatever OpenSSL queued on the way.
  return Error(use == KeyUse::kAccount ? ErrorCode::kBadPublicKey : ErrorCode::kBadCsr, reason);
}

// OpenSSL's name for the key's algorithm, e.g. "ED25519" or "DSA".
std::string AlgorithmName(const crypto::Key& key) {
  const char* name = EVP_PKEY_get0_type_name(key.get());
  if (name) return name;
  const char* sn = OBJ_nid2sn(EVP_PKEY_get_base_id(key.get()));
  return sn ? sn : "unknown";
}

// Rejects an EC key whose point is not on its curve. P-256 and P-384 have
// cofactor 1, so the quick check (not infinity, coordinates in range, on the
// curve) is full validation (NIST SP 800-56A 5.6.2.3.4); the full check
// would add a point multiplication by the group order that costs as much as
// a signature.
Status CheckEcPoint(const crypto::Key& key, KeyUse use) {
  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_public_check_quick(ctx.get()) != 1)
    return Reject(use, "public key fails validity checks");
  return OkStatus();
}

// SP 800-89 5.3.3 on the modulus (rsa_modulus.h), the reason named.
Status CheckRsaModulusMath(const BIGNUM* n, KeyUse use) {
  SIGNET_ASSIGN_OR_RETURN(ModulusVerdict verdict, CheckRsaModulus(n));
  switch (verdict.flaw) {
    case ModulusFlaw::kNone: return OkStatus();
    case ModulusFlaw::kEven: return Reject(use, "RSA modulus is even; generate a new key");
    case ModulusFlaw::kSmallFactor:
      return Reject(use, "RSA modulus has the small prime factor " +
                             std::to_string(verdict.factor) + "; generate a new key");
    case ModulusFlaw::kPrime:
      return Reject(use, "RSA modulus is prime, not a product of two primes; generate a new key");
    case ModulusFlaw::kPrimePower:
      return Reject(use, "RSA modulus is a prime power or a factor of it follows from the "
                         "public key; generate a new key");
  }
  return Reject(use, "public key fails validity checks");
}

std::string RsaSizes(const KeyPolicy& policy) {
  return std::to_string(KeyPolicy::kMinRsaBits) + "-" + std::to_string(policy.max_rsa_bits) +
         " accepted";
}

// "public exponent 3 is not 65537"; a huge exponent by its size only.
std::string ExponentReason(const BIGNUM* e) {
  if (BN_num_bits(e) > 64)
    return "public exponent of " + std::to_string(BN_num_bits(e)) + " bits is not 65537";
  char* dec = BN_bn2dec(e);
  std::string text = dec ? dec : "?";
  OPENSSL_free(dec);
  return "public exponent " + text + " is not 65537";
}

Status CheckRsa(const crypto::Key& key, KeyUse use, const KeyPolicy& policy) {
  BIGNUM* raw_n = nullptr;
  BIGNUM* raw_e = nullptr;
  bool read = EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &raw_n) == 1 &&
              EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &raw_e) == 1;
  crypto::BignumPtr n(raw_n), e(raw_e);
  if (!read) return Reject(use, "RSA public key cannot be read");
  int bits = BN_num_bits(n.get());
  if (bits < KeyPolicy::kMinRsaBits)
    return Reject(use, "RSA modulus of " + std::to_string(bits) + " bits is too small (" +
                           RsaSizes(policy) + ")");
  if (bits > policy.max_rsa_bits)
    return Reject(use, "RSA modulus of " + std::to_string(bits) + " bits is too large (" +
                           RsaSizes(policy) + ")");
  if (bits % 8 != 0)
    return Reject(use, "RSA modulus of " + std::to_string(bits) + " bits is not a multiple of 8");
  if (!BN_is_word(e.get(), kRsaExponent)) return Reject(use, ExponentReason(e.get()));
  if (HasRocaFingerprint(n.get()))
    return Reject(use, "key is vulnerable to ROCA (an Infineon-generated RSA modulus, "
                       "CVE-2017-15361); generate a new key with other software");
  SIGNET_RETURN_IF_ERROR(CheckRsaModulusMath(n.get(), use));
  if (IsFermatFactorable(n.get()))
    return Reject(use, "modulus is Fermat-factorable (its prime factors are too close "
                       "together); generate a new key");
  return OkStatus();
}

Status CheckEc(const crypto::Key& key, KeyUse use) {
  std::string curve = key.CurveName();
  if (curve != "P-256" && curve != "P-384")
    return Reject(use, "ECDSA curve " + (curve.empty() ? std::string("unknown") : curve) +
                           " is not supported (use P-256 or P-384)");
  return CheckEcPoint(key, use);
}

}  // namespace

Status KeyPolicy::Validate() const {
  if (max_rsa_bits < kMinRsaBits || max_rsa_bits > kMaxRsaBitsLimit)
    return Error(ErrorCode::kMalformed, "max_rsa_key_bits must be from " +
                                            std::to_string(kMinRsaBits) + " to " +
                                            std::to_string(kMaxRsaBitsLimit) + ", not " +
                                            std::to_string(max_rsa_bits));
  return OkStatus();
}

Status CheckKey(const crypto::Key& key, KeyUse use, const KeyPolicy& policy) {
  if (!key.valid()) return Reject(use, "no public key");
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA: return CheckRsa(key, use, policy);
    case EVP_PKEY_EC: return CheckEc(key, use);
    case EVP_PKEY_ED25519:
      // An account key has just verified the request's JWS, which a key that
      // is not a point of the curve cannot do; nothing more to check.
      if (use == KeyUse::kAccount) return OkStatus();
      return Reject(use, "key type ED25519 is not supported in a CSR (use RSA or ECDSA "
                         "P-256/P-384; Ed25519 serves for account keys only)");
    default: break;
  }
  return Reject(use, "key type " + AlgorithmName(key) + " is not supported (use RSA or ECDSA " +
                         (use == KeyUse::kAccount ? "P-256/P-384, or Ed25519)" : "P-256/P-384)"));
}

}  // namespace signet::pki
