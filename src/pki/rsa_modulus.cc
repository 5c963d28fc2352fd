#include "pki/rsa_modulus.h"

#include <array>
#include <vector>

#include <openssl/err.h>

#include "crypto/ossl.h"

namespace signet::pki {

namespace {

constexpr uint32_t kTrialLimit = 752;  // SP 800-89 5.3.3: no factor below 752

// The odd primes below kTrialLimit, in groups whose product fits a word, so
// one BN_mod_word of the modulus serves a whole group.
struct PrimeGroup {
  uint64_t product = 1;
  std::vector<uint32_t> primes;
};

const std::vector<PrimeGroup>& PrimeGroups() {
  static const std::vector<PrimeGroup> groups = [] {
    std::array<bool, kTrialLimit> composite{};
    std::vector<PrimeGroup> out(1);
    for (uint32_t p = 3; p < kTrialLimit; p += 2) {
      if (composite[p]) continue;
      for (uint32_t m = p * p; m < kTrialLimit; m += 2 * p) composite[m] = true;
      if (out.back().product > (uint64_t{1} << 54)) out.emplace_back();  // p < 2^10
      out.back().product *= p;
      out.back().primes.push_back(p);
    }
    return out;
  }();
  return groups;
}

Error OsslFailure() {
  return crypto::OsslError(ErrorCode::kServerInternal, "cannot check the RSA modulus");
}

}  // namespace

Result<ModulusVerdict> CheckRsaModulus(const BIGNUM* n) {
  if (!BN_is_odd(n)) return ModulusVerdict{ModulusFlaw::kEven};
  for (const PrimeGroup& group : PrimeGroups()) {
    BN_ULONG rest = BN_mod_word(n, static_cast<BN_ULONG>(group.product));
    if (rest == static_cast<BN_ULONG>(-1)) return OsslFailure();
    for (uint32_t p : group.primes)
      if (rest % p == 0) return ModulusVerdict{ModulusFlaw::kSmallFactor, p};
  }

  // Miller-Rabin, base 2: n - 1 = 2^a * m with m odd.
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::BignumPtr n1(BN_dup(n)), m(BN_new()), z(BN_new()), x(BN_new());
  std::unique_ptr<BN_MONT_CTX, crypto::OsslDeleter<BN_MONT_CTX_free>> mont(BN_MONT_CTX_new());
  if (!ctx || !n1 || !m || !z || !x || !mont || !BN_sub_word(n1.get(), 1) ||
      !BN_MONT_CTX_set(mont.get(), n, ctx.get()))
    return OsslFailure();
  int a = 0;
  while (!BN_is_bit_set(n1.get(), a)) ++a;
  if (!BN_rshift(m.get(), n1.get(), a) ||
      !BN_mod_exp_mont_word(z.get(), 2, m.get(), n, ctx.get(), mont.get()))
    return OsslFailure();
  if (BN_is_one(z.get()) || BN_cmp(z.get(), n1.get()) == 0)
    return ModulusVerdict{ModulusFlaw::kPrime};
  // Square up to a times: reaching n - 1 means "probably prime"; reaching 1
  // from x != +-1 means x is a square root of 1 other than +-1. Either way
  // (or z = 2^(n-1) != 1 at the end) n is composite; the GCD of x - 1 and n
  // then tells a prime power (or a leaked factor) from an RSA modulus.
  bool composite = false;
  for (int j = 1; j <= a && !composite; ++j) {
    if (!BN_copy(x.get(), z.get()) || !BN_mod_sqr(z.get(), x.get(), n, ctx.get()))
      return OsslFailure();
    if (BN_is_one(z.get())) composite = true;  // x is the witness
    else if (j < a && BN_cmp(z.get(), n1.get()) == 0) return ModulusVerdict{ModulusFlaw::kPrime};
  }
  if (!composite && !BN_copy(x.get(), z.get())) return OsslFailure();  // x = 2^(n-1) mod n
  // gcd(x - 1, n) > 1 exactly when x - 1 has no inverse mod n.
  if (!BN_sub_word(x.get(), 1)) return OsslFailure();
  ERR_set_mark();
  crypto::BignumPtr inverse(BN_mod_inverse(nullptr, x.get(), n, ctx.get()));
  if (inverse) {
    ERR_pop_to_mark();
    return ModulusVerdict{};
  }
  unsigned long err = ERR_peek_last_error();
  ERR_pop_to_mark();
  if (ERR_GET_LIB(err) == ERR_LIB_BN && ERR_GET_REASON(err) == BN_R_NO_INVERSE)
    return ModulusVerdict{ModulusFlaw::kPrimePower};
  return OsslFailure();
}

}  // namespace signet::pki
