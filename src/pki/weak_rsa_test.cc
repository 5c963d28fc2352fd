#include "pki/weak_rsa.h"

#include <gtest/gtest.h>

#include <openssl/core_names.h>

#include "pki/weak_key_test_support.h"

namespace signet::pki {
namespace {

using namespace testing_support;

crypto::BignumPtr Modulus(const crypto::Key& key) {
  BIGNUM* n = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n), 1);
  return crypto::BignumPtr(n);
}

TEST(HasRocaFingerprint, NumbersOfInfineonsFormHaveIt) {
  for (int i = 0; i < 4; ++i) {
    crypto::BignumPtr n = RocaFormNumber(2048);
    EXPECT_TRUE(HasRocaFingerprint(n.get()));
  }
  // A product of two such numbers too (the modulus of two Infineon primes).
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::BignumPtr p = RocaFormNumber(1024), q = RocaFormNumber(1024), n(BN_new());
  BN_mul(n.get(), p.get(), q.get(), ctx.get());
  EXPECT_TRUE(HasRocaFingerprint(n.get()));
}

TEST(HasRocaFingerprint, OrdinaryModuliDoNotHaveIt) {
  for (int i = 0; i < 3; ++i) {
    auto key = crypto::Key::Generate(crypto::KeyType::kRsa, 2048);
    ASSERT_TRUE(key.ok());
    EXPECT_FALSE(HasRocaFingerprint(Modulus(*key).get()));
  }
  EXPECT_FALSE(HasRocaFingerprint(PlausibleModulus(2048).get()));
}

// Every prime of the fingerprint counts: moving N's residue modulo one of
// them out of 65537's subgroup (keeping all the others) loses it.
TEST(HasRocaFingerprint, OneResidueOutsideTheSubgroupIsEnough) {
  crypto::BignumPtr n = RocaFormNumber(2048);
  crypto::BignumPtr m = RocaPrimorial();
  int tested = 0;
  for (unsigned long r = 3; r <= 167; r += 2) {
    bool prime = true;
    for (unsigned long d = 3; d * d <= r; d += 2) prime = prime && r % d != 0;
    if (!prime) continue;
    std::vector<bool> in_subgroup(r, false);
    size_t size = 0;
    for (unsigned long x = 1; !in_subgroup[x]; x = x * (65537 % r) % r, ++size)
      in_subgroup[x] = true;
    if (size == r - 1) continue;  // 65537 generates all of (Z/rZ)*: no constraint
    // N + j * (M / r) keeps N's residue modulo every other prime of M.
    crypto::BignumPtr step(BN_dup(m.get())), moved(BN_dup(n.get()));
    BN_div_word(step.get(), r);
    do {
      BN_add(moved.get(), moved.get(), step.get());
    } while (in_subgroup[BN_mod_word(moved.get(), r)] || BN_mod_word(moved.get(), r) == 0);
    EXPECT_FALSE(HasRocaFingerprint(moved.get())) << "r = " << r;
    ++tested;
  }
  EXPECT_GE(tested, 10);
}

TEST(IsFermatFactorable, NeighbouringPrimesAreFound) {
  crypto::BnCtxPtr ctx(BN_CTX_new());
  for (int i = 0; i < 2; ++i) {
    auto [p, q] = ClosePrimes(2048);
    crypto::BignumPtr n(BN_new());
    BN_mul(n.get(), p.get(), q.get(), ctx.get());
    EXPECT_EQ(BN_num_bits(n.get()), 2048);
    EXPECT_TRUE(IsFermatFactorable(n.get()));
  }
}

TEST(IsFermatFactorable, APerfectSquareIsFound) {
  crypto::BnCtxPtr ctx(BN_CTX_new());
  auto [p, q] = ClosePrimes(1024);
  crypto::BignumPtr n(BN_new());
  BN_sqr(n.get(), p.get(), ctx.get());
  EXPECT_TRUE(IsFermatFactorable(n.get()));
}

// |p - q| = 2^600 is far beyond what 100 rounds reach (about 2^517 for
// 2048-bit moduli), as are the factors of real keys.
TEST(IsFermatFactorable, DistantPrimesAreNot) {
  crypto::BnCtxPtr ctx(BN_CTX_new());
  auto [p, unused] = ClosePrimes(2048);
  crypto::BignumPtr gap(BN_new()), far(BN_new());
  BN_set_bit(gap.get(), 600);
  BN_add(far.get(), p.get(), gap.get());
  crypto::BignumPtr q = NextRsaPrime(far.get()), n(BN_new());
  BN_mul(n.get(), p.get(), q.get(), ctx.get());
  EXPECT_FALSE(IsFermatFactorable(n.get()));
  for (int i = 0; i < 3; ++i) {
    auto key = crypto::Key::Generate(crypto::KeyType::kRsa, 2048);
    ASSERT_TRUE(key.ok());
    EXPECT_FALSE(IsFermatFactorable(Modulus(*key).get()));
  }
}

}  // namespace
}  // namespace signet::pki
