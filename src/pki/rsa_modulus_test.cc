#include "pki/rsa_modulus.h"

#include <gtest/gtest.h>

#include <openssl/core_names.h>
#include <openssl/err.h>

#include "pki/weak_key_test_support.h"

namespace signet::pki {
namespace {

using namespace testing_support;

crypto::BignumPtr Prime(int bits) {
  crypto::BignumPtr p(BN_new());
  EXPECT_EQ(BN_generate_prime_ex(p.get(), bits, 0, nullptr, nullptr, nullptr), 1);
  return p;
}

crypto::BignumPtr Mul(const BIGNUM* a, const BIGNUM* b) {
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::BignumPtr out(BN_new());
  EXPECT_EQ(BN_mul(out.get(), a, b, ctx.get()), 1);
  return out;
}

ModulusVerdict Check(const BIGNUM* n) {
  Result<ModulusVerdict> v = CheckRsaModulus(n);
  EXPECT_TRUE(v.ok()) << v.error().ToString();
  return v.ok() ? *v : ModulusVerdict{};
}

// What OpenSSL's own SP 800-56B public check (which this replaces) says.
bool OpenSslAccepts(const BIGNUM* n) {
  crypto::Key key = RsaPublicKey(n);
  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  bool ok = EVP_PKEY_public_check(ctx.get()) == 1;
  ERR_clear_error();
  return ok;
}

TEST(CheckRsaModulus, AcceptsRsaModuliAsOpenSslDoes) {
  for (int i = 0; i < 3; ++i) {
    auto key = crypto::Key::Generate(crypto::KeyType::kRsa, 2048);
    ASSERT_TRUE(key.ok());
    BIGNUM* raw = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(key->get(), OSSL_PKEY_PARAM_RSA_N, &raw), 1);
    crypto::BignumPtr n(raw);
    EXPECT_EQ(Check(n.get()).flaw, ModulusFlaw::kNone);
  }
  crypto::BignumPtr multi = PlausibleModulus(3072);  // three or more primes
  EXPECT_EQ(Check(multi.get()).flaw, ModulusFlaw::kNone);
  EXPECT_TRUE(OpenSslAccepts(multi.get()));
}

TEST(CheckRsaModulus, RefusesAnEvenModulus) {
  crypto::BignumPtr n = PlausibleModulus(2048);
  ASSERT_EQ(BN_add_word(n.get(), 1), 1);
  EXPECT_EQ(Check(n.get()).flaw, ModulusFlaw::kEven);
  EXPECT_FALSE(OpenSslAccepts(n.get()));
}

TEST(CheckRsaModulus, RefusesEachSmallPrimeFactorBelow752) {
  crypto::BignumPtr q = Prime(2030);
  for (unsigned long small : {3ul, 5ul, 167ul, 173ul, 743ul, 751ul}) {
    crypto::BignumPtr n = Mul(Bn(small).get(), q.get());
    ModulusVerdict v = Check(n.get());
    EXPECT_EQ(v.flaw, ModulusFlaw::kSmallFactor) << small;
    EXPECT_EQ(v.factor, small);
    EXPECT_FALSE(OpenSslAccepts(n.get())) << small;
  }
  // 757 is the first prime SP 800-89 no longer asks about.
  crypto::BignumPtr n = Mul(Bn(757).get(), Prime(2038).get());
  EXPECT_EQ(Check(n.get()).flaw, ModulusFlaw::kNone);
}

TEST(CheckRsaModulus, RefusesAPrime) {
  crypto::BignumPtr p = Prime(2048);
  EXPECT_EQ(Check(p.get()).flaw, ModulusFlaw::kPrime);
  EXPECT_FALSE(OpenSslAccepts(p.get()));
}

TEST(CheckRsaModulus, RefusesPrimePowers) {
  crypto::BignumPtr p = Prime(1024);
  crypto::BignumPtr square = Mul(p.get(), p.get());
  EXPECT_EQ(Check(square.get()).flaw, ModulusFlaw::kPrimePower);
  EXPECT_FALSE(OpenSslAccepts(square.get()));
  crypto::BignumPtr r = Prime(683);
  crypto::BignumPtr cube = Mul(Mul(r.get(), r.get()).get(), r.get());
  EXPECT_EQ(Check(cube.get()).flaw, ModulusFlaw::kPrimePower);
  EXPECT_FALSE(OpenSslAccepts(cube.get()));
}

}  // namespace
}  // namespace signet::pki
