#include "pki/key_policy.h"

#include "pki/csr.h"
#include "pki/csr_builder.h"
#include "pki/test_support.h"

#include <gtest/gtest.h>

#include <openssl/core_names.h>

#include <string>

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;

Key Generate(KeyType type, int rsa_bits = 2048) {
  auto key = Key::Generate(type, rsa_bits);
  EXPECT_TRUE(key.ok());
  return *key;
}

// An RSA key with a chosen public exponent.
Key RsaWithExponent(int bits, unsigned long exponent) {
  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits), 1);
  crypto::BignumPtr e(BN_new());
  BN_set_word(e.get(), exponent);
  EXPECT_EQ(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()), 1);
  EVP_PKEY* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_generate(ctx.get(), &raw), 1);
  return Key(crypto::PkeyPtr(raw));
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
    EXPECT_TRUE(CheckSubscriberKeyEncoding(csr.spki()).ok());
  }
}

TEST(CheckSubscriberKeyEncoding, RejectsACompressedPoint) {
  crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  Csr csr = CsrFor(testing_support::WithCompressedPoint(key));
  EXPECT_TRUE(CheckSubscriberKey(csr.public_key).ok());  // the key itself is fine
  Status s = CheckSubscriberKeyEncoding(csr.spki());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadCsr);
  EXPECT_NE(s.error().detail.find("uncompressed"), std::string::npos) << s.error().detail;
}

}  // namespace
}  // namespace signet::pki
