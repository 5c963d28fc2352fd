// One suite, run against every SigningKey implementation: key files and
// PKCS#11 keys on a SoftHSM2 token (skipped without softhsm2).
#include "crypto/signing_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include <openssl/ocsp.h>

#include "base/files.h"
#include "crypto/digest.h"
#include "crypto/pkcs11_signing_key.h"
#include "crypto/softhsm_test_support.h"

namespace signet::crypto {
namespace {

namespace fs = std::filesystem;
using testing_support::SoftHsmToken;

fs::path FreshDir(const std::string& stem) {
  fs::path dir = fs::path(::testing::TempDir()) /
                 ("signet_signing_key_" + stem + "_" + std::to_string(::getpid()) + "_" +
                  HexEncode(RandomBytes(4)));
  fs::create_directories(dir);
  return dir;
}

// The token all PKCS#11 cases share: made once per process.
SoftHsmToken* SharedToken() {
  static std::unique_ptr<SoftHsmToken> token = [] {
    auto t = std::make_unique<SoftHsmToken>(FreshDir("hsm"), "signet-test");
    t->Generate("p256", "EC:prime256v1", 1);
    t->Generate("p384", "EC:secp384r1", 2);
    t->Generate("rsa", "rsa:2048", 3);
    return t;
  }();
  return token.get();
}

struct Case {
  const char* name;
  bool pkcs11;
  KeyType type;
  const char* object;  // on the token
};

class SigningKeyTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case& c = GetParam();
    if (c.pkcs11) {
      if (!testing_support::SoftHsmAvailable()) GTEST_SKIP() << "softhsm2 not installed";
      SoftHsmToken* token = SharedToken();
      ASSERT_TRUE(token->ok()) << "cannot set up the SoftHSM2 token";
      auto key = OpenSigningKey(token->Uri(c.object), testing_support::kSoftHsmPin,
                                testing_support::kSoftHsmModule);
      ASSERT_TRUE(key.ok()) << key.error().ToString();
      key_ = std::move(*key);
    } else {
      dir_ = FreshDir("file");
      auto generated = Key::Generate(c.type);
      ASSERT_TRUE(generated.ok());
      ASSERT_TRUE(WriteFileAtomic(dir_ / "ca.key", generated->PrivatePem(), 0600).ok());
      auto key = OpenSigningKey((dir_ / "ca.key").string(), "", "");
      ASSERT_TRUE(key.ok()) << key.error().ToString();
      key_ = std::move(*key);
    }
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // A self-signed certificate for the key, signed through SignCertificate.
  X509Ptr SelfSigned() {
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("Signer Test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key_->public_key().get());
    EXPECT_TRUE(key_->SignCertificate(cert.get()).ok());
    return cert;
  }

  std::unique_ptr<SigningKey> key_;
  fs::path dir_;
};

TEST_P(SigningKeyTest, PublicKeyHasTheTypeAndNoPrivateHalf) {
  const Case& c = GetParam();
  const Key& pub = key_->public_key();
  EXPECT_EQ(pub.Family(), c.type == KeyType::kRsa ? "RSA" : "EC");
  if (c.type == KeyType::kEcP384) {
    EXPECT_EQ(pub.CurveName(), "P-384");
  } else if (c.type == KeyType::kEcP256) {
    EXPECT_EQ(pub.CurveName(), "P-256");
  }
  EXPECT_EQ(pub.PrivatePem(), "");  // only the public half leaves the signer
}

TEST_P(SigningKeyTest, SignaturesVerifyWithThePublicKeyOnly) {
  auto sig = key_->Sign("to be signed");
  ASSERT_TRUE(sig.ok()) << sig.error().ToString();
  EXPECT_TRUE(VerifyDigest(key_->public_key(), EVP_sha256(), "to be signed", *sig));
  EXPECT_FALSE(VerifyDigest(key_->public_key(), EVP_sha256(), "something else", *sig));
}

TEST_P(SigningKeyTest, CertificatesCarryTheAnnouncedAlgorithmAndVerify) {
  X509Ptr cert = SelfSigned();
  EXPECT_EQ(X509_verify(cert.get(), key_->public_key().get()), 1);
  unsigned char* der = nullptr;
  int len = i2d_X509_ALGOR(X509_get0_tbs_sigalg(cert.get()), &der);
  ASSERT_GT(len, 0);
  std::string written(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  EXPECT_EQ(written, key_->algorithm_id());
}

TEST_P(SigningKeyTest, OcspResponsesVerify) {
  X509Ptr responder = SelfSigned();
  OcspBasicRespPtr basic(OCSP_BASICRESP_new());
  ASSERT_TRUE(key_->SignOcspResponse(basic.get(), responder.get()).ok());
  X509StorePtr store(X509_STORE_new());
  EXPECT_EQ(OCSP_basic_verify(basic.get(), nullptr, store.get(), OCSP_NOVERIFY), 1);
}

TEST_P(SigningKeyTest, SignsFromSeveralThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        std::string data = "thread " + std::to_string(t) + " " + std::to_string(i);
        auto sig = key_->Sign(data);
        if (sig.ok() && VerifyDigest(key_->public_key(), EVP_sha256(), data, *sig)) ++good;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 32);
}

INSTANTIATE_TEST_SUITE_P(
    Implementations, SigningKeyTest,
    ::testing::Values(Case{"FileP256", false, KeyType::kEcP256, ""},
                      Case{"FileP384", false, KeyType::kEcP384, ""},
                      Case{"FileRsa", false, KeyType::kRsa, ""},
                      Case{"Pkcs11P256", true, KeyType::kEcP256, "p256"},
                      Case{"Pkcs11P384", true, KeyType::kEcP384, "p384"},
                      Case{"Pkcs11Rsa", true, KeyType::kRsa, "rsa"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(KeyFile, GroupOrWorldReadableKeyIsRefusedWithOneLine) {
  fs::path dir = FreshDir("mode");
  auto key = Key::Generate(KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(WriteFileAtomic(dir / "ca.key", key->PrivatePem(), 0640).ok());
  auto refused = LoadSigningKeyFile(dir / "ca.key");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().detail.find("has mode 0640, open to group or others; make it 0600"),
            std::string::npos)
      << refused.error().detail;
  EXPECT_EQ(refused.error().detail.find('\n'), std::string::npos);
  ::chmod((dir / "ca.key").c_str(), 0604);
  EXPECT_FALSE(LoadSigningKeyFile(dir / "ca.key").ok());
  ::chmod((dir / "ca.key").c_str(), 0600);
  EXPECT_TRUE(LoadSigningKeyFile(dir / "ca.key").ok());
  ::chmod((dir / "ca.key").c_str(), 0400);
  EXPECT_TRUE(LoadSigningKeyFile(dir / "ca.key").ok());
  fs::remove_all(dir);
}

TEST(Pkcs11Key, WrongPinOrObjectIsAClearErrorWithoutThePin) {
  if (!testing_support::SoftHsmAvailable()) GTEST_SKIP() << "softhsm2 not installed";
  SoftHsmToken* token = SharedToken();
  ASSERT_TRUE(token->ok());
  auto wrong_pin = OpenSigningKey(token->Uri("p256"), "9999", testing_support::kSoftHsmModule);
  ASSERT_FALSE(wrong_pin.ok());
  EXPECT_NE(wrong_pin.error().detail.find("no private key pkcs11:token=signet-test;object=p256"),
            std::string::npos)
      << wrong_pin.error().detail;
  auto missing = OpenSigningKey(token->Uri("absent"), testing_support::kSoftHsmPin,
                                testing_support::kSoftHsmModule);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail.find("object=absent"), std::string::npos);
  // A PIN inside the URI is used but never shown.
  auto inline_pin = OpenSigningKey(token->Uri("p256") + ";pin-value=1234", "",
                                   testing_support::kSoftHsmModule);
  ASSERT_TRUE(inline_pin.ok()) << inline_pin.error().ToString();
  EXPECT_EQ((*inline_pin)->description().find("1234"), std::string::npos);
}

}  // namespace
}  // namespace signet::crypto
