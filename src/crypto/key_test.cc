#include "crypto/key.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"

namespace signet::crypto {
namespace {

TEST(Key, GeneratesEachTypeAndReportsIt) {
  auto ec = Key::Generate(KeyType::kEcP256);
  ASSERT_TRUE(ec.ok());
  EXPECT_EQ(ec->Family(), "EC");
  EXPECT_EQ(ec->CurveName(), "P-256");
  auto ed = Key::Generate(KeyType::kEd25519);
  ASSERT_TRUE(ed.ok());
  EXPECT_EQ(ed->Family(), "OKP");
  auto rsa = Key::Generate(KeyType::kRsa, 2048);
  ASSERT_TRUE(rsa.ok());
  EXPECT_EQ(rsa->Family(), "RSA");
  EXPECT_EQ(rsa->Bits(), 2048);
}

TEST(Key, PemRoundTripKeepsTheKey) {
  auto k = Key::Generate(KeyType::kEcP384);
  ASSERT_TRUE(k.ok());
  auto back = Key::FromPem(k->PrivatePem());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->SamePublicKey(*k));
  auto pub = Key::FromPublicDer(k->PublicDer());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(pub->SamePublicKey(*k));
  EXPECT_FALSE(Key::FromPem("not a key").ok());
}

TEST(Key, SignatureVerifiesOnlyForTheSignedData) {
  auto k = Key::Generate(KeyType::kEcP256);
  ASSERT_TRUE(k.ok());
  auto sig = SignDigest(*k, EVP_sha256(), "hello");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyDigest(*k, EVP_sha256(), "hello", *sig));
  EXPECT_FALSE(VerifyDigest(*k, EVP_sha256(), "hellO", *sig));
}

TEST(Digest, Sha256OfAbc) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace signet::crypto
