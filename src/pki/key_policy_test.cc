#include "pki/key_policy.h"

#include "pki/csr.h"
#include "pki/csr_builder.h"
#include "pki/test_support.h"
#include "pki/weak_key_test_support.h"

#include <gtest/gtest.h>

#include <openssl/core_names.h>

#include <string>

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;
using testing_support::RsaWithExponent;

Key Generate(KeyType type, int rsa_bits = 2048) {
  auto key = Key::Generate(type, rsa_bits);
  EXPECT_TRUE(key.ok());
  return *key;
}

void ExpectRejected(const Key& key, const std::string& reason_part) {
  Status s = CheckSubscriberKey(key);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadCsr);
  EXPECT_NE(s.error().detail.find(reason_part), std::string::npos) << s.error().detail;
}

TEST(CheckSubscriberKey, AcceptsRsa2048AndTheTwoCurves) {
  EXPECT_TRUE(CheckSubscriberKey(Generate(KeyType::kRsa, 2048)).ok());
  EXPECT_TRUE(CheckSubscriberKey(Generate(KeyType::kEcP256)).ok());
  EXPECT_TRUE(CheckSubscriberKey(Generate(KeyType::kEcP384)).ok());
}

TEST(CheckSubscriberKey, AcceptsPublicOnlyKey) {
  Key full = Generate(KeyType::kEcP256);
  auto pub = Key::FromPublicDer(full.PublicDer());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(CheckSubscriberKey(*pub).ok());
}

TEST(CheckSubscriberKey, RejectsSmallOrOddSizedRsa) {
  ExpectRejected(Generate(KeyType::kRsa, 1024), "1024");
  ExpectRejected(Generate(KeyType::kRsa, 2052), "multiple of 8");
}

TEST(CheckSubscriberKey, RejectsRsaExponentOtherThan65537) {
  ExpectRejected(RsaWithExponent(2048, 3), "65537");
}

TEST(CheckSubscriberKey, RejectsOtherCurvesAndTypes) {
  ExpectRejected(Generate(KeyType::kEcP521), "P-521");
  ExpectRejected(Generate(KeyType::kEd25519), "ED25519");
  ExpectRejected(Key(), "no public key");
}

// The same policy for account keys, refused as badPublicKey with the reason.
void ExpectAccountKeyRejected(const Key& key, const std::string& detail,
                              const KeyPolicy& policy = {}) {
  Status s = CheckAccountKey(key, policy);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadPublicKey);
  EXPECT_EQ(s.error().detail, detail);
}

TEST(CheckAccountKey, AcceptsRsaTheTwoCurvesAndEd25519) {
  for (auto type : {KeyType::kRsa, KeyType::kEcP256, KeyType::kEcP384, KeyType::kEd25519})
    EXPECT_TRUE(CheckAccountKey(Generate(type)).ok()) << int(type);
}

TEST(CheckAccountKey, RejectsWeakKeysAsBadPublicKeyNamingTheReason) {
  ExpectAccountKeyRejected(Generate(KeyType::kRsa, 1024),
                           "RSA modulus of 1024 bits is too small (2048-4096 accepted)");
  ExpectAccountKeyRejected(RsaWithExponent(2048, 3), "public exponent 3 is not 65537");
  ExpectAccountKeyRejected(Generate(KeyType::kEcP521),
                           "ECDSA curve P-521 is not supported (use P-256 or P-384)");
}

TEST(CheckSubscriberKey, Ed25519IsForAccountsOnly) {
  Status s = CheckSubscriberKey(Generate(KeyType::kEd25519));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadCsr);
  EXPECT_NE(s.error().detail.find("account keys only"), std::string::npos) << s.error().detail;
}

// Moduli of 4096 and 8192 bits that pass OpenSSL's checks, without the
// seconds it takes to generate such keys.
TEST(KeyPolicy, RsaModuliUpTo4096BitsUnlessConfiguredUpTo8192) {
  Key k4096 = testing_support::RsaPublicKey(testing_support::PlausibleModulus(4096).get());
  Key k8192 = testing_support::RsaPublicKey(testing_support::PlausibleModulus(8192).get());
  Key k8200 = testing_support::RsaPublicKey(testing_support::PlausibleModulus(8200).get());
  EXPECT_TRUE(CheckSubscriberKey(k4096).ok());
  EXPECT_TRUE(CheckAccountKey(k4096).ok());
  ExpectRejected(k8192, "RSA modulus of 8192 bits is too large (2048-4096 accepted)");
  ExpectAccountKeyRejected(k8192, "RSA modulus of 8192 bits is too large (2048-4096 accepted)");
  KeyPolicy wide;
  wide.max_rsa_bits = 8192;
  ASSERT_TRUE(wide.Validate().ok());
  EXPECT_TRUE(CheckSubscriberKey(k8192, wide).ok());
  EXPECT_TRUE(CheckAccountKey(k8192, wide).ok());
  ExpectAccountKeyRejected(k8200, "RSA modulus of 8200 bits is too large (2048-8192 accepted)",
                           wide);
}

TEST(KeyPolicy, TheMaximumIsBetween2048And8192) {
  for (int bits : {2048, 4096, 8192}) EXPECT_TRUE(KeyPolicy{bits}.Validate().ok()) << bits;
  for (int bits : {0, 1024, 2047, 8193, 16384}) {
    Status s = KeyPolicy{bits}.Validate();
    ASSERT_FALSE(s.ok()) << bits;
    EXPECT_EQ(s.error().code, ErrorCode::kMalformed);
    EXPECT_NE(s.error().detail.find("max_rsa_key_bits"), std::string::npos);
  }
}

TEST(CheckKey, RejectsRocaFingerprintedModuli) {
  Key roca = testing_support::RsaPublicKey(testing_support::RocaFormNumber(2048).get());
  ExpectRejected(roca, "key is vulnerable to ROCA");
  Status s = CheckAccountKey(roca);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadPublicKey);
  EXPECT_EQ(s.error().detail.rfind("key is vulnerable to ROCA", 0), 0u) << s.error().detail;
}

// A real key pair (it signs) whose primes are neighbours.
TEST(CheckKey, RejectsFermatFactorableModuli) {
  auto [p, q] = testing_support::ClosePrimes(2048);
  Key weak = testing_support::RsaKeyFromPrimes(p.get(), q.get());
  ASSERT_EQ(weak.Bits(), 2048);
  ASSERT_TRUE(crypto::SignDigest(weak, EVP_sha256(), "data").ok());
  ExpectRejected(weak, "modulus is Fermat-factorable");
  Status s = CheckAccountKey(weak);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadPublicKey);
  EXPECT_EQ(s.error().detail.rfind("modulus is Fermat-factorable", 0), 0u) << s.error().detail;
}

}  // namespace
}  // namespace signet::pki

namespace signet::pki {
namespace {

Csr CsrFor(const crypto::Key& key) {
  auto der = BuildCsr(key, {"example.com"});
  EXPECT_TRUE(der.ok());
  auto csr = ParseCsr(*der);
  EXPECT_TRUE(csr.ok()) << csr.error().ToString();
  return std::move(*csr);
}

TEST(CheckSubscriberKeyEncoding, AcceptsNamedCurveUncompressedAndRsa) {
  for (auto type : {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384, crypto::KeyType::kRsa}) {
    Csr csr = CsrFor(*crypto::Key::Generate(type));
    EXPECT_TRUE(CheckSubscriberKeyEncoding(csr.spki(), csr.public_key).ok());
  }
}

TEST(CheckSubscriberKeyEncoding, RejectsACompressedPoint) {
  crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  Csr csr = CsrFor(testing_support::WithCompressedPoint(key));
  EXPECT_TRUE(CheckSubscriberKey(csr.public_key).ok());  // the key itself is fine
  Status s = CheckSubscriberKeyEncoding(csr.spki(), csr.public_key);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadCsr);
  EXPECT_NE(s.error().detail.find("uncompressed"), std::string::npos) << s.error().detail;
}

}  // namespace
}  // namespace signet::pki

namespace signet::pki {
namespace {

// SP 800-89 5.3.3 (rsa_modulus.h), for account and certificate keys alike.
TEST(CheckKey, RejectsModuliSp80089RefusesNamingTheFlaw) {
  using namespace testing_support;
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::BignumPtr even = PlausibleModulus(2048), prime(BN_new()), half(BN_new()),
                    square(BN_new());
  BN_sub_word(even.get(), 1);
  BN_generate_prime_ex(prime.get(), 2048, 0, nullptr, nullptr, nullptr);
  BN_generate_prime_ex(half.get(), 1024, 0, nullptr, nullptr, nullptr);
  BN_sqr(square.get(), half.get(), ctx.get());
  struct Case {
    Key key;
    std::string reason;
  } cases[] = {
      {RsaPublicKey(even.get()), "RSA modulus is even; generate a new key"},
      {SmallFactorKey(3), "RSA modulus has the small prime factor 3; generate a new key"},
      {RsaPublicKey(prime.get()),
       "RSA modulus is prime, not a product of two primes; generate a new key"},
      {RsaPublicKey(square.get()),
       "RSA modulus is a prime power or a factor of it follows from the public key; "
       "generate a new key"},
  };
  for (const Case& c : cases) {
    Status csr = CheckSubscriberKey(c.key);
    ASSERT_FALSE(csr.ok()) << c.reason;
    EXPECT_EQ(csr.error().code, ErrorCode::kBadCsr);
    EXPECT_EQ(csr.error().detail, c.reason);
    Status account = CheckAccountKey(c.key);
    ASSERT_FALSE(account.ok()) << c.reason;
    EXPECT_EQ(account.error().code, ErrorCode::kBadPublicKey);
    EXPECT_EQ(account.error().detail, c.reason);
  }
}

}  // namespace
}  // namespace signet::pki
