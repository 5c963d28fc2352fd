#include "crypto/key.h"

#include <gtest/gtest.h>
#include <openssl/encoder.h>
#include <openssl/pem.h>

#include <thread>
#include <vector>

#include "crypto/digest.h"
#include "crypto/ossl.h"

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

// FromPublicDer keeps one decoder per thread: every key type, many keys in
// a row on one thread, and the same from several threads; the whole input
// must be the key (d2i_PUBKEY ignored trailing bytes).
TEST(Key, FromPublicDerReadsEveryTypeAndOnlyAWholeKey) {
  std::vector<Key> keys;
  for (KeyType t : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEd25519, KeyType::kRsa}) {
    auto k = Key::Generate(t, 2048);
    ASSERT_TRUE(k.ok());
    keys.push_back(*k);
  }
  auto check = [&keys] {
    for (int round = 0; round < 3; ++round) {
      for (const Key& k : keys) {
        auto back = Key::FromPublicDer(k.PublicDer());
        ASSERT_TRUE(back.ok()) << back.error().ToString();
        EXPECT_TRUE(back->SamePublicKey(k));
        EXPECT_EQ(back->Family(), k.Family());
      }
    }
  };
  check();
  std::thread other(check);
  other.join();
  const std::string der = keys[0].PublicDer();
  EXPECT_FALSE(Key::FromPublicDer(der + '\0').ok());
  EXPECT_FALSE(Key::FromPublicDer(der.substr(0, der.size() - 1)).ok());
  EXPECT_FALSE(Key::FromPublicDer("").ok());
  auto after = Key::FromPublicDer(der);  // a failure leaves the decoder usable
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->SamePublicKey(keys[0]));
}

// Key::FromPem asks OpenSSL only when the text has a "... PRIVATE KEY" or
// "... PUBLIC KEY" block: every label OpenSSL reads keys from still works,
// wherever the block sits in the file, and anything else is refused.
TEST(Key, FromPemReadsEveryKeyLabelAndRefusesOtherText) {
  auto ec = Key::Generate(KeyType::kEcP256);
  auto rsa = Key::Generate(KeyType::kRsa, 2048);
  ASSERT_TRUE(ec.ok() && rsa.ok());
  // PKCS#8 "PRIVATE KEY", after a certificate-like block and text.
  auto pkcs8 = Key::FromPem("junk\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" +
                            ec->PrivatePem());
  ASSERT_TRUE(pkcs8.ok()) << pkcs8.error().detail;
  EXPECT_TRUE(pkcs8->SamePublicKey(*ec));
  // "EC PRIVATE KEY" and "RSA PRIVATE KEY" (traditional forms).
  for (const Key* k : {&*ec, &*rsa}) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), k->get(), nullptr, nullptr, 0,
                                                   nullptr, nullptr),
              1);
    std::string traditional = BioToString(bio.get());
    ASSERT_TRUE(traditional.find(k == &*ec ? "EC PRIVATE KEY" : "RSA PRIVATE KEY") !=
                std::string::npos);
    auto back = Key::FromPem(traditional);
    ASSERT_TRUE(back.ok()) << back.error().detail;
    EXPECT_TRUE(back->SamePublicKey(*k));
  }
  // "PUBLIC KEY" and "RSA PUBLIC KEY".
  auto pub = Key::FromPem(ec->PublicPem());
  ASSERT_TRUE(pub.ok()) << pub.error().detail;
  EXPECT_TRUE(pub->SamePublicKey(*ec));
  BioPtr bio(BIO_new(BIO_s_mem()));
  OSSL_ENCODER_CTX* enc = OSSL_ENCODER_CTX_new_for_pkey(rsa->get(), EVP_PKEY_PUBLIC_KEY, "PEM",
                                                        "type-specific", nullptr);
  ASSERT_NE(enc, nullptr);
  ASSERT_EQ(OSSL_ENCODER_to_bio(enc, bio.get()), 1);
  OSSL_ENCODER_CTX_free(enc);
  std::string pkcs1_pem = BioToString(bio.get());
  ASSERT_NE(pkcs1_pem.find("RSA PUBLIC KEY"), std::string::npos);
  auto pkcs1 = Key::FromPem(pkcs1_pem);
  ASSERT_TRUE(pkcs1.ok()) << pkcs1.error().detail;
  EXPECT_TRUE(pkcs1->SamePublicKey(*rsa));
  // No key label: refused, saying so.
  auto cert_only =
      Key::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  ASSERT_FALSE(cert_only.ok());
  EXPECT_EQ(cert_only.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(cert_only.error().detail, "cannot parse PEM key: no PRIVATE KEY or PUBLIC KEY block");
  // A key block under another label is not a key, as OpenSSL has it.
  std::string relabelled = ec->PrivatePem();
  for (size_t at; (at = relabelled.find("PRIVATE KEY")) != std::string::npos;)
    relabelled.replace(at, 11, "SECRET THING");
  EXPECT_FALSE(Key::FromPem(relabelled).ok());
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
